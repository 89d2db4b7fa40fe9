"""National trend table: the multiple-comparison families, worked by hand, and the
real-data facts the chapters rely on."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres.analysis.changes import national_changes
from wres.analysis.national import family_q_values, national_trends
from wres.analysis.series import all_series
from wres.config import Paths
from wres.inputs.national import load_national
from wres.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]


def test_bh_within_each_family_by_hand():
    """Headline p 0.01, 0.04, 0.03, 0.20 (m = 4): sorted 0.01, 0.03, 0.04, 0.20 give
    m p / rank = 0.04, 0.06, 0.0533, 0.20; the running minimum from the top makes
    q = 0.04, 0.0533, 0.0533, 0.20. Context p 0.02, (untested), 0.5 (m = 2): 0.04, 0.5."""
    table = pd.DataFrame(
        {
            "family": ["headline", "context", "headline", "headline", "context", "headline", "context"],
            "p_value": [0.01, 0.02, 0.04, 0.03, np.nan, 0.20, 0.5],
            "mk_p": [0.5, 0.01, np.nan, 0.02, np.nan, 0.02, 0.03],
        }
    )
    q, mk_q = family_q_values(table)
    np.testing.assert_allclose(q, [0.04, 0.04, 0.16 / 3, 0.16 / 3, np.nan, 0.20, 0.5])
    # Mann-Kendall headline p 0.5, 0.02, 0.02 (m = 3): 0.03, 0.03, 0.5; context 0.01, 0.03: 0.02, 0.03
    np.testing.assert_allclose(mk_q, [0.5, 0.02, np.nan, 0.03, np.nan, 0.03, 0.03])


@pytest.fixture(scope="module")
def table():
    registry = load_registry()
    figures = load_national(Paths(ROOT).national_csv, registry)
    return national_trends(figures, registry)[0].set_index(["indicator", "series"])


def test_one_headline_series_per_indicator(table):
    registry = load_registry()
    heads = table[table["family"] == "headline"].index
    assert sorted(heads) == sorted(
        (i.id, i.headline_series) for i in registry.indicators if (i.id, i.headline_series) in table.index
    )
    assert (table.loc[(9, "board_representation_gap"), "family"]) == "headline"
    assert (table.loc[(9, "board_representation_ratio"), "family"]) == "context"


def test_board_gap_is_board_minus_workforce(table):
    row = table.loc[(9, "board_representation_gap")]
    # Board shares are well below workforce shares: the WRES gap is negative.
    assert row["fitted_first"] < 0 and row["fitted_last"] < 0
    assert row["verdict"] == "no significant change"


def test_rolling_series_is_tested_by_gls_without_mann_kendall(table):
    row = table.loc[(3, "rl")]
    assert row["method"] == "gls_rolling_2"
    assert math.isnan(row["mk_p"]) and math.isnan(row["mk_q"])
    assert (table.drop(index=(3, "rl"))["method"] == "ols").all()


def test_tests_agree_compares_q_with_q(table):
    tested = table[table["mk_q"].notna() & table["q_value"].notna()]
    agree = (tested["q_value"] < 0.05) == (tested["mk_q"] < 0.05)
    assert (tested["tests_agree"].astype(bool) == agree).all()


def test_correlated_years_sensitivity_recomputed_with_statsmodels(table):
    """Each headline verdict's q under AR(1) rho 0.5, recomputed here: statsmodels GLS with
    sigma = rho^|year gap| (annual series) on the log or logit of the tested figures, then
    statsmodels' Benjamini-Hochberg over the headline family."""
    import statsmodels.api as sm
    from statsmodels.stats.multitest import multipletests

    from wres.analysis.series import all_series

    registry = load_registry()
    series = all_series(load_national(Paths(ROOT).national_csv, registry), registry)
    flat = table.reset_index()
    head = flat[(flat["family"] == "headline") & flat["p_value"].notna()].copy()
    ps = []
    for r in head.itertuples():
        rows = series[(series["indicator"] == r.indicator) & (series["series"] == r.series) & series["testable"]]
        rows = rows.sort_values("report_year").drop_duplicates("report_year")
        years = rows["report_year"].to_numpy(float)
        v = rows["value"].to_numpy(float)
        z = np.log(v) if r.transform == "log" else (np.log(v / (100 - v)) if r.transform == "logit" else v)
        h = np.abs(np.subtract.outer(years, years))
        if registry.indicator(r.indicator).rolling_years(r.series) == 1:
            sigma = 0.5**h  # annual figures: rho^|year gap|
        else:
            # Two-year averages of AR(1) values, worked by hand: cov((u_t + u_t-1)/2,
            # (u_s + u_s-1)/2) at lag h is (2 rho^h + rho^|h-1| + rho^(h+1)) / 4, variance (2 + 2 rho) / 4.
            sigma = (2 * 0.5**h + 0.5 ** np.abs(h - 1) + 0.5 ** (h + 1)) / (2 + 2 * 0.5)
            np.fill_diagonal(sigma, 1.0)
        ps.append(sm.GLS(z, sm.add_constant(years - years.mean()), sigma=sigma).fit().pvalues[1])
    want = multipletests(ps, method="fdr_bh")[1]
    np.testing.assert_allclose(head["q_value_ar1_05"].to_numpy(float), want, rtol=1e-9)
    # What the chapters say: indicator 3's improvement survives correlated years at 0.5.
    rl3 = flat[(flat["indicator"] == 3) & (flat["family"] == "headline")].iloc[0]
    assert rl3["verdict"] == "improving" and rl3["verdict_if_correlated"] == "improving"
    assert rl3["q_value_ar1_05"] > rl3["q_value"]


def test_each_verdict_note_carries_one_q_value(table):
    """One q-value per verdict (issue 18): the note gives the regression's q, which decides the
    verdict, and says in words whether the Mann–Kendall check agrees."""
    tested = table[table["q_value"].notna()]
    assert len(tested) >= 5
    for note in tested["verdict_note"]:
        assert note.count("(q ") == 1 and "Mann–Kendall test (" not in note, note
    # Indicator 2's headline: regression q 0.77 (the chapter's trend table) and the check agrees.
    assert table.loc[(2, "rl"), "verdict_note"] == (
        "The regression finds no significant change (q = 0.77); the Mann–Kendall test agrees."
    )


def test_a_series_borrowed_from_another_indicator_has_one_verdict(table):
    """The whole workforce's share is tested once, under indicator 1; under indicator 9, which
    reads it (``from_indicator``), the changes table gives the same verdict, not "not tested".
    By hand: the share rose in every published year (17.7% in 2016 to 28.6% in 2024), a series
    with no good direction, so its verdict is "increasing"."""
    registry = load_registry()
    figures = load_national(Paths(ROOT).national_csv, registry)
    series = all_series(figures, registry)
    changes = national_changes(figures, registry, table.reset_index(), series).set_index(["indicator", "series"])
    assert changes.loc[(1, "bme_workforce_pct"), "verdict_now"] == "increasing"
    assert changes.loc[(9, "bme_workforce_pct"), "verdict_now"] == "increasing"
    assert changes.loc[(9, "bme_workforce_pct"), "verdict_before"] == "increasing"
    assert changes.loc[(9, "bme_workforce_pct"), "note"] == "tested with Representation by pay band"
    assert changes.loc[(1, "bme_workforce_pct"), "note"] == ""
    assert "not tested" not in set(changes["verdict_now"])
