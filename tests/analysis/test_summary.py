import math

import pandas as pd

from wres.analysis.summary import national_summary
from wres.registry import load_registry

REG = load_registry()


def _rows(ind, key, values: dict[int, list[float]], unit="percent", testable=True):
    return [
        {"indicator": ind, "series": key, "report_year": y, "value": v, "unit": unit, "testable": testable}
        for y, vs in values.items()
        for v in vs
    ]


def test_headline_rows_by_hand():
    std = REG.standard
    ind = next(i for i in REG.indicators if i.comparison_phrase)
    key = ind.headline_series
    other = key.replace(std.minority_group, std.majority_group)
    series = pd.DataFrame(
        _rows(ind.id, key, {2019: [20.0], 2021: [22.5, 99.0], 2020: [21.0]}) + _rows(ind.id, other, {2021: [30.0]})
    )
    trends = pd.DataFrame({"indicator": [ind.id], "series": [key], "verdict": ["improving"]})
    out = national_summary(series, trends, REG).set_index("indicator")
    r = out.loc[ind.id]
    # One figure per year, the first listed: 2019 20.0 ... 2021 22.5 (not 99.0).
    assert (r["n_years"], r["first_year"], r["first_value"], r["latest_year"], r["latest_value"]) == (
        3,
        2019,
        20.0,
        2021,
        22.5,
    )
    assert math.isclose(r["change"], 2.5)
    assert r["comparison_value"] == 30.0 and math.isnan(r["workforce_value"])
    assert r["verdict"] == "improving"
    # Every other indicator: no figures, so nothing but its key and "too few years".
    rest = out.drop(index=ind.id)
    assert len(rest) == len(REG.ids) - 1
    assert (rest["n_years"] == 0).all() and (rest["verdict"] == "too few years").all()
    assert rest["latest_year"].isna().all()


def test_workforce_value_in_latest_year():
    ind = next(i for i in REG.indicators if i.comparison is not None)
    key, wf = ind.headline_series, ind.comparison.workforce
    series = pd.DataFrame(
        _rows(ind.id, key, {2022: [10.0], 2023: [11.0]}) + _rows(ind.id, wf, {2022: [40.0], 2023: [41.5]})
    )
    out = national_summary(series, pd.DataFrame(columns=["indicator", "series", "verdict"]), REG)
    r = out[out["indicator"] == ind.id].iloc[0]
    assert r["workforce_value"] == 41.5 and r["verdict"] == "too few years" and r["change"] == 1.0


def test_change_starts_at_the_first_figure_the_test_used():
    """A 2018 figure flagged out of the tests (e.g. definition_differs) is not the start."""
    ind = next(i for i in REG.indicators if i.comparison_phrase)
    key = ind.headline_series
    series = pd.DataFrame(
        _rows(ind.id, key, {2018: [5.0]}, testable=False) + _rows(ind.id, key, {2019: [20.0], 2020: [23.0]})
    )
    r = national_summary(series, pd.DataFrame(columns=["indicator", "series", "verdict"]), REG)
    r = r[r["indicator"] == ind.id].iloc[0]
    assert (r["first_year"], r["first_value"], r["n_years"], r["change"]) == (2019, 20.0, 2, 3.0)


def test_board_headline_is_the_gap_with_the_board_share_beside_it():
    ind = next(i for i in REG.indicators if i.measure_kind == "representation_gap")
    spec = ind.series_by_key(ind.headline_series)
    assert spec.unit == "percentage points" and spec.a == ind.comparison.senior and spec.b == ind.comparison.workforce
    series = pd.DataFrame(
        _rows(ind.id, ind.headline_series, {2023: [-12.0]}, unit="percentage points")
        + _rows(ind.id, ind.comparison.senior, {2023: [16.0]})
        + _rows(ind.id, ind.comparison.workforce, {2023: [28.0]})
    )
    r = national_summary(series, pd.DataFrame(columns=["indicator", "series", "verdict"]), REG)
    r = r[r["indicator"] == ind.id].iloc[0]
    assert (r["latest_value"], r["senior_value"], r["workforce_value"]) == (-12.0, 16.0, 28.0)
