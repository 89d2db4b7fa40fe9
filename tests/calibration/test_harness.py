"""The calibration harness: every test keeps the pass rule where it promises to, and fails
it where issue 16 says it breaks.

Both the reduced run made now and the full run the book shows (``data/calibration/``) are
judged by the same rule, :func:`wres.analysis.calibration.judged` (``keeps_promise``):

* ``nominal``, ``approximately_nominal`` and ``at_most_nominal`` rows keep it, except the
  shortfalls listed in :data:`KNOWN_SHORTFALLS` (each with its cause);
* ``breaks`` rows fail it in the full run (in the reduced run, with its 300 replicates per
  world, they must at least not flag less than their rate);
* ``anti_conservative`` rows flag more than nominal + 2 SE;
* ``informative`` rows are not judged.

Issue 16's "Done means" numbers are asserted on the recorded full run; where one does not
hold, :data:`DONE_MEANS_SHORTFALLS` says so with the recorded number, and the test checks
that it still does not hold (so the list stays exact).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres import results
from wres.analysis.calibration import bounds, judged
from wres.calibration import harness

RECORDED = Path(__file__).resolve().parents[2] / "data" / "calibration" / "calibration.csv"
PROMISED = ("nominal", "approximately_nominal", "at_most_nominal")
PUBLISHED = "spread between organisations 0.2 (as the published 2018 figure suggests)"
PUBLISHED_T3 = f"{PUBLISHED}, heavy-tailed (t with 3 df)"

#: Funnel and representation-limit rows keep their method's own ``expected`` in every world
#: (tests/stats/test_funnel_methods.py holds the recorded run to it), so the worlds where
#: issue 16 expects them to break are listed here: heavy tails beyond the 99.8% limits, and
#: boards whose membership really varies above the exact binomial limits.
BREAKS_BY_DESIGN = {
    **{
        (f"funnel_additive_998_{side}", f"{shape}; {PUBLISHED_T3}"): "heavy tails (t, 3 df) beyond the 99.8% limits"
        for side in ("above", "below", "outside")
        for shape in ("appointment", "disciplinary", "training")
    },
    **{
        (f"representation_{level}_above", f"{group}; {view}membership varies"): (
            "boards chosen, not drawn: real variation between organisations above the exact binomial limit"
        )
        for level in ("95", "998")
        for group in ("board", "vsm")
        for view in ("", "parity view, ")
    },
}

#: Rows of tests that promise their rate but fall short in a world of issue 16, as the full
#: run records them: (test, start of the scenario) -> cause.
KNOWN_SHORTFALLS = {
    **BREAKS_BY_DESIGN,
    ("funnel_additive_998_below", f"appointment; {PUBLISHED}"): (
        "99.8% limits around the pooled target: with a real spread the pooled RL lies above the centre of the "
        "organisations, so the lower 99.8% limit is crossed about twice as often as its 0.1%"
    ),
    ("funnel_additive_998_below", "appointment; spread between organisations 0.4"): "as at spread 0.2",
    ("funnel_additive_998_above", "disciplinary; spread between organisations 0.4"): (
        "rare events: the exact mid-p deviates of small counts and a wide spread put 0.2-0.25% above"
    ),
    ("funnel_additive_95_above", "appointment; very small organisations"): (
        "5-30 people per group: a handful of events, placed by the exact mid-p test, which can hardly reach "
        "its limits (conservative: under 1% above, 2.7% outside the 95% limits)"
    ),
    ("funnel_additive_95_outside", "appointment; very small organisations"): "as above",
    ("funnel_additive_95_above", "disciplinary; very small organisations"): (
        "rare events in 5-30 people: almost never an event, nothing can be flagged (0.04% outside the 95% limits)"
    ),
    ("funnel_additive_95_below", "disciplinary; very small organisations"): "as above",
    ("funnel_additive_95_outside", "disciplinary; very small organisations"): "as above",
    ("funnel_additive_998_above", "training; very small organisations"): (
        "5-30 people per group: counts too large for the exact test and too small for the normal limits"
    ),
    ("funnel_additive_998_below", "training; very small organisations"): "as above",
    ("funnel_additive_998_outside", "training; very small organisations"): "as above",
    ("funnel_additive_998_above", "survey; true design effect 2.5"): (
        "a design effect of 2.5 where 1.5 is assumed: the additive tau2 absorbs most of it, not for the largest "
        "respondent groups (0.21% above the 99.8% limit against at most 0.2%)"
    ),
}


def _known(test: str, scenario: str) -> bool:
    return any(test == t and scenario.startswith(s) for t, s in KNOWN_SHORTFALLS)


# The reduced run costs about a minute of CPU: it is slow-marked, so `make test-fast` judges
# only the recorded full run (read from data/calibration/), and `make test` both.
@pytest.fixture(scope="module", params=[pytest.param("quick run", marks=pytest.mark.slow), "recorded full run"])
def run(request):
    """The reduced harness run now, and the full run the book shows, judged by one rule."""
    if request.param == "recorded full run":
        table = pd.read_csv(RECORDED, keep_default_na=False, na_values=[""])
        table = judged(table[harness.COLUMNS])
        table.attrs.update(cpu_seconds=0.0, full=True)
        return table
    t0 = time.process_time()
    table = judged(harness.run(300, quick=True))
    table.attrs.update(cpu_seconds=time.process_time() - t0, full=False)
    return table


def _se(row) -> float:
    # A replicate share that came out exactly 0 has mc_se 0; fall back to the binomial SE
    # of one Bernoulli trial per replicate at the nominal rate.
    if row.mc_se > 0:
        return row.mc_se
    return float(np.sqrt(row.nominal * (1 - row.nominal) / row.n_sim))


def test_columns_codes_and_quick_run_cost(run):
    # The catalogue's order: used_by_book was added at the end, after keeps_promise.
    assert list(run.columns) == list(results.table("calibration").columns)
    assert set(run["expected"]) <= {*PROMISED, "anti_conservative", "breaks", "informative"}
    assert run.attrs["cpu_seconds"] < 60


def test_recorded_run_has_enough_replicates(run):
    if not run.attrs["full"]:
        pytest.skip("the quick run is reduced on purpose")
    # Every row, the organisation gap trend's panels included (issue 16: at least 500).
    assert run["n_sim"].min() >= 500
    assert not run["scenario"].str.contains("indicative").any()


def _excess_se(row) -> float:
    """How many Monte Carlo SE a row's rate lies outside the rule's bounds (0 inside)."""
    low, high = bounds(pd.Series(row._asdict()))
    return max(low - row.false_alarm_rate, row.false_alarm_rate - high, 0.0) / _se(row)


def test_promised_rows_keep_their_promise(run):
    rows = run[run["expected"].isin(PROMISED)]
    assert len(rows) > 200
    failing = [r for r in rows.itertuples() if not r.keeps_promise and not _known(r.test, r.scenario)]
    if not run.attrs["full"]:
        # The reduced run has 300 replicates per world and about 300 promised rows, some of
        # which lie close to a bound in the full run (disciplinary, spread 0.2, above the
        # 99.8% limit: 0.178% against 0.2% with 2,000 replicates; the quick run drew 0.247%
        # +/- 0.019%). Whether a row keeps its rate is judged on the full run, as it stands;
        # the quick run is there to catch a change that breaks a test, so it fails a row only
        # more than 3 of its SE beyond the bounds (about 1 in 700 by chance, per row).
        failing = [r for r in failing if _excess_se(r) > 3.0]
    assert not [(r.test, r.scenario, round(r.false_alarm_rate, 5)) for r in failing]


def test_known_shortfalls_are_exactly_those_recorded(run):
    if not run.attrs["full"]:
        pytest.skip("shortfalls are judged on the full run's replicates")
    rows = run[run["expected"].isin(PROMISED)]
    failing = {(r.test, r.scenario) for r in rows.itertuples() if not r.keeps_promise}
    for test, start in KNOWN_SHORTFALLS:
        hits = [f for f in failing if f[0] == test and f[1].startswith(start)]
        assert hits, f"{test} in {start!r} no longer falls short: remove it from KNOWN_SHORTFALLS"


def test_breaking_rows_break(run):
    rows = run[run["expected"] == "breaks"]
    # Every world of issue 16 that breaks a test has rows: the sampling-only comparison
    # with England, OLS / Mann-Kendall / GLS with AR(1) years, the survey tests with the
    # wrong design effect, the 99.8% limits with heavy tails, boards with real variation.
    assert {
        "versus_national_rl",
        "versus_national_percentage",
        "national_ols",
        "mann_kendall_exact",
        "rolling_gls",
        "change_percentage",
        "bh_change_rl_pearson",
    } <= set(rows["test"])
    if run.attrs["full"]:
        bad = [(r.test, r.scenario, r.false_alarm_rate) for r in rows.itertuples() if r.keeps_promise]
    else:
        bad = [(r.test, r.scenario, r.false_alarm_rate) for r in rows.itertuples() if r.false_alarm_rate < r.nominal]
    assert not bad


def test_anti_conservative_rows_are_anti_conservative(run):
    rows = run[run["expected"] == "anti_conservative"]
    # Plain OLS and Mann-Kendall on rolling averages, the FunnelPlotR option among them.
    assert {"national_ols", "funnel_funnelplotr_95_outside", "rolling_hac"} <= set(rows["test"])
    bad = [
        (r.test, r.scenario, r.false_alarm_rate)
        for r in rows.itertuples()
        if r.false_alarm_rate <= r.nominal + 2 * _se(r)
    ]
    assert not bad


def test_used_by_book(run):
    used = run.groupby("test")["used_by_book"].any()
    for test in (
        "versus_national_rl_tau2",
        "versus_national_percentage_tau2",
        "change_additive",
        "bh_change_additive",
        "national_ar1_sensitivity",
        "rolling_gls",
        "funnel_additive_95_outside",
    ):
        assert used[test], test
    for test in (
        "versus_national_rl",
        "versus_national_percentage",
        "change_rl_pearson",
        "funnel_funnelplotr_95_above",
    ):
        assert not used[test], test
    # Plain OLS is the book's test on annual series only.
    ols = run[run["test"] == "national_ols"]
    assert ols.loc[ols["scenario"].str.startswith("annual"), "used_by_book"].all()
    assert not ols.loc[ols["scenario"].str.contains("rolling"), "used_by_book"].any()


def test_gls_has_power_where_non_overlapping_years_have_little(run):
    rate = run.set_index(["test", "scenario"])["power"]
    assert rate["rolling_gls", "rolling2_n5"] > 2 * rate["rolling_nonoverlap", "rolling2_n5"]


def test_family_detectable_slope_has_its_stated_power(run):
    """One series of a BH family moving by the stated detectable slope is found at least
    80% of the time (the book's min_detectable_slope_family), within 3 MC SE."""
    rows = run[run["test"] == "bh_family_detectable_slope"]
    assert len(rows) == 6
    assert (rows["power"] >= 0.8 - 3 * rows["power_mc_se"]).all()


# ----------------------------------------------------------------------------- Done means

#: Issue 16's Done-means numbers that the recorded run does not reach: (what, shape) ->
#: the recorded value. Asserted to still miss, so the list stays exact.
DONE_MEANS_SHORTFALLS: dict[tuple[str, str], float] = {}


def _recorded():
    return judged(pd.read_csv(RECORDED, keep_default_na=False, na_values=[""])[harness.COLUMNS])


def _check(what: str, shape: str, value: float, holds: bool) -> None:
    if (what, shape) in DONE_MEANS_SHORTFALLS:
        assert not holds, f"{what} now holds for {shape} ({value:.4f}): remove it from DONE_MEANS_SHORTFALLS"
        assert value == pytest.approx(DONE_MEANS_SHORTFALLS[what, shape], abs=5e-5)
    else:
        assert holds, f"{what} for {shape}: {value:.4f}"


@pytest.mark.parametrize("shape", ["appointment", "disciplinary", "training"])
def test_done_means_on_the_published_spread(shape):
    """200 organisations, tau2 = 0.2, no special causes: at most 6.5% "significantly
    different from England" with the tau2 test; 5 +/- 1.5% outside the 95% funnel limits,
    each side at most 4%; at most 0.4% outside the 99.8% limits."""
    t = _recorded()
    rate = t[t["scenario"] == f"{shape}; {PUBLISHED}"].set_index("test")["false_alarm_rate"]
    _check("england_tau2_at_most_6.5", shape, rate["versus_national_rl_tau2"], rate["versus_national_rl_tau2"] <= 0.065)
    out95 = rate["funnel_additive_95_outside"]
    _check("funnel_95_outside_5_pm_1.5", shape, out95, abs(out95 - 0.05) <= 0.015)
    for side in ("above", "below"):
        r = rate[f"funnel_additive_95_{side}"]
        _check(f"funnel_95_{side}_at_most_4", shape, r, r <= 0.04)
    out998 = rate["funnel_additive_998_outside"]
    _check("funnel_998_outside_at_most_0.4", shape, out998, out998 <= 0.004)


@pytest.mark.parametrize("shape", ["appointment", "disciplinary", "training"])
def test_done_means_change_test_with_shock_and_year_effects(shape):
    """Year-specific additive effects and a common shock: BH on the additive change test
    finds at most 1% of organisations changed."""
    t = _recorded()
    rows = t[t["scenario"].str.startswith(f"{shape}; a common shock x0.9 and year-specific effects")]
    share = float(rows.set_index("test").loc["bh_change_additive_share", "false_alarm_rate"])
    _check("bh_additive_share_at_most_1", shape, share, share <= 0.01)
