"""Organisation gap trends are judged against parity: the gap closing is improvement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wres.stats.gap_trend import CROSSED_PARITY, trends_for_all

YEARS = np.arange(2016, 2025)


def _org(rl_first: float, rl_last: float, code: str, n: int = 200_000, p2: float = 0.05) -> list[dict]:
    # Expected counts on a straight line in log RL: no noise, large counts.
    rl = np.exp(np.linspace(np.log(rl_first), np.log(rl_last), len(YEARS)))
    rows = []
    for y, r in zip(YEARS, rl, strict=True):
        for g, p in (("white", p2 * r), ("bme", p2)):
            rows.append(
                {
                    "year": int(y),
                    "org_code": code,
                    "org_name": code,
                    "indicator": 3,
                    "band": "",
                    "group": g,
                    "numerator": int(round(n * p)),
                    "denominator": n,
                }
            )
    return rows


def _flat(code: str) -> list[dict]:
    # A constant RL of 1.2 with binomial noise (an exact fit would separate perfectly).
    rng = np.random.default_rng(2)
    rows = _org(1.2, 1.2, code, n=5000)
    for r in rows:
        r["numerator"] = int(rng.binomial(r["denominator"], r["numerator"] / r["denominator"]))
    return rows


@pytest.fixture(scope="module")
def trends() -> pd.DataFrame:
    rows = (
        _org(0.90, 0.44, "FALLS_AWAY") + _org(1.60, 1.05, "FALLS_TOWARDS") + _org(1.30, 0.75, "CROSSES") + _flat("FLAT")
    )
    # "improvement" is the registry's direction for the sign; parity overrides it.
    return trends_for_all(pd.DataFrame(rows), 3, "white", "bme", improvement="down").set_index("org_code")


def test_falling_away_from_parity_is_worsening(trends):
    t = trends.loc["FALLS_AWAY"]
    assert t["slope"] < 0 and t["q_value"] < 0.05
    assert t["verdict"] == "worsening" and t["parity_code"] == "worsening"


def test_falling_towards_parity_is_improving(trends):
    t = trends.loc["FALLS_TOWARDS"]
    assert t["verdict"] == "improving"
    # The fitted ends are odds ratios close to the RLs at a 5% base rate: OR = RL (1 - p2) / (1 - RL p2).
    assert np.exp(t["log_or_first"]) == pytest.approx(1.60 * 0.95 / (1 - 1.60 * 0.05), rel=0.01)
    assert np.exp(t["log_or_last"]) == pytest.approx(1.05 * 0.95 / (1 - 1.05 * 0.05), rel=0.01)


def test_crossing_parity_has_its_own_word(trends):
    assert trends.loc["CROSSES", "verdict"] == CROSSED_PARITY == "crossed parity"


def test_flat_gap_is_no_change(trends):
    assert trends.loc["FLAT", "q_value"] >= 0.05
    assert trends.loc["FLAT", "verdict"] == "no significant change"


def test_direction_rule_kept_as_option():
    rows = _org(0.90, 0.44, "A")
    t = trends_for_all(pd.DataFrame(rows), 3, "white", "bme", improvement="down", verdict_rule="direction")
    assert t["verdict"].iloc[0] == "improving"  # the old rule: a fall counts as better
