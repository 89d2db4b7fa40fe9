"""The organisation-level layer: contract columns, hand-checked figures, one organisation,
share in the non-adverse range, and the results files round trip."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import relative_risk
from statsmodels.stats.proportion import proportion_confint

from wres import results as catalogue
from wres.analysis.organisation_results import write_trust_results
from wres.analysis.organisations import analyse_trusts
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.kinds import kind_of
from wres.registry import load_registry
from wres.stats.funnel import Z95

REG = load_registry()
STD = REG.standard
M, W = STD.minority_group, STD.majority_group
RL_IDS = [i.id for i in REG.indicators if i.trust.kind == "relative_likelihood"]
PCT_IDS = [i.id for i in REG.indicators if i.trust.kind == "percentage"]
REP_IDS = [i.id for i in REG.indicators if i.trust.kind == "representation"]


@pytest.fixture(scope="module")
def panel(root) -> pd.DataFrame:
    national = load_national(root / "data" / "raw" / "published" / "wres_national_published.csv")
    return make_panel(national, seed=7, n_orgs=30, first_year=2018)


@pytest.fixture(scope="module")
def results(panel) -> dict[str, pd.DataFrame]:
    return analyse_trusts(panel, REG)


def _raw(panel, year, org, ind, band, group, col="numerator") -> float:
    r = panel[
        (panel["year"] == year)
        & (panel["org_code"] == org)
        & (panel["indicator"] == ind)
        & (panel["band"] == band)
        & (panel["group"] == group)
    ]
    assert len(r) == 1
    return float(r[col].iloc[0])


def test_contract_columns_present(results):
    ti = results["trust_indicators"]
    for col in [
        "year",
        "org_code",
        "org_name",
        "region",
        "org_type",
        "indicator",
        "band",
        f"rate_{M}",
        f"rate_{M}_ci_low",
        f"rate_{M}_ci_high",
        f"rate_{W}",
        f"rate_{W}_ci_low",
        f"rate_{W}_ci_high",
        "value",
        "ci_low",
        "ci_high",
        "funnel_z",
        "funnel_position_95",
        "funnel_position_998",
        "in_non_adverse_range",
        "note",
    ]:
        assert col in ti.columns, col
    assert set(ti["indicator"]) == set(REG.ids)
    assert len(ti) == 30 * ti["year"].nunique() * len(REG.ids)
    assert set(ti["funnel_position_95"]) <= {"inside", "above", "below", "not estimable"}
    for key, cols in {
        "trust_trends": [
            "org_code",
            "indicator",
            "slope",
            "slope_ci_low",
            "slope_ci_high",
            "p_value",
            "q_value",
            "verdict",
        ],
        "trust_aggregates": ["level", "category", "year", "indicator", "n_orgs", "value", "ci_low", "ci_high"],
        "trust_share_in_range": ["indicator", "year", "n_orgs", "n_in_range", "share"],
        "trust_funnel_limits": ["indicator", "year", "precision", "target", "ll95", "ul95", "ll998", "ul998"],
    }.items():
        assert set(cols) <= set(results[key].columns), key
        assert len(results[key]), key
    assert set(results["trust_aggregates"]["level"]) == {"national", "region", "org_type"}
    assert set(results["trust_funnel_limits"]["indicator"]) == set(REG.ids)
    # Non-adverse flag only for relative likelihoods.
    flag = ti.groupby("indicator")["in_non_adverse_range"].apply(lambda s: s.notna().any())
    assert set(flag[flag].index) == set(RL_IDS)


def test_relative_likelihood_matches_scipy(panel, results):
    ti = results["trust_indicators"]
    for ind_id in RL_IDS:
        ind = REG.indicator(ind_id)
        g1, g2 = kind_of(ind, REG).groups
        row = ti[(ti["indicator"] == ind_id)].iloc[5]
        y, org = int(row["year"]), row["org_code"]
        k1, n1 = _raw(panel, y, org, ind_id, "", g1), _raw(panel, y, org, ind_id, "", g1, "denominator")
        k2, n2 = _raw(panel, y, org, ind_id, "", g2), _raw(panel, y, org, ind_id, "", g2, "denominator")
        assert 0 < k1 < n1 and 0 < k2 < n2  # no zero cell here: the plain Katz interval applies
        rr = relative_risk(int(k1), int(n1), int(k2), int(n2))
        ci = rr.confidence_interval(0.95)
        assert row["value"] == pytest.approx(rr.relative_risk, rel=1e-12)
        assert row["ci_low"] == pytest.approx(ci.low, rel=1e-9)
        assert row["ci_high"] == pytest.approx(ci.high, rel=1e-9)
        assert bool(row["in_non_adverse_range"]) == (ind.non_adverse[0] <= row["value"] <= ind.non_adverse[1])


def test_percentage_and_wilson_interval(panel, results):
    ti = results["trust_indicators"]
    meta_deff = 1.5
    ind_id = PCT_IDS[0]
    row = ti[ti["indicator"] == ind_id].iloc[3]
    y, org = int(row["year"]), row["org_code"]
    pct = _raw(panel, y, org, ind_id, "", M, "percent")
    n = _raw(panel, y, org, ind_id, "", M, "denominator")
    assert row["value"] == pytest.approx(pct)
    lo, hi = proportion_confint(pct / 100 * n / meta_deff, n / meta_deff, method="wilson")
    assert row["ci_low"] == pytest.approx(100 * lo)
    assert row["ci_high"] == pytest.approx(100 * hi)
    pct_w = _raw(panel, y, org, ind_id, "", W, "percent")
    assert row["gap"] == pytest.approx(pct - pct_w)


def test_representation_ratio_by_hand(panel, results):
    ti = results["trust_indicators"]
    for ind_id in REP_IDS:
        ind = REG.indicator(ind_id)
        rows = ti[(ti["indicator"] == ind_id) & ti["value"].notna()]
        row = rows.iloc[0]
        y, org = int(row["year"]), row["org_code"]
        senior = _raw(panel, y, org, ind_id, ind.trust.band, M) / _raw(
            panel, y, org, ind_id, ind.trust.band, M, "denominator"
        )
        wf_ind = 1 if ind_id != 1 else ind_id  # the registry's workforce series of ind 9 comes from ind 1
        work = _raw(panel, y, org, wf_ind, ind.trust.workforce_band, M) / _raw(
            panel, y, org, wf_ind, ind.trust.workforce_band, M, "denominator"
        )
        assert row["band"] == ind.trust.band
        assert row[f"rate_{M}"] == pytest.approx(senior)
        assert row[f"workforce_rate_{M}"] == pytest.approx(work)
        if 0 < senior < 1:
            assert row["value"] == pytest.approx(senior / work)
        # The national series' sign: senior share minus workforce share (issue 18).
        assert row["gap"] == pytest.approx(100 * (senior - work))


def test_funnel_positions_follow_z(results):
    ti = results["trust_indicators"]
    fits = results["trust_funnel_fits"]
    assert (fits["n_orgs"] == 30).all()
    z = ti["funnel_z"]
    ok = z.notna()
    assert ((z[ok].abs() > Z95) == ti.loc[ok, "funnel_position_95"].isin(["above", "below"])).all()
    # The RL funnel is centred on the log of the pooled ratio of all organisations that year.
    ind_id = RL_IDS[0]
    g1, g2 = kind_of(REG.indicator(ind_id), REG).groups
    agg = results["trust_aggregates"]
    nat = agg[(agg["level"] == "national") & (agg["indicator"] == ind_id)].set_index("year")["value"]
    f = fits[fits["indicator"] == ind_id].set_index("year")["target"]
    assert np.allclose(f.sort_index(), nat.sort_index())


def test_aggregates_pool_counts(panel, results):
    ind_id = RL_IDS[1]
    ind = REG.indicator(ind_id)
    g1, g2 = kind_of(ind, REG).groups
    y = int(panel["year"].max())
    p = panel[(panel["indicator"] == ind_id) & (panel["year"] == y)]
    s = p.groupby("group")[["numerator", "denominator"]].sum().astype(float)
    want = (s.loc[g1, "numerator"] / s.loc[g1, "denominator"]) / (s.loc[g2, "numerator"] / s.loc[g2, "denominator"])
    agg = results["trust_aggregates"]
    got = agg[(agg["level"] == "national") & (agg["indicator"] == ind_id) & (agg["year"] == y)]
    assert got["value"].iloc[0] == pytest.approx(want)
    regions = agg[(agg["level"] == "region") & (agg["indicator"] == ind_id) & (agg["year"] == y)]
    assert regions["n_orgs"].sum() == 30
    assert (regions["ci_low"] <= regions["value"]).all() and (regions["value"] <= regions["ci_high"]).all()


def test_share_in_range_counted_independently(results):
    ti = results["trust_indicators"]
    share = results["trust_share_in_range"]
    assert set(share["indicator"]) == set(RL_IDS)
    for ind_id in RL_IDS:
        lo, hi = REG.indicator(ind_id).non_adverse
        for y in sorted(ti["year"].unique()):
            vals = ti[(ti["indicator"] == ind_id) & (ti["year"] == y)]["value"].tolist()
            n_in = sum(1 for v in vals if v == v and lo <= v <= hi)
            n = sum(1 for v in vals if v == v)
            got = share[(share["indicator"] == ind_id) & (share["year"] == y)].iloc[0]
            assert (int(got["n_in_range"]), int(got["n_orgs"])) == (n_in, n)
            assert got["share"] == pytest.approx(n_in / n)


def test_trends_from_registry(results):
    tr = results["trust_trends"]
    assert len(tr) == 30 * len(REG.ids)
    assert tr["q_value"].dropna().between(0, 1).all()
    assert (tr["q_value"].dropna() >= tr.loc[tr["q_value"].notna(), "p_value"] - 1e-12).all()
    # Every organisation trend is judged against parity (the gap closing), not by the sign.
    assert set(tr["improvement"]) == {"towards parity"}
    # Indicator 7 (believing in equal opportunities): a rise counts as improvement.
    assert kind_of(REG.indicator(7), REG).trend_improvement() == "up"


def test_single_organisation_says_why_peers_are_missing(panel):
    one = panel[panel["org_code"] == panel["org_code"].iloc[0]]
    res = analyse_trusts(one, REG)
    ti = res["trust_indicators"]
    assert len(ti) and ti["value"].notna().any()
    assert (ti["funnel_position_95"] == "not estimable").all()
    assert ti["funnel_z"].isna().all()
    assert ti["note"].str.contains("no peers to compare with").all()
    assert res["trust_funnel_limits"].empty
    assert res["trust_funnel_fits"]["note"].str.contains("no peers").all()
    assert len(res["trust_trends"]) == len(REG.ids)
    assert (res["trust_aggregates"]["n_orgs"] == 1).all()


def test_empty_input_gives_empty_contract_tables():
    res = analyse_trusts(
        pd.DataFrame(columns=["year", "org_code", "indicator", "band", "group", "numerator", "denominator"]), REG
    )
    assert {f"{k}.csv" for k in res} == set(catalogue.files(catalogue.ORGANISATION_TABLES))
    assert all(df.empty for df in res.values())
    assert "funnel_position_95" in res["trust_indicators"].columns


def test_zero_counts_never_crash():
    rows = []
    for org, (k_w, k_b) in {"A1": (0, 0), "A2": (5, 0), "A3": (3, 4)}.items():
        for g, k in (("white", k_w), ("bme", k_b)):
            rows.append(
                {
                    "year": 2024,
                    "org_code": org,
                    "org_name": org,
                    "region": "R",
                    "org_type": "acute",
                    "indicator": RL_IDS[0],
                    "band": "",
                    "group": g,
                    "numerator": k,
                    "denominator": 40,
                }
            )
    ti = analyse_trusts(pd.DataFrame(rows), REG, trends=False)["trust_indicators"].set_index("org_code")
    assert np.isnan(ti.loc["A1", "value"]) and "no events" in ti.loc["A1", "note"]
    assert np.isfinite(ti.loc["A2", "value"]) and "Haldane" in ti.loc["A2", "note"]
    assert ti.loc["A1", "funnel_position_95"] == "not estimable"


def test_results_round_trip_and_meta(tmp_path, results):
    write_trust_results(results, tmp_path, synthetic=True, source="make_panel(seed=7, n_orgs=30)")
    meta = catalogue.read_meta(tmp_path)
    assert meta["synthetic"] is True and meta["n_orgs"] == 30 and meta["survey_deff"] == 1.5
    assert json.loads((tmp_path / "trust_meta.json").read_text())["files"] == [
        "trust_indicators.csv",
        "trust_trends.csv",
        "trust_aggregates.csv",
        "trust_share_in_range.csv",
        "trust_funnel_fits.csv",
        "trust_funnel_limits.csv",
        "trust_orgs.csv",
        "trust_versus_national.csv",
    ]
    back = catalogue.read(tmp_path, "organisation_indicators")
    assert len(back) == len(results["trust_indicators"])
    assert back["in_non_adverse_range"].dtype == "boolean"
    assert back["org_code"].map(type).eq(str).all()
    before = (tmp_path / "trust_indicators.csv").stat().st_mtime_ns
    write_trust_results(results, tmp_path, synthetic=True, source="make_panel(seed=7, n_orgs=30)")
    assert (tmp_path / "trust_indicators.csv").stat().st_mtime_ns == before  # unchanged: not rewritten
    assert catalogue.read_meta(tmp_path / "nowhere") == {}
    assert catalogue.read(tmp_path / "nowhere", "organisation_indicators").empty
