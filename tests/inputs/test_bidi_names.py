"""A name holding a bidirectional control character is refused at input (issue 17: a
right-to-left override reversed a name in the board report), naming file, line, column and
the value with the character visible."""

from __future__ import annotations

import pytest

from wres.errors import DataError
from wres.inputs.organisations import load_trust_file

HEADER = "year,org_code,org_name,region,org_type,indicator,band,group,numerator,denominator,percent,missing_reason\n"


@pytest.mark.parametrize(("column", "char"), [("org_name", "\u202e"), ("region", "\u2067"), ("org_type", "\u200f")])
def test_bidi_controls_are_refused(tmp_path, column, char):
    fields = {"org_name": "Northfield Trust", "region": "London", "org_type": "Acute"}
    fields[column] = f"North{char}field"
    row = f"2024,ZX101,{fields['org_name']},{fields['region']},{fields['org_type']},2,,white,30,52,,\n"
    path = tmp_path / "names.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_trust_file(path)
    (p,) = info.value.problems
    assert (p.line, p.column) == (2, column)
    assert f"\\u{ord(char):04x}" in str(p) and "bidirectional control character" in p.reason


def test_ordinary_right_to_left_text_is_kept(tmp_path):
    # Arabic or Hebrew letters are text, not controls: a name in them is accepted as it is.
    path = tmp_path / "names.csv"
    path.write_text(HEADER + "2024,ZX101,مستشفى الشمال,London,Acute,2,,white,30,52,,\n", encoding="utf-8")
    assert load_trust_file(path)["org_name"].iloc[0] == "مستشفى الشمال"
