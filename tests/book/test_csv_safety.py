"""CSV downloads safe to open in a spreadsheet (wres.report.csv_safety), by hand-worked examples."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from wres.report import csv_safety


def test_text_starting_a_formula_gets_a_leading_quote():
    assert csv_safety.safe_text("=1+1") == "'=1+1"
    assert csv_safety.safe_text('=HYPERLINK("https://x","y")') == '\'=HYPERLINK("https://x","y")'
    assert csv_safety.safe_text("+44 20") == "'+44 20"
    assert csv_safety.safe_text("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert csv_safety.safe_text("@SUM(A1:A2)") == "'@SUM(A1:A2)"
    assert csv_safety.safe_text("\t=1") == "'\t=1"
    assert csv_safety.safe_text("\r=1") == "'\r=1"


def test_other_text_and_plain_numbers_in_text_are_unchanged():
    for text in ["North Trust", "A=B", " =1", "", "'=1", "-1.5", "+3", "-2e-3", "-.5", "1-2"]:
        assert csv_safety.safe_text(text) == text, text
    assert csv_safety.safe_text("-1-1") == "'-1-1"  # not a plain number: a formula


def test_numbers_and_missing_values_are_left_alone():
    assert csv_safety.safe_cell(-1.5) == -1.5
    assert csv_safety.safe_cell(-3) == -3
    assert csv_safety.safe_cell(np.float64(-0.25)) == -0.25
    assert csv_safety.safe_cell(None) is None


def test_a_frame_written_as_csv():
    frame = pd.DataFrame(
        {
            "org_name": ["=cmd|'/c calc'!A1", "North", None, "@x"],
            "value": [-1.5, 2.0, np.nan, -3.0],
            "year": [2020, 2021, 2022, 2023],
        }
    )
    buf = io.StringIO()
    csv_safety.safe_frame(frame).to_csv(buf, index=False, lineterminator="\n")
    assert buf.getvalue() == (
        "org_name,value,year\n'=cmd|'/c calc'!A1,-1.5,2020\nNorth,2.0,2021\n,,2022\n'@x,-3.0,2023\n"
    )
    # The input frame is not changed.
    assert frame.loc[0, "org_name"] == "=cmd|'/c calc'!A1"


def test_to_safe_csv_writes_the_same_bytes(tmp_path):
    frame = pd.DataFrame({"region": ["-London", "East"], "n": [-4, 5]})
    path = csv_safety.to_safe_csv(frame, tmp_path / "x.csv")
    assert path.read_text() == "region,n\n'-London,-4\nEast,5\n"
