"""Rates, Wilson and Katz intervals, org and aggregate rates, share in range."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats.contingency import relative_risk
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from wres.stats.rates import (
    PERCENTAGE,
    RELATIVE_LIKELIHOOD,
    Comparison,
    aggregate_rates,
    org_rates,
    relative_likelihood,
    share_in_range,
    wilson_ci,
)

TOL = 1e-6
Z = 1.959963984540054


# --------------------------------------------------------------------------- Wilson


def test_wilson_hand_worked():
    # 3 events in 10: p = 0.3, z^2 = 3.841459
    # centre = (0.3 + 3.841459/20) / (1 + 3.841459/10) = 0.4920729 / 1.3841459 = 0.3555040
    # half   = 1.959964 * sqrt(0.3*0.7/10 + 3.841459/400) / 1.3841459 = 0.2477178
    # -> (0.1077862... , 0.6032218...)
    low, high = wilson_ci(3, 10)
    centre = (0.3 + Z**2 / 20) / (1 + Z**2 / 10)
    half = Z * math.sqrt(0.021 + Z**2 / 400) / (1 + Z**2 / 10)
    assert low == pytest.approx(centre - half, abs=TOL)
    assert high == pytest.approx(centre + half, abs=TOL)
    assert (low, high) == pytest.approx((0.107791, 0.603222), abs=1e-6)


def test_wilson_matches_statsmodels_vectorised():
    rng = np.random.default_rng(3)
    n = rng.integers(1, 5000, 300)
    k = rng.integers(0, n + 1)
    for alpha in (0.05, 0.002):
        low, high = wilson_ci(k, n, alpha=alpha)
        slo, shi = proportion_confint(k, n, alpha=alpha, method="wilson")
        np.testing.assert_allclose(low, slo, atol=TOL)
        np.testing.assert_allclose(high, shi, atol=TOL)


def test_wilson_degenerate_inputs_give_nan():
    low, high = wilson_ci([0, 5, 3, np.nan, 2], [0, 4, -1, 10, np.nan])
    assert np.isnan(low).all() and np.isnan(high).all()
    low, high = wilson_ci([0, 10], [10, 10])
    assert low[0] == pytest.approx(0.0, abs=1e-12) and high[1] == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- Katz


def test_relative_likelihood_hand_worked():
    # 30/100 vs 20/200: RL = 0.30 / 0.10 = 3.0
    # se(log RL) = sqrt(1/30 - 1/100 + 1/20 - 1/200) = sqrt(0.0683333) = 0.2614065
    # CI = exp(log 3 -/+ 1.959964 * 0.2614065) = exp(1.0986123 -/+ 0.5123475)
    #    = (exp(0.5862648), exp(1.6109598)) = (1.797263, 5.007614)
    r = relative_likelihood(30, 100, 20, 200).iloc[0]
    assert r["value"] == pytest.approx(3.0, abs=TOL)
    assert r["se_log_rl"] == pytest.approx(math.sqrt(1 / 30 - 1 / 100 + 1 / 20 - 1 / 200), abs=TOL)
    assert r["ci_low"] == pytest.approx(1.797263, abs=1e-6)
    assert r["ci_high"] == pytest.approx(5.007614, abs=1e-6)
    assert not r["zero_cell_correction"] and r["note_codes"] == ""


def _random_tables(seed, size=200):
    rng = np.random.default_rng(seed)
    n1 = rng.integers(2, 3000, size)
    n2 = rng.integers(2, 3000, size)
    k1 = rng.integers(1, n1)  # 1..n-1: no zero cells
    k2 = rng.integers(1, n2)
    return k1, n1, k2, n2


def test_katz_matches_scipy_relative_risk():
    k1, n1, k2, n2 = _random_tables(1)
    out = relative_likelihood(k1, n1, k2, n2)
    for i in range(len(k1)):
        rr = relative_risk(int(k1[i]), int(n1[i]), int(k2[i]), int(n2[i]))
        ci = rr.confidence_interval(confidence_level=0.95)
        assert out["value"].iloc[i] == pytest.approx(rr.relative_risk, rel=TOL)
        assert out["ci_low"].iloc[i] == pytest.approx(ci.low, rel=TOL)
        assert out["ci_high"].iloc[i] == pytest.approx(ci.high, rel=TOL)


def test_katz_matches_statsmodels_table2x2():
    k1, n1, k2, n2 = _random_tables(2)
    out = relative_likelihood(k1, n1, k2, n2, alpha=0.01)
    for i in range(len(k1)):
        t = Table2x2(np.array([[k1[i], n1[i] - k1[i]], [k2[i], n2[i] - k2[i]]]))
        lo, hi = t.riskratio_confint(alpha=0.01)
        assert out["value"].iloc[i] == pytest.approx(t.riskratio, rel=TOL)
        assert out["log_rl"].iloc[i] == pytest.approx(t.log_riskratio, abs=TOL)
        assert out["se_log_rl"].iloc[i] == pytest.approx(t.log_riskratio_se, rel=TOL)
        assert out["ci_low"].iloc[i] == pytest.approx(lo, rel=TOL)
        assert out["ci_high"].iloc[i] == pytest.approx(hi, rel=TOL)


@pytest.mark.parametrize(
    "k1,n1,k2,n2",
    [(0, 100, 20, 200), (30, 100, 0, 200), (100, 100, 20, 200), (5, 40, 60, 60)],
)
def test_zero_or_complete_cell_gets_haldane_anscombe(k1, n1, k2, n2):
    # Haldane-Anscombe: +0.5 to all four cells, so k -> k + 0.5 and n -> n + 1.
    # e.g. 0/100 vs 20/200: RL = (0.5/101) / (20.5/201) = 0.0485392,
    # se = sqrt(1/0.5 - 1/101 + 1/20.5 - 1/201) = 1.4285...
    r = relative_likelihood(k1, n1, k2, n2).iloc[0]
    a, c, m1, m2 = k1 + 0.5, k2 + 0.5, n1 + 1, n2 + 1
    value = (a / m1) / (c / m2)
    se = math.sqrt(1 / a - 1 / m1 + 1 / c - 1 / m2)
    assert r["zero_cell_correction"]
    assert r["note_codes"] == "haldane"
    assert r["value"] == pytest.approx(value, rel=TOL)
    assert r["se_log_rl"] == pytest.approx(se, rel=TOL)
    assert r["ci_low"] == pytest.approx(value * math.exp(-Z * se), rel=TOL)
    # The same corrected table through statsmodels, with its own zero shift off.
    t = Table2x2(np.array([[a, n1 - k1 + 0.5], [c, n2 - k2 + 0.5]]), shift_zeros=False)
    assert r["value"] == pytest.approx(t.riskratio, rel=TOL)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(t.riskratio_confint(), rel=TOL)


def test_no_events_in_either_group_is_nan_with_note():
    r = relative_likelihood(0, 50, 0, 80).iloc[0]
    assert np.isnan(r["value"]) and np.isnan(r["ci_low"])
    assert r["note_codes"] == "no_events"


def test_empty_missing_and_invalid_groups_are_nan_with_codes():
    out = relative_likelihood([5, 5, np.nan, 12, 1], [0, 10, 10, 10, 0], [3, 3, 2, 3, 1], [10, 0, 10, 10, 0])
    assert out["value"].isna().all()
    # Groups are named by position: 1 is (k1, n1), 2 is (k2, n2).
    assert out["note_codes"].tolist() == ["no_staff:1", "no_staff:2", "missing", "invalid", "no_staff:1,2"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60)),
        min_size=1,
        max_size=20,
    )
)
def test_relative_likelihood_never_crashes_or_drops(cells):
    k1, n1, k2, n2 = (np.array(c, dtype=float) for c in zip(*cells, strict=True))
    out = relative_likelihood(k1, n1, k2, n2)
    assert len(out) == len(cells)
    # Every row is either a finite estimate or NaN with a reason.
    finite = np.isfinite(out["value"]) & np.isfinite(out["ci_low"]) & np.isfinite(out["ci_high"])
    assert ((finite) | (out["note_codes"] != "")).all()
    assert (out.loc[finite, "ci_low"] <= out.loc[finite, "value"] + 1e-12).all()
    assert (out.loc[finite, "value"] <= out.loc[finite, "ci_high"] + 1e-12).all()


# --------------------------------------------------------------------------- org_rates


def _frame(rows):
    cols = [
        "year",
        "org_code",
        "org_name",
        "region",
        "org_type",
        "indicator",
        "band",
        "group",
        "numerator",
        "denominator",
        "percent",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["numerator"] = df["numerator"].astype("Int64")
    df["denominator"] = df["denominator"].astype("Int64")
    return df


def _row(year, org, ind, group, k, n, pct=np.nan, band=""):
    return (year, org, f"{org} trust", "London", "acute", ind, band, group, k, n, pct)


@pytest.fixture
def counts_frame():
    return _frame(
        [
            _row(2023, "A", 2, "white", 30, 100),
            _row(2023, "A", 2, "bme", 20, 200),
            _row(2023, "A", 2, "unknown", 3, 9),
            _row(2023, "B", 2, "white", 0, 50),
            _row(2023, "B", 2, "bme", 6, 40),
            _row(2023, "C", 2, "white", 10, 40),  # no BME row at all
            _row(2024, "A", 2, "white", 25, 100),
            _row(2024, "A", 2, "bme", 0, 0),
        ]
    )


def test_org_rates_relative_likelihood(counts_frame):
    out = org_rates(counts_frame, Comparison(2, "white", "bme", RELATIVE_LIKELIHOOD))
    assert len(out) == 4  # every (year, org, band) kept, none dropped
    a = out[(out.year == 2023) & (out.org_code == "A")].iloc[0]
    assert a["value"] == pytest.approx(3.0, abs=TOL)
    assert a["rate_white"] == pytest.approx(0.3) and a["rate_bme"] == pytest.approx(0.1)
    lo, hi = proportion_confint(30, 100, method="wilson")
    assert (a["rate_white_ci_low"], a["rate_white_ci_high"]) == pytest.approx((lo, hi), abs=TOL)
    assert a["numerator_white"] == 30  # "unknown" staff are in neither group
    assert a["org_name"] == "A trust" and a["region"] == "London" and a["indicator"] == 2
    b = out[out.org_code == "B"].iloc[0]
    assert b["zero_cell_correction"]
    c = out[out.org_code == "C"].iloc[0]
    assert np.isnan(c["value"]) and c["note_codes"] == "no_row:2;missing"
    a24 = out[(out.year == 2024) & (out.org_code == "A")].iloc[0]
    assert np.isnan(a24["value"]) and a24["note_codes"] == "no_staff:2"
    expected = {
        "year",
        "org_code",
        "band",
        "value",
        "ci_low",
        "ci_high",
        "log_rl",
        "se_log_rl",
        "zero_cell_correction",
        "note_codes",
        "numerator_group",
        "comparison_group",
    }
    assert expected <= set(out.columns)


def test_org_rates_numerator_group_is_a_parameter(counts_frame):
    w = org_rates(counts_frame, Comparison(2, "white", "bme", RELATIVE_LIKELIHOOD))
    b = org_rates(counts_frame, Comparison(2, "bme", "white", RELATIVE_LIKELIHOOD))
    a_w = w[(w.year == 2023) & (w.org_code == "A")].iloc[0]
    a_b = b[(b.year == 2023) & (b.org_code == "A")].iloc[0]
    assert a_b["value"] == pytest.approx(1 / a_w["value"], rel=TOL)
    assert a_b["ci_low"] == pytest.approx(1 / a_w["ci_high"], rel=TOL)


def test_org_rates_rejects_duplicate_rows(counts_frame):
    dup = pd.concat([counts_frame, counts_frame.iloc[[0]]])
    with pytest.raises(ValueError, match="more than one row"):
        org_rates(dup, Comparison(2, "white", "bme", RELATIVE_LIKELIHOOD))


def test_org_rates_weighted_percent_uses_effective_n():
    df = _frame(
        [
            _row(2023, "A", 5, "bme", pd.NA, 120, pct=31.0),
            _row(2023, "A", 5, "white", pd.NA, 300, pct=25.0),
            _row(2023, "B", 5, "bme", 40, 100),
            _row(2023, "B", 5, "white", 50, 250),
        ]
    )
    deff = 1.5
    out = org_rates(df, Comparison(5, "bme", "white", PERCENTAGE, deff=deff)).set_index("org_code")
    a = out.loc["A"]
    assert a["value"] == pytest.approx(31.0)
    assert a["gap"] == pytest.approx(6.0)  # BME minus White, percentage points
    lo, hi = proportion_confint(0.31 * 120 / deff, 120 / deff, method="wilson")
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((100 * lo, 100 * hi), abs=TOL)
    glo, ghi = confint_proportions_2indep(0.31 * 80, 80, 0.25 * 200, 200, method="newcomb", compare="diff")
    assert (a["gap_ci_low"], a["gap_ci_high"]) == pytest.approx((100 * glo, 100 * ghi), abs=TOL)
    assert a["note_codes"] == "weighted:1.5"
    b = out.loc["B"]
    assert b["value"] == pytest.approx(40.0) and b["gap"] == pytest.approx(20.0)
    assert b["note_codes"] == ""
    assert np.isnan(a["log_rl"])


def test_comparison_needs_a_known_measure_and_two_groups():
    with pytest.raises(ValueError, match="measure"):
        Comparison(1, "bme", "white", "representation")
    with pytest.raises(ValueError, match="differ"):
        Comparison(2, "bme", "bme", RELATIVE_LIKELIHOOD)


def test_percentage_codes_name_each_group():
    df = _frame(
        [
            _row(2023, "A", 5, "bme", 3, 0),
            _row(2023, "A", 5, "white", pd.NA, 10),
            _row(2023, "B", 5, "bme", 12, 10),
            _row(2023, "B", 5, "white", 2, 10),
        ]
    )
    out = org_rates(df, Comparison(5, "bme", "white", PERCENTAGE)).set_index("org_code")
    assert out.loc["A", "note_codes"] == "no_staff:1;missing:2"
    assert out.loc["B", "note_codes"] == "invalid"


# --------------------------------------------------------------------------- aggregates


def test_aggregate_rates_sums_counts(counts_frame):
    out = aggregate_rates(counts_frame, ["year"], Comparison(2, "white", "bme", RELATIVE_LIKELIHOOD))
    y23 = out[out.year == 2023].iloc[0]
    # White 30+0+10 / 100+50+40 = 40/190; BME 20+6 / 200+40 = 26/240
    assert y23["numerator_white"] == 40 and y23["denominator_white"] == 190
    assert y23["numerator_bme"] == 26 and y23["denominator_bme"] == 240
    assert y23["n_orgs"] == 3
    rr = relative_risk(40, 190, 26, 240)
    assert y23["value"] == pytest.approx(rr.relative_risk, rel=TOL)
    ci = rr.confidence_interval()
    assert (y23["ci_low"], y23["ci_high"]) == pytest.approx((ci.low, ci.high), rel=TOL)
    by_region = aggregate_rates(counts_frame, ["year", "region"], Comparison(2, "white", "bme", RELATIVE_LIKELIHOOD))
    assert set(by_region.columns) >= {"year", "region", "band", "value"}


# --------------------------------------------------------------------------- share in range


def test_share_in_range_inclusive_and_counts_missing():
    vals = pd.DataFrame(
        {
            "year": [2023] * 6 + [2024] * 2,
            "value": [0.8, 1.25, 1.0, 0.79, 1.26, np.nan, np.nan, np.nan],
        }
    )
    out = share_in_range(vals).set_index("year")
    assert out.loc[2023, "n_orgs"] == 5
    assert out.loc[2023, "n_in_range"] == 3
    assert out.loc[2023, "share"] == pytest.approx(0.6)
    assert out.loc[2023, "n_not_estimable"] == 1
    assert out.loc[2024, "n_orgs"] == 0 and np.isnan(out.loc[2024, "share"])
