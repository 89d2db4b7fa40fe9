"""The reduced calibration run: every test flags what it is known to flag.

Rows are judged by their ``expected`` label (see :mod:`wres.calibration.harness`):
``nominal`` within 3 Monte Carlo SE of nominal; ``at_most_nominal`` not above nominal +
3 SE; ``anti_conservative`` above nominal + 2 SE (asserted, so a method known to flag too
much is shown, not silently left out); ``approximately_nominal`` funnel rows within the
funnel tolerances; ``informative`` rows are not judged.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres.calibration import harness


# The reduced run costs about a minute of CPU: it is slow-marked, so `make test-fast` judges
# only the recorded full run (read from data/calibration/), and `make test` both.
@pytest.fixture(scope="module", params=[pytest.param("quick run", marks=pytest.mark.slow), "recorded full run"])
def quick(request):
    """The reduced harness run now, and the full run the book shows (data/calibration/),
    judged by the same rules."""
    if request.param == "recorded full run":
        table = pd.read_csv(
            Path(__file__).resolve().parents[2] / "data" / "calibration" / "calibration.csv",
            keep_default_na=False,
            na_values=[""],
        )
        assert table["n_sim"].max() >= 2000
        table.attrs["cpu_seconds"] = 0.0
        return table
    t0 = time.process_time()
    table = harness.run(300, quick=True)
    table.attrs["cpu_seconds"] = time.process_time() - t0
    return table


def _se(row) -> float:
    # A replicate share that came out exactly 0 has mc_se 0; fall back to the binomial SE
    # of one Bernoulli trial per replicate at the nominal rate.
    if row.mc_se > 0:
        return row.mc_se
    return float(np.sqrt(row.nominal * (1 - row.nominal) / row.n_sim))


def test_columns_and_quick_run_cost(quick):
    for col in ("test", "scenario", "nominal", "false_alarm_rate", "mc_se", "power", "effect", "n_sim"):
        assert col in quick.columns
    assert set(quick["expected"]) <= {
        "nominal",
        "at_most_nominal",
        "anti_conservative",
        "approximately_nominal",
        "informative",
    }
    assert quick.attrs["cpu_seconds"] < 60


def test_nominal_rows_within_three_mc_se(quick):
    rows = quick[quick["expected"] == "nominal"]
    assert len(rows) >= 10
    bad = [
        (r.test, r.scenario, r.false_alarm_rate)
        for r in rows.itertuples()
        if abs(r.false_alarm_rate - r.nominal) > 3 * _se(r)
    ]
    assert not bad


def test_at_most_nominal_rows(quick):
    rows = quick[quick["expected"] == "at_most_nominal"]
    bad = [
        (r.test, r.scenario, r.false_alarm_rate)
        for r in rows.itertuples()
        if r.false_alarm_rate > r.nominal + 3 * _se(r)
    ]
    assert not bad


def test_anti_conservative_rows_are_anti_conservative(quick):
    rows = quick[quick["expected"] == "anti_conservative"]
    # Plain OLS and Mann-Kendall on rolling averages, the FunnelPlotR option among them.
    assert {"national_ols", "funnel_funnelplotr_95_outside", "rolling_hac"} <= set(rows["test"])
    bad = [
        (r.test, r.scenario, r.false_alarm_rate)
        for r in rows.itertuples()
        if r.false_alarm_rate <= r.nominal + 2 * _se(r)
    ]
    assert not bad


def test_additive_funnel_rows_within_funnel_tolerances(quick):
    tol = harness.FUNNEL_TOLERANCE
    rows = quick[quick["expected"] == "approximately_nominal"].set_index(["scenario", "test"])
    assert len(rows) > 20
    rate = rows["false_alarm_rate"]
    for scen in rows.index.get_level_values(0).unique():
        r = rate[scen]
        assert abs(r["funnel_additive_95_outside"] - 0.05) <= tol["95_outside"], scen
        assert r["funnel_additive_998_outside"] <= tol["998_outside_max"], scen
        if "funnel_additive_95_above" in r:
            assert abs(r["funnel_additive_95_above"] - 0.025) <= tol["95_side"], scen
            assert abs(r["funnel_additive_95_below"] - 0.025) <= tol["95_side"], scen
            assert abs(r["funnel_additive_95_above"] - r["funnel_additive_95_below"]) <= tol["side_difference"]
            assert max(r["funnel_additive_998_above"], r["funnel_additive_998_below"]) <= tol["998_side_max"]


def test_gls_has_power_where_non_overlapping_years_have_little(quick):
    rate = quick.set_index(["test", "scenario"])["power"]
    assert rate["rolling_gls", "rolling2_n5"] > 2 * rate["rolling_nonoverlap", "rolling2_n5"]
