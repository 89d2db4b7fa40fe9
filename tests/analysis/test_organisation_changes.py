"""Organisation "what changed" tests: each on its own scale, overdispersed, BH across organisations.

Checked against statsmodels: the Katz variance of a log relative likelihood is
``Table2x2.log_riskratio_se``; the pooled two-proportion z-test is ``proportions_ztest``; BH is
``multipletests(method="fdr_bh")``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from wres.analysis.changes import org_changes
from wres.registry import load_registry

REG = load_registry()
M, W = REG.standard.minority_group, REG.standard.majority_group
RL = next(i for i in REG.indicators if i.trust.kind == "relative_likelihood")
PCT = next(i for i in REG.indicators if i.trust.kind == "percentage")
REP = next(i for i in REG.indicators if i.trust.kind == "representation")
G1, G2 = RL.numerator_group, RL.comparison_group


def _row(year, code, ind, **counts):
    base = {
        "year": year,
        "org_code": code,
        "org_name": f"Trust {code}",
        "indicator": ind.id,
        "band": ind.trust.band or "",
        "value": 1.0,
        "ci_low": 0.5,
        "ci_high": 2.0,
    }
    return {**base, **counts}


def _rl_frame(rng, n_orgs=12):
    rows = []
    for i in range(n_orgs):
        for year in (2023, 2024):
            n1, n2 = int(rng.integers(300, 900)), int(rng.integers(200, 700))
            rows.append(
                _row(
                    year,
                    f"A{i:02d}",
                    RL,
                    **{
                        f"numerator_{G1}": int(rng.binomial(n1, 0.3)),
                        f"denominator_{G1}": n1,
                        f"numerator_{G2}": int(rng.binomial(n2, 0.2 * np.exp(rng.normal(0, 0.3)))),
                        f"denominator_{G2}": n2,
                    },
                )
            )
    return pd.DataFrame(rows)


def _katz(k1, n1, k2, n2):
    t = Table2x2(np.array([[k1, n1 - k1], [k2, n2 - k2]]))
    return t.log_riskratio, t.log_riskratio_se


def test_relative_likelihood_change_against_statsmodels():
    df = _rl_frame(np.random.default_rng(1))
    out = org_changes(df, REG).set_index("org_code")
    d, v = [], []
    for _code, g in df.groupby("org_code"):
        a, b = g[g["year"] == 2023].iloc[0], g[g["year"] == 2024].iloc[0]
        (y0, s0), (y1, s1) = (
            _katz(r[f"numerator_{G1}"], r[f"denominator_{G1}"], r[f"numerator_{G2}"], r[f"denominator_{G2}"])
            for r in (a, b)
        )
        d.append(y1 - y0)
        v.append(s0**2 + s1**2)
    d, v = np.array(d), np.array(v)
    # Pearson dispersion of a common change, floored at 1 (McCullagh & Nelder section 4.5).
    dw = np.sum(d / v) / np.sum(1 / v)
    phi = max(1.0, np.sum((d - dw) ** 2 / v) / (len(d) - 1))
    assert phi > 1.5  # the fixture is overdispersed
    z = d / np.sqrt(phi * v)
    p = 2 * stats.norm.sf(np.abs(z))
    codes = sorted(df["org_code"].unique())
    np.testing.assert_allclose(out.loc[codes, "estimate"], d, rtol=1e-10)
    np.testing.assert_allclose(out.loc[codes, "dispersion"], phi, rtol=1e-10)
    np.testing.assert_allclose(out.loc[codes, "p_value"], p, rtol=1e-8)
    np.testing.assert_allclose(out.loc[codes, "q_value"], multipletests(p, method="fdr_bh")[1], rtol=1e-8)
    np.testing.assert_allclose(out.loc[codes, "change"], 100 * np.expm1(d), rtol=1e-10)
    assert set(out["change_unit"]) == {"% change in the relative likelihood"}
    assert set(out["scale"]) == {"log relative likelihood"}
    assert (out["significant"] == (out["q_value"] < 0.05)).all()


def test_percentage_change_against_statsmodels_with_design_effect():
    rows = []
    for i, (ka, na, kb, nb) in enumerate([(40, 200, 70, 210), (12, 50, 15, 55), (100, 400, 90, 380)]):
        rows.append(_row(2023, f"P{i}", PCT, **{f"numerator_{M}": ka, f"denominator_{M}": na}))
        rows.append(_row(2024, f"P{i}", PCT, **{f"numerator_{M}": kb, f"denominator_{M}": nb}))
    df = pd.DataFrame(rows)
    out = org_changes(df, REG, survey_deff=2.0).set_index("org_code")
    for i, (ka, na, kb, nb) in enumerate([(40, 200, 70, 210), (12, 50, 15, 55), (100, 400, 90, 380)]):
        # A design effect of 2 halves the effective sizes: z shrinks by sqrt(2).
        z, _ = proportions_ztest([kb, ka], [nb, na])
        got = out.loc[f"P{i}"]
        assert got["estimate"] == pytest.approx(100 * (kb / nb - ka / na))
        assert got["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z) / np.sqrt(2)), rel=1e-8)
        assert got["change_unit"] == "percentage points" and got["scale"] == "percentage points"


def test_representation_ratio_change_is_a_ratio_and_untested_rows_say_why():
    rows = []
    for i in range(4):
        for year, k in ((2023, 3 + i), (2024, 5 + i)):
            rows.append(
                _row(
                    year,
                    f"R{i}",
                    REP,
                    **{
                        f"numerator_{M}": k,
                        f"denominator_{M}": 15,
                        f"workforce_numerator_{M}": 800,
                        f"workforce_denominator_{M}": 4000,
                    },
                )
            )
    rows.append(
        _row(
            2024,
            "NEW",
            REP,
            **{
                f"numerator_{M}": 2,
                f"denominator_{M}": 12,
                f"workforce_numerator_{M}": 100,
                f"workforce_denominator_{M}": 900,
            },
        )
    )
    out = org_changes(pd.DataFrame(rows), REG).set_index("org_code")
    r0 = out.loc["R0"]
    # log((5/15)/(800/4000)) - log((3/15)/(800/4000)) = log(5/3).
    assert r0["estimate"] == pytest.approx(np.log(5 / 3))
    assert r0["change"] == pytest.approx(100 * (5 / 3 - 1))
    assert r0["change_unit"] == "% change in the representation ratio"
    assert "percentage points" not in set(out["change_unit"])
    new = out.loc["NEW"]
    assert np.isnan(new["p_value"]) and new["note"] == "no figure in 2023"
    assert not out["note"].astype(str).str.contains("nan").any()


def test_a_national_difference_keeps_its_own_unit():
    # A change of a percent is in percentage points; of a gap already in points, points; of a
    # series in any other unit (a mean score), that unit: never "percentage points" for it.
    from wres.analysis.changes import difference_unit

    assert difference_unit("percent") == "percentage points"
    assert difference_unit("percentage points") == "percentage points"
    assert difference_unit("score") == "score"
