"""Loading and validation of the published national files (wres.inputs.national, wres.inputs.validate)."""

import re

import pandas as pd
import pytest

from wres.config import Paths
from wres.inputs.national import load_breakdowns, load_national
from wres.inputs.validate import DataError

PUB = "published"


def load_fixture(fixtures, name):
    return load_national(fixtures / PUB / name)


def test_good_fixture_typed_and_traceable(fixtures):
    df = load_fixture(fixtures, "good.csv")
    assert len(df) == 3
    assert str(df["indicator"].dtype) == "Int64"
    assert str(df["value"].dtype) == "Float64"
    # Each figure traces to its line in the input (header = line 1).
    assert df["source_line"].tolist() == [2, 3, 4]
    assert set(df["source_file"]) == {"good.csv"}
    # Indicator 5 is a staff-survey indicator: survey year = report year - 1 when blank.
    assert df.loc[df["indicator"] == 5, "survey_year"].item() == 2016


def test_byte_order_mark_is_accepted(fixtures):
    assert load_fixture(fixtures, "bom.csv")["indicator"].tolist() == [3, 3, 5]


@pytest.mark.parametrize(
    ("name", "line", "column", "value_fragment"),
    [
        ("missing_column.csv", 1, "value", None),
        ("unknown_indicator.csv", 3, "indicator", "12"),
        ("non_numeric.csv", 3, "value", "about 1.4"),
        ("unknown_quality.csv", 3, "quality", "guessed"),
        ("duplicate_conflict.csv", 4, "value", "1.39"),
        ("survey_year_wrong.csv", 2, "survey_year", "2017"),
        ("percent_over_100.csv", 2, "value", "129"),
    ],
)
def test_malformed_file_names_file_line_column_value(fixtures, name, line, column, value_fragment):
    with pytest.raises(DataError) as err:
        load_fixture(fixtures, name)
    msg = str(err.value)
    assert name in msg
    assert f"line {line}" in msg
    assert f"column '{column}'" in msg
    if value_fragment:
        assert value_fragment in msg


def test_empty_file(fixtures):
    with pytest.raises(DataError, match=r"empty.csv.*empty"):
        load_fixture(fixtures, "empty.csv")


def test_wrong_delimiter_is_explained(fixtures):
    with pytest.raises(DataError, match="delimited by something other than commas"):
        load_fixture(fixtures, "semicolon.csv")


def test_conflicting_sources_flag_allows_disagreeing_duplicates(tmp_path, fixtures):
    text = (fixtures / PUB / "duplicate_conflict.csv").read_text().replace(",as_published\n", ",conflicting_sources\n")
    p = tmp_path / "flagged.csv"
    p.write_text(text)
    df = load_national(p)
    assert not df["testable"].any()


def test_real_national_file_loads(root):
    paths = Paths(root)
    df = load_national(paths.national_csv)
    raw = pd.read_csv(paths.national_csv)
    assert len(df) == len(raw)
    # Published indicator 3 figure for 2023 (King's Fund quoting NHS England): 1.03.
    v = df[(df["indicator"] == 3) & (df["report_year"] == 2023) & (df["group"] == "ratio")]["value"]
    assert v.tolist() == [1.03]
    excluded = df[~df["testable"]]
    assert all(re.search("conflicting_sources|definition_differs", q) for q in excluded["quality"])


def test_breakdowns_keep_year_labels(root):
    b = load_breakdowns(Paths(root).breakdowns_csv)
    assert b["report_year"].isna().sum() == (~b["year"].str.fullmatch(r"\d{4}")).sum()
    london = b[(b["category"] == "London") & (b["indicator"] == 2) & (b["report_year"] == 2024)]
    assert london["value"].tolist() == [1.16]
