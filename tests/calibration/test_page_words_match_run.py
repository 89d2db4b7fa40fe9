"""The departures the pages state in words (issue 16: "where a limit holds only under an
assumption, the words on pages say so") match the recorded calibration run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres.kinds import kind_of
from wres.registry import load_registry
from wres.stats.funnels.additive import Additive

RECORDED = Path(__file__).resolve().parents[2] / "data" / "calibration" / "calibration.csv"
RUN = pd.read_csv(RECORDED)
REG = load_registry()


def _rates(test_prefix: str, scenario_part: str) -> pd.Series:
    rows = RUN[RUN["test"].str.startswith(test_prefix) & RUN["scenario"].str.contains(scenario_part, regex=False)]
    assert len(rows), (test_prefix, scenario_part)
    return rows["false_alarm_rate"]


def test_heavy_tails_put_about_one_in_a_hundred_outside_the_998_limits():
    assert "about 1 in 100 lie outside the 99.8% limits" in Additive.TAILS
    assert _rates("funnel_additive_998_outside", "heavy-tailed").between(0.005, 0.02).all()


def test_boards_that_vary_put_up_to_about_four_in_a_hundred_above():
    rep = next(kind_of(i, REG) for i in REG.indicators if kind_of(i, REG).parity_words)
    assert "up to about 4 in 100 lie above the upper 95% limit" in " ".join(rep.funnel_caveats(1.5))
    assert _rates("representation_95_above", "membership varies").max() <= 0.045


def test_a_design_effect_of_two_and_a_half_flags_about_thirteen_in_a_hundred():
    pct = next(kind_of(i, REG) for i in REG.indicators if kind_of(i, REG).weighted_survey)
    assert "about 13 in 100 unchanged organisations" in " ".join(pct.funnel_caveats(1.5))
    assert _rates("change_percentage", "true design effect 2.5").between(0.11, 0.15).all()
