"""The toy fifth kind through the analysis, in process (no book): the synthetic panel, the
organisation tables and the change tests, with the kind's figures recomputed here from the
panel's counts by the kind's stated formula."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from toy_kinds import SECOND, TOY_ID, toy_national_csv, write_toy_kind, write_toy_registry

from wres.analysis.changes import org_changes
from wres.analysis.organisations import analyse_trusts
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.kinds import kind_class
from wres.registry import load_registry

SD = 2.0  # the toy module's stated SD of one person's score
Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("toy_analysis")
    write_toy_kind(folder)
    sys.path.insert(0, str(folder))
    try:
        reg = load_registry(write_toy_registry(folder / "registry.yml"))
        (folder / "national.csv").write_text(toy_national_csv(), encoding="utf-8")
        national = load_national(folder / "national.csv", reg)
        panel = make_panel(national, n_orgs=20, registry=reg)
        yield reg, national, panel, analyse_trusts(panel, reg, national=None)
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("toy_score_gap", None)
        kind_class.cache_clear()


def test_the_other_indicators_are_drawn_as_without_the_new_kind(toy):
    # The kind draws from its own stream after every other draw: the second standard's
    # panel is the same with and without the toy indicator.
    reg, national, panel, _ = toy
    second = load_registry(SECOND / "registry.yml")
    without = make_panel(national[national["indicator"] != TOY_ID], n_orgs=20, registry=second)
    pd.testing.assert_frame_equal(panel[panel["indicator"] != TOY_ID].reset_index(drop=True), without)


def test_organisation_values_follow_the_kinds_formula(toy):
    reg, _, panel, res = toy
    p = panel[panel["indicator"] == TOY_ID]
    wide = p.pivot_table(index=["year", "org_code"], columns="group", values=["numerator", "denominator"])
    # Mean score = 10 x points / (10 x respondents); respondents = denominator / 10.
    mean_a = 10 * wide[("numerator", "grp_a")] / wide[("denominator", "grp_a")]
    mean_b = 10 * wide[("numerator", "grp_b")] / wide[("denominator", "grp_b")]
    se = SD * np.sqrt(10 / wide[("denominator", "grp_a")] + 10 / wide[("denominator", "grp_b")])
    ti = res["trust_indicators"]
    got = ti[ti["indicator"] == TOY_ID].set_index(["year", "org_code"]).sort_index()
    assert len(got) == 20 * panel["year"].nunique()
    np.testing.assert_allclose(got["value"], (mean_a - mean_b).sort_index(), rtol=1e-12)
    np.testing.assert_allclose(got["ci_low"], (mean_a - mean_b - Z95 * se).sort_index(), rtol=1e-9)
    assert set(got["unit"]) == {"score points"} and set(got["band"].fillna("")) == {""}
    # Placed by the kind's own funnel: the pooled target is the precision-weighted mean.
    fits = res["trust_funnel_fits"]
    fit = fits[(fits["indicator"] == TOY_ID) & (fits["year"] == 2024)].iloc[0]
    last = got.loc[2024]
    w = 1 / ((last["ci_high"] - last["ci_low"]) / (2 * Z95)) ** 2
    assert fit["target"] == pytest.approx(float((w * last["value"]).sum() / w.sum()), rel=1e-9)
    assert fit["method"] == "normal"
    # No trend test and no non-adverse range for this kind.
    assert TOY_ID not in set(res["trust_trends"]["indicator"])
    assert TOY_ID not in set(res["trust_share_in_range"]["indicator"])


def test_aggregates_pool_points_before_taking_means(toy):
    _, _, panel, res = toy
    p = panel[(panel["indicator"] == TOY_ID) & (panel["year"] == 2024)]
    sums = p.groupby("group")[["numerator", "denominator"]].sum().astype(float)
    pooled = 10 * (sums.loc["grp_a", "numerator"] / sums.loc["grp_a", "denominator"]) - 10 * (
        sums.loc["grp_b", "numerator"] / sums.loc["grp_b", "denominator"]
    )
    agg = res["trust_aggregates"]
    nat = agg[(agg["indicator"] == TOY_ID) & (agg["level"] == "national") & (agg["year"] == 2024)].iloc[0]
    assert nat["value"] == pytest.approx(pooled, rel=1e-12)
    assert nat["n_orgs"] == 20
    assert set(agg.loc[agg["indicator"] == TOY_ID, "level"]) == {"national", "region", "org_type"}


def test_changes_are_differences_of_differences(toy):
    reg, _, _, res = toy
    ti = res["trust_indicators"]
    ch = org_changes(ti, reg)
    toy_ch = ch[ch["indicator"] == TOY_ID].set_index("org_code")
    t = ti[ti["indicator"] == TOY_ID].set_index(["year", "org_code"])["value"]
    expected = (t.loc[2024] - t.loc[2023]).sort_index()
    np.testing.assert_allclose(toy_ch["change"].sort_index(), expected, rtol=1e-9)
    assert set(toy_ch["change_unit"]) == {"score points"}
