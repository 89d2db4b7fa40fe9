"""Organisation downloads as the pages show them, with a full-precision twin
(wres.report.downloads), by hand-worked examples and from a small synthetic build."""

from __future__ import annotations

import csv

import pandas as pd

from wres.kinds import kind_of
from wres.registry import load_registry
from wres.report.downloads import FULL, count_columns, display_precision, links, write_pair

REG = load_registry()
RATIO = next(i for i in REG.indicators if i.non_adverse)  # a relative likelihood: two decimals
PERCENT = next(i for i in REG.indicators if i.is_survey)  # a staff-survey percent: one decimal


def _kind(i: int):
    return kind_of(REG.indicator(i), REG)


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "org_code": ["ZZ001", "ZZ001", "ZZ002"],
            "indicator": [RATIO.id, PERCENT.id, RATIO.id],
            "numerator_bme": [88.0, 200.88, float("nan")],
            "denominator_bme": [957.0, 540.0, 12.0],
            "rate_bme": [0.091954, 0.372, 0.0],
            "value": [1.387184, 37.2, 1.4],
            "ci_low": [1.108792, 32.366887, 0.995],
            "gap": [float("nan"), -0.04, float("nan")],
            "gap_ci_low": [float("nan"), -5.358897, float("nan")],
            "funnel_z": [-0.576597, 1.209271, float("nan")],
            "note": ["=1+1", "", ""],
        }
    )


def test_display_precision_by_hand():
    shown = display_precision(_rows(), _kind)
    assert shown["value"].tolist() == ["1.39", "37.2", "1.40"]  # ratio 2 dp (trailing zero kept), percent 1 dp
    assert shown["ci_low"].tolist() == ["1.11", "32.4", "0.99"]  # 0.995 is 0.99499… in binary
    assert shown["gap"].tolist() == ["", "0.0", ""]  # points to 1 dp, never "-0.0"
    assert shown["gap_ci_low"].tolist() == ["", "-5.4", ""]
    assert shown["numerator_bme"].tolist() == ["88", "200.9", ""]  # survey counts are weighted: 1 dp
    assert shown["denominator_bme"].tolist() == ["957", "540", "12"]
    assert shown["rate_bme"].tolist() == ["0.092", "0.372", "0.000"]
    assert shown["funnel_z"].tolist() == ["-0.58", "1.21", ""]


def test_pair_has_the_same_rows_and_columns_and_full_precision(tmp_path):
    shown, full = write_pair(_rows(), tmp_path, "x-organisations", _kind)
    assert (shown, full) == ("x-organisations.csv", f"x-organisations{FULL}.csv")
    with (tmp_path / shown).open(newline="") as fh:
        display = list(csv.DictReader(fh))
    with (tmp_path / full).open(newline="") as fh:
        precise = list(csv.DictReader(fh))
    assert list(display[0]) == list(precise[0]) == list(_rows().columns)
    assert [r["org_code"] for r in display] == [r["org_code"] for r in precise]
    assert display[0]["value"] == "1.39" and precise[0]["value"] == "1.387184"
    assert display[1]["numerator_bme"] == "200.9" and precise[1]["numerator_bme"] == "200.88"
    # Both are spreadsheet-safe: a formula in text gets its quote in each.
    assert display[0]["note"] == precise[0]["note"] == "'=1+1"
    md = links("the figures", "downloads", shown, full)
    assert md.count("{download}") == 2 and "<downloads/x-organisations-full-precision.csv>" in md


def test_count_columns_follow_the_catalogue():
    from wres import results

    cols = count_columns(results.table("organisation_indicators").columns)
    # Numerator, denominator, rate and its interval of each of the two groups, the workforce
    # rate and interval, and the workforce counts of a representation indicator: 5 + 5 + 3 + 2.
    assert len(cols) == 15
    assert cols[0].startswith("numerator_") and cols[1].startswith("denominator_")
