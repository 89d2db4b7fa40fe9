"""Organisation funnels in the analysis: the minimum panel, representation on counts, both views."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wres import kinds
from wres.analysis.organisation_funnels import method_for
from wres.analysis.organisations import MIN_ORGS_FOR_FUNNEL, analyse_trusts
from wres.registry import load_registry
from wres.stats import funnels, overdispersion

REG = load_registry()
BOARD = REG.indicator(9)
WORKFORCE_IND = next(s.from_indicator for s in BOARD.series if s.key == BOARD.comparison.workforce)
M, W = REG.standard.minority_group, REG.standard.majority_group


def _board_panel(
    board_minority: list[int],
    board_size: int = 20,
    workforce: int = 1000,
    workforce_minority: int = 500,
    year: int = 2024,
) -> pd.DataFrame:
    rows = []
    for i, k in enumerate(board_minority):
        code = f"ZQ{i:03d}"
        base = {
            "year": year,
            "org_code": code,
            "org_name": f"Trust {i}",
            "region": "London",
            "org_type": "acute",
            "percent": np.nan,
            "missing_reason": "",
        }
        rows += [
            {
                **base,
                "indicator": BOARD.id,
                "band": BOARD.trust.band,
                "group": M,
                "numerator": k,
                "denominator": board_size,
            },
            {
                **base,
                "indicator": BOARD.id,
                "band": BOARD.trust.band,
                "group": W,
                "numerator": board_size - k,
                "denominator": board_size,
            },
            {
                **base,
                "indicator": WORKFORCE_IND,
                "band": BOARD.trust.workforce_band,
                "group": M,
                "numerator": workforce_minority,
                "denominator": workforce,
            },
            {
                **base,
                "indicator": WORKFORCE_IND,
                "band": BOARD.trust.workforce_band,
                "group": W,
                "numerator": workforce - workforce_minority,
                "denominator": workforce,
            },
        ]
    return pd.DataFrame(rows)


def test_minimum_panel_is_the_harness_choice():
    assert MIN_ORGS_FOR_FUNNEL == overdispersion.MIN_ORGS_FOR_FUNNEL == 20


def test_empty_board_in_half_minority_workforce_is_below_the_998_limit():
    # 50 boards of 20 in workforces that are half minority; 294 + 1 = 295 minority members of
    # 1000 in all, so the pooled representation ratio is (295 / 1000) / 0.5 = 0.59.
    ks = [0] + [6] * 48 + [7]
    assert sum(ks) == 295
    out = analyse_trusts(_board_panel(ks), REG, trends=False)
    ti = out["trust_indicators"]
    row = ti[(ti["indicator"] == BOARD.id) & (ti["org_code"] == "ZQ000")].iloc[0]
    fit = out["trust_funnel_fits"].query("indicator == @BOARD.id").iloc[0]
    assert fit["target"] == pytest.approx(0.59)
    assert fit["method"] == "exact_binomial"
    # By hand: P(X = 0) for X ~ Binomial(20, 0.5 x 0.59 = 0.295) is 0.705^20 = 0.00092,
    # below 0.001 (the lower tail of the 99.8% limits); doubled for the two-sided p.
    assert 0.705**20 == pytest.approx(0.00092, rel=1e-3)
    assert row["expected_members"] == pytest.approx(20 * 0.295)
    assert row["funnel_p"] == pytest.approx(2 * 0.705**20)
    assert row["funnel_position_998"] == "below" and row["funnel_position_95"] == "below"
    # Parity view: Binomial(20, 0.5), P(X = 0) = 0.5^20.
    assert row["parity_p"] == pytest.approx(2 * 0.5**20)
    assert row["parity_position_998"] == "below"
    # A board of 6 of 20: P(X <= 6) under Binomial(20, 0.295) = 0.61, inside.
    other = ti[(ti["indicator"] == BOARD.id) & (ti["org_code"] == "ZQ001")].iloc[0]
    assert other["funnel_position_95"] == "inside"
    # ... but against parity (10 expected) P(X <= 6) = 0.0577: inside at 95% too.
    assert other["parity_position_95"] == "inside"


def test_below_minimum_no_funnel_and_the_note_says_why():
    out = analyse_trusts(_board_panel([6] * (MIN_ORGS_FOR_FUNNEL - 1)), REG, trends=False)
    ti = out["trust_indicators"].query("indicator == @BOARD.id")
    assert (ti["funnel_position_95"] == "not estimable").all()
    assert ti["note"].str.contains(f"fewer than {MIN_ORGS_FOR_FUNNEL}").all()
    # The parity view needs no peers.
    assert (ti["parity_position_95"] == "inside").all()
    fits = out["trust_funnel_fits"].query("indicator == @BOARD.id")
    assert not fits["fitted"].any() and out["trust_funnel_limits"].query("indicator == @BOARD.id").empty


def _rl_panel(n_orgs: int, rng: np.random.Generator, tau2: float = 0.05) -> pd.DataFrame:
    ind = REG.indicator(2)
    g1, g2 = ind.numerator_group, ind.comparison_group
    rows = []
    for i in range(n_orgs):
        n1, n2 = rng.integers(200, 3000), rng.integers(100, 1500)
        rl = 1.5 * np.exp(rng.normal(0, np.sqrt(tau2)))
        p2 = 0.15
        for g, n, p in ((g1, n1, p2 * rl), (g2, n2, p2)):
            rows.append(
                {
                    "year": 2024,
                    "org_code": f"ZR{i:03d}",
                    "org_name": f"T{i}",
                    "region": "",
                    "org_type": "",
                    "indicator": ind.id,
                    "band": "",
                    "group": g,
                    "numerator": rng.binomial(n, p),
                    "denominator": n,
                    "percent": np.nan,
                    "missing_reason": "",
                }
            )
    return pd.DataFrame(rows)


def test_additive_fit_recovers_tau2_and_records_the_method():
    # 400 organisations with log RL spread tau2 = 0.05: the DL estimate is within a few SE.
    out = analyse_trusts(_rl_panel(400, np.random.default_rng(5)), REG, trends=False)
    fit = out["trust_funnel_fits"].iloc[0]
    assert fit["method"] == "additive" and bool(fit["overdispersion"])
    assert 0.035 < fit["tau2"] < 0.065
    ti = out["trust_indicators"]
    assert set(ti["funnel_method"]) == {"additive"}
    # Placed rows have a two-sided p consistent with their adjusted z.
    from scipy import stats

    z = ti["funnel_z"].to_numpy(float)
    np.testing.assert_allclose(ti["funnel_p"], 2 * stats.norm.sf(np.abs(z)))


def test_funnelplotr_stays_an_option():
    panel = _rl_panel(60, np.random.default_rng(9))
    out = analyse_trusts(panel, REG, trends=False, funnel_method="funnelplotr")
    fit = out["trust_funnel_fits"].iloc[0]
    assert fit["method"] == "funnelplotr"
    assert set(out["trust_indicators"]["funnel_method"]) == {"funnelplotr"}


def test_the_builds_method_applies_where_the_kind_can_give_its_inputs():
    # Today's rule, expressed by what methods take in and what kinds can give: representation
    # keeps its exact binomial funnel unless the FunnelPlotR-compatible option is asked for.
    rl = kinds.kind_of(next(i for i in REG.indicators if kinds.kind_of(i, REG).likelihood), REG)
    board = kinds.kind_of(BOARD, REG)
    assert method_for(rl).name == "additive"
    assert method_for(rl, "multiplicative").name == "multiplicative"
    assert method_for(rl, "exact_binomial").name == "additive"  # no member counts to give
    assert method_for(board).name == "exact_binomial"
    assert method_for(board, "additive").name == "exact_binomial"
    assert method_for(board, "funnelplotr").name == "funnelplotr"
    with pytest.raises(funnels.UnknownFunnelMethod, match="additive, multiplicative"):
        method_for(board, "winsorised")


def test_a_board_funnel_asked_for_funnelplotr_is_funnelplotrs():
    out = analyse_trusts(_board_panel([2, 4, 6, 8, 10] * 5), REG, trends=False, funnel_method="funnelplotr")
    fits = out["trust_funnel_fits"].set_index("indicator")
    assert fits.loc[BOARD.id, "method"] == "funnelplotr"
    out = analyse_trusts(_board_panel([2, 4, 6, 8, 10] * 5), REG, trends=False, funnel_method="multiplicative")
    assert out["trust_funnel_fits"].set_index("indicator").loc[BOARD.id, "method"] == "exact_binomial"


def test_every_kind_names_a_method_it_can_give_inputs_for():
    for ind in REG.indicators:
        kind = kinds.kind_of(ind, REG)
        assert set(kind.funnel_inputs) <= set(funnels.INPUTS), ind.id
        assert funnels.get(kind.funnel_method).inputs in kind.funnel_inputs, ind.id
