"""Trust-level gap trends: quasi-binomial GLM, zero counts, verdicts, BH, speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.multitest import multipletests

from wres.stats.gap_trend import org_gap_trend, trends_for_all

TOL = 1e-6
YEARS = np.arange(2016, 2025)


def _org_frame(k_num, n_num, k_cmp, n_cmp, years=YEARS, groups=("white", "bme"), org="A", ind=2):
    rows = []
    for y, a, b, c, d in zip(years, k_num, n_num, k_cmp, n_cmp, strict=True):
        rows.append((int(y), org, f"{org} trust", ind, "", groups[0], a, b))
        rows.append((int(y), org, f"{org} trust", ind, "", groups[1], c, d))
        rows.append((int(y), org, f"{org} trust", ind, "", "unknown", 1, 3))
    df = pd.DataFrame(
        rows,
        columns=["year", "org_code", "org_name", "indicator", "band", "group", "numerator", "denominator"],
    )
    df["numerator"] = df["numerator"].astype("Int64")
    df["denominator"] = df["denominator"].astype("Int64")
    return df


@pytest.fixture
def overdispersed_org():
    # Numerator group's rate drifts up relative to the comparison group, with extra
    # year-to-year noise so Pearson chi2/df > 1.
    rng = np.random.default_rng(6)
    n_num = rng.integers(300, 600, len(YEARS))
    n_cmp = rng.integers(150, 400, len(YEARS))
    yc = YEARS - YEARS.mean()
    p_num = 1 / (1 + np.exp(-(-1.0 + 0.12 * yc + rng.normal(0, 0.12, len(YEARS)))))
    p_cmp = 1 / (1 + np.exp(-(-1.4 + rng.normal(0, 0.12, len(YEARS)))))
    return rng.binomial(n_num, p_num), n_num, rng.binomial(n_cmp, p_cmp), n_cmp


def _formula_fit(k_num, n_num, k_cmp, n_cmp, scale="X2"):
    yc = YEARS - YEARS.mean()
    d = pd.DataFrame(
        {
            "prop": np.r_[k_num / n_num, k_cmp / n_cmp],
            "n": np.r_[n_num, n_cmp],
            "yc": np.r_[yc, yc],
            "g": np.r_[np.ones(len(YEARS)), np.zeros(len(YEARS))],
        }
    )
    return smf.glm("prop ~ yc * g", d, family=sm.families.Binomial(), var_weights=d["n"]).fit(scale=scale, use_t=True)


def test_glm_matches_independent_formula_fit(overdispersed_org):
    k1, n1, k2, n2 = overdispersed_org
    res = org_gap_trend(_org_frame(k1, n1, k2, n2), "white", "bme", improvement="down")
    ref = _formula_fit(k1, n1, k2, n2)
    assert ref.scale > 1
    assert res["slope"] == pytest.approx(ref.params["yc:g"], abs=TOL)
    lo, hi = ref.conf_int().loc["yc:g"]
    assert res["slope_ci_low"] == pytest.approx(lo, abs=TOL)
    assert res["slope_ci_high"] == pytest.approx(hi, abs=TOL)
    assert res["p_value"] == pytest.approx(ref.pvalues["yc:g"], abs=TOL)
    assert res["dispersion"] == pytest.approx(ref.scale, rel=TOL)
    assert res["n_years"] == 9

    # The scale is Pearson chi2 / residual df, computed here by hand from the fitted
    # probabilities: sum (k - n p)^2 / (n p (1 - p)) / (18 - 4).
    k, n = np.r_[k1, k2], np.r_[n1, n2]
    p = ref.fittedvalues.to_numpy()
    pearson = np.sum((k - n * p) ** 2 / (n * p * (1 - p)))
    assert res["dispersion"] == pytest.approx(pearson / 14, rel=TOL)
    # The same coefficient from the (events, non-events) form of the model.
    X = ref.model.exog
    two_col = sm.GLM(np.column_stack([k, n - k]), X, family=sm.families.Binomial()).fit()
    assert res["slope"] == pytest.approx(two_col.params[3], abs=TOL)


def test_positive_slope_means_relative_likelihood_growing(overdispersed_org):
    k1, n1, k2, n2 = overdispersed_org
    df = _org_frame(k1, n1, k2, n2)
    up = org_gap_trend(df, "white", "bme", improvement="down")
    assert up["slope"] > 0 and up["p_value"] < 0.05
    assert up["verdict"] == "worsening"  # RL moving away in the "down is better" sense
    assert up["or_change_pct_per_year"] == pytest.approx(100 * (np.exp(up["slope"]) - 1))
    swapped = org_gap_trend(df, "bme", "white", improvement="down")
    assert swapped["slope"] == pytest.approx(-up["slope"], abs=TOL)
    assert swapped["verdict"] == "improving"


def test_underdispersed_scale_floored_at_binomial():
    # Counts that sit (almost) exactly on a logistic curve: Pearson chi2/df << 1.
    yc = YEARS - YEARS.mean()
    n1 = np.full(len(YEARS), 1000)
    n2 = np.full(len(YEARS), 800)
    k1 = np.round(n1 / (1 + np.exp(-(-1 + 0.05 * yc)))).astype(int)
    k2 = np.round(n2 / (1 + np.exp(-(-1.2 - 0.02 * yc)))).astype(int)
    df = _org_frame(k1, n1, k2, n2)
    res = org_gap_trend(df, "white", "bme")
    assert res["dispersion"] == 1.0 and res["note_codes"] == "scale_floored"
    ref = _formula_fit(k1, n1, k2, n2, scale=1.0)
    assert res["slope"] == pytest.approx(ref.params["yc:g"], abs=TOL)
    assert res["p_value"] == pytest.approx(ref.pvalues["yc:g"], abs=TOL)
    raw = org_gap_trend(df, "white", "bme", floor_scale=False)
    assert raw["dispersion"] < 1
    assert raw["p_value"] == pytest.approx(_formula_fit(k1, n1, k2, n2).pvalues["yc:g"], abs=TOL)


def test_zero_count_group_is_not_estimable_not_a_crash():
    n = np.full(len(YEARS), 40)
    df = _org_frame(
        np.zeros(len(YEARS), int), n, np.r_[1, np.zeros(len(YEARS) - 1, int)], n, groups=("bme", "white"), ind=3
    )
    res = org_gap_trend(df, "bme", "white")
    assert np.isnan(res["slope"]) and np.isnan(res["p_value"])
    assert res["note_codes"] == "no_events:1"  # group 1 is the numerator group, bme
    assert res["verdict"] == "not estimable"


def test_quasi_separation_is_not_estimable():
    # Events only in the first year: the MLE of the slope is -infinity.
    n = np.full(len(YEARS), 40)
    k1 = np.r_[1, np.zeros(len(YEARS) - 1, int)]
    res = org_gap_trend(_org_frame(k1, n, np.full(len(YEARS), 5), n), "white", "bme")
    assert np.isnan(res["slope"]) and res["verdict"] == "not estimable"
    assert res["note_codes"].startswith("no_convergence:") and ";" not in res["note_codes"]


def test_empty_and_missing_years_are_left_out_with_note(overdispersed_org):
    k1, n1, k2, n2 = (np.array(a, dtype=object) for a in overdispersed_org)
    n2[0] = 0
    k2[0] = 0
    k1[3] = pd.NA
    res = org_gap_trend(_org_frame(k1, n1, k2, n2), "white", "bme")
    assert res["n_years"] == 7
    assert res["note_codes"] == "bad_years:1:2019;empty_years:2:2016"
    assert np.isfinite(res["slope"])


def test_too_few_years():
    df = _org_frame([10, 12], [100, 100], [5, 6], [50, 50], years=[2023, 2024])
    res = org_gap_trend(df, "white", "bme")
    assert res["verdict"] == "too few years" and res["n_years"] == 2 and np.isnan(res["slope"])
    assert res["note_codes"] == "few_years:2:3"
    none = org_gap_trend(df.iloc[0:0], "white", "bme")
    assert none["verdict"] == "too few years" and none["note_codes"] == "no_rows"
    with pytest.raises(ValueError):
        org_gap_trend(df, "white", "bme", min_years=2)


def test_percent_only_rows_are_used():
    rng = np.random.default_rng(2)
    n1, n2 = rng.integers(100, 300, 9), rng.integers(300, 900, 9)
    pct1 = np.linspace(30, 22, 9) + rng.normal(0, 1, 9)
    pct2 = np.full(9, 20.0) + rng.normal(0, 1, 9)
    df = _org_frame([pd.NA] * 9, n1, [pd.NA] * 9, n2, groups=("bme", "white"), ind=5)
    df["percent"] = np.nan
    df.loc[df.group == "bme", "percent"] = pct1
    df.loc[df.group == "white", "percent"] = pct2
    res = org_gap_trend(df, "bme", "white", improvement="down")
    assert res["n_years"] == 9 and res["slope"] < 0
    ref = _formula_fit(pct1 / 100 * n1, n1, pct2 / 100 * n2, n2)
    assert res["slope"] == pytest.approx(ref.params["yc:g"], abs=TOL)


def make_panel(n_orgs=200, years=YEARS, seed=1):
    """Synthetic trust panel in the long data contract (fictitious organisations)."""
    rng = np.random.default_rng(seed)
    base = {2: 0.25, 3: 0.01, 4: 0.4, 5: 0.28, 6: 0.25, 7: 0.8, 8: 0.07}
    orgs = np.arange(n_orgs)
    size = rng.integers(500, 8000, n_orgs)
    bme_share = rng.uniform(0.05, 0.5, n_orgs)
    effect = rng.normal(0, 0.2, n_orgs)
    trend = rng.normal(0, 0.05, n_orgs)
    frames = []
    for ind, p0 in base.items():
        for g in ("white", "bme"):
            share = bme_share if g == "bme" else 1 - bme_share
            o, y = np.meshgrid(orgs, np.arange(len(years)), indexing="ij")
            o, y = o.ravel(), y.ravel()
            n = rng.poisson(size[o] * share[o] * (1.0 if ind in (3, 4) else 0.3))
            lo = np.log(p0 / (1 - p0)) + (g == "bme") * (effect[o] + trend[o] * y) + rng.normal(0, 0.05, len(o))
            k = rng.binomial(n, 1 / (1 + np.exp(-lo)))
            frames.append(
                pd.DataFrame(
                    {
                        "year": np.asarray(years)[y],
                        "org_code": [f"SYN{i:03d}" for i in o],
                        "org_name": [f"Synthetic trust {i}" for i in o],
                        "region": [f"Region {i % 7}" for i in o],
                        "org_type": [f"Type {i % 4}" for i in o],
                        "indicator": ind,
                        "band": "",
                        "group": g,
                        "numerator": k,
                        "denominator": n,
                    }
                )
            )
    df = pd.concat(frames, ignore_index=True)
    df["numerator"] = df["numerator"].astype("Int64")
    df["denominator"] = df["denominator"].astype("Int64")
    return df


def test_trends_for_all_columns_bh_and_zero_org():
    df = make_panel(n_orgs=30, seed=4)
    # One organisation with no disciplinary cases for BME staff in any year.
    zero = (df.org_code == "SYN000") & (df.indicator == 3) & (df.group == "bme")
    df.loc[zero, "numerator"] = 0
    out = trends_for_all(df, 3, "bme", "white", improvement="down")
    assert len(out) == 30 and out["org_code"].is_unique
    assert list(out.columns) == [
        "org_code",
        "org_name",
        "indicator",
        "band",
        "n_years",
        "slope",
        "slope_ci_low",
        "slope_ci_high",
        "or_change_pct_per_year",
        "p_value",
        "dispersion",
        "first_year",
        "last_year",
        "log_or_first",
        "log_or_last",
        "q_value",
        "verdict",
        "note_codes",
        "parity_code",
    ]
    z = out.set_index("org_code").loc["SYN000"]
    assert z["verdict"] == "not estimable" and np.isnan(z["q_value"]) and z["note_codes"] == "no_events:1"
    ok = out["p_value"].notna()
    expected_q = multipletests(out.loc[ok, "p_value"], method="fdr_bh")[1]
    np.testing.assert_allclose(out.loc[ok, "q_value"], expected_q, atol=1e-12)
    # Each row equals the single-organisation function.
    one = df[(df.org_code == "SYN007") & (df.indicator == 3)]
    single = org_gap_trend(one, "bme", "white", improvement="down")
    row = out.set_index("org_code").loc["SYN007"]
    assert row["slope"] == pytest.approx(single["slope"], abs=1e-12)
    assert row["p_value"] == pytest.approx(single["p_value"], abs=1e-12)
    # Verdicts follow q by default, p on request.
    by_p = trends_for_all(df, 3, "bme", "white", improvement="down", verdict_on="p")
    # Each verdict is a change exactly where its own footing is below 0.05 (not a count
    # comparison, which BH makes true by construction).
    for table, col in ((out, "q_value"), (by_p, "p_value")):
        est = table[table[col].notna()]
        # A significant gap that changed sides is "crossed parity", also a change.
        changed = est["verdict"].isin(["improving", "worsening", "crossed parity"])
        assert (changed == (est[col] < 0.05)).all()


def test_trends_for_all_is_fast_for_a_full_panel():
    df = make_panel(n_orgs=200)
    # CPU time of this process, so other jobs on a shared machine do not fail the test.
    start = time.process_time()
    results = []
    for ind in range(2, 9):
        num, cmp_ = ("white", "bme") if ind in (2, 4) else ("bme", "white")
        results.append(trends_for_all(df, ind, num, cmp_))
    elapsed = time.process_time() - start
    assert elapsed < 10, f"{elapsed:.1f} s for 7 indicators x 200 organisations"
    assert all(len(r) == 200 for r in results)
    # Synthetic trends are real for some organisations; BH should still find some.
    assert sum(r["verdict"].isin(["improving", "worsening"]).sum() for r in results) > 0
