"""What an indicator notebook shows in Jupyter (wres.analysis.chapter_analysis) equals the
results tables and the published figures: the series is the input file's rows, the fitted
line is numpy's least-squares line through the transformed figures, and the tests are the
recorded ``national_trends.csv`` (the backtest's copy, so no build is needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres import results
from wres.analysis import chapter_analysis as ca
from wres.io import round_floats
from wres.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "tests" / "fixtures" / "backtest" / "national"
PUBLISHED = ROOT / "data" / "raw" / "published" / "wres_national_published.csv"
REG = load_registry()


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return results.read(RECORDED, "national_series")


def _ols_indicator() -> int:
    """An indicator whose headline series is annual (tested by ordinary least squares)."""
    return next(i.id for i in REG.indicators if i.rolling_years(i.headline_series) == 1 and i.series[0].tested)


def test_tested_series_are_the_published_rows(series):
    ind = REG.indicator(_ols_indicator())
    spec = ind.series_by_key(ind.headline_series)
    shown = ca.tested_series(series, REG, ind.id)
    mine = shown[shown["series"] == spec.key]
    raw = pd.read_csv(PUBLISHED)
    raw = raw[(raw["indicator"] == ind.id) & (raw["measure"] == spec.measure) & (raw["group"] == spec.group)]
    excluded = raw["quality"].isin(REG.quality.excluded_from_tests)
    expected = raw[~excluded].drop_duplicates("report_year").sort_values("report_year")
    assert mine["report_year"].tolist() == expected["report_year"].astype(int).tolist()
    np.testing.assert_allclose(mine["value"], expected["value"].astype(float))
    z = np.log(expected["value"].astype(float)) if spec.transform == "log" else None
    if z is not None:
        np.testing.assert_allclose(mine["fitted_scale_value"], z)


def test_fitted_lines_are_least_squares_lines(series):
    ind_id = _ols_indicator()
    ind = REG.indicator(ind_id)
    shown = ca.tested_series(series, REG, ind_id)
    lines = ca.fitted_lines(series, REG, ind_id).set_index("series")
    models = ca.ols_models(series, REG, ind_id)
    for key, rows in shown.groupby("series"):
        if len(rows) < REG.trend_tests.min_years or ind.rolling_years(key) > 1:
            continue
        x = rows["report_year"].to_numpy(dtype=float)
        slope, intercept = np.polyfit(x - x.mean(), rows["fitted_scale_value"].to_numpy(dtype=float), 1)
        assert lines.loc[key, "method"] == "ols"
        assert lines.loc[key, "slope"] == pytest.approx(slope, rel=1e-9)
        assert lines.loc[key, "intercept"] == pytest.approx(intercept, rel=1e-9)
        np.testing.assert_allclose(models[key].params, [intercept, slope], rtol=1e-9)
        assert "year - mean year" in models[key].summary(xname=["const", "year - mean year"]).as_text()


def test_trend_tests_equal_the_results_table(series):
    recorded = results.read(RECORDED, "national_trends")
    for ind in REG.indicators:
        # Rounded as the results writer rounds (wres.io.write_csv), to compare with its file.
        shown = round_floats(ca.trend_tests(series, REG, ind.id))
        mine = recorded[recorded["indicator"] == ind.id].reset_index(drop=True)
        assert shown["series"].tolist() == mine["series"].tolist()
        for column in mine.columns:
            a, b = shown[column], mine[column]
            if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
                # The series table keeps 10 significant digits of derived figures.
                np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-8, equal_nan=True, err_msg=column)
            else:
                assert a.astype(str).tolist() == b.astype(str).tolist(), column


def test_the_model_summary_shows_the_fit_but_not_the_clock():
    import numpy as np

    from wres.analysis.chapter_analysis import model_summary
    from wres.stats import trends

    years = np.arange(2015, 2024, dtype=float)
    values = np.array([1.5, 1.6, 1.4, 1.3, 1.35, 1.2, 1.25, 1.1, 1.15])
    text = model_summary(trends.ols_model(years, values, "log"), ["const", "year - mean year"]).as_text()
    assert "Date:" not in text and "Time:" not in text
    # R-squared of log(value) on year, worked out with numpy: the squared correlation.
    r2 = np.corrcoef(years, np.log(values))[0, 1] ** 2
    assert f"R-squared:{' ' * 23}{r2:.3f}" in text
