"""wres.analysis.series: which published figures make a registry series, and the observed and
derived series built from them. Hand-made figures against a small registry; every expected
value below is worked out by hand from those figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from wres.analysis.series import SERIES_COLUMNS, context_figures, indicator_series, membership
from wres.registry import load_registry

WORKFORCE = "Group A staff as % of all staff"  # indicator 1, group grp_a (tests/fixtures/second_registry)
SENIOR = "Group A % of senior managers"  # indicator 1, group grp_a
VALUED = "% staff who feel valued"  # indicator 3, groups grp_a and grp_b
BANK = "Group A % of bank staff"  # added below: indicator 3's untested series, filed under indicator 1


@pytest.fixture(scope="module")
def registry(fixtures, tmp_path_factory):
    """The fictional second standard, plus what it lacks for these tests: indicator 1 gets a
    ratio and a gap of its two series, and indicator 3 an untested series whose figures are
    filed under indicator 1 (``from_indicator``)."""
    raw = yaml.safe_load((fixtures / "second_registry" / "registry.yml").read_text(encoding="utf-8"))
    one, three = raw["indicators"][0], raw["indicators"][2]
    common = {"a": "grp_a_senior_pct", "b": "grp_a_workforce_pct", "improvement": "parity"}
    one["derived"] = [
        {"key": "ratio", "label": "senior ÷ workforce", "op": "ratio", "transform": "log", "unit": "ratio", **common},
        {"key": "gap", "label": "senior - workforce", "op": "gap", "transform": "identity", "unit": "points", **common},
    ]
    three["series"].append(
        {
            "key": "borrowed",
            "label": "Group A share of bank staff, for context",
            "measure": BANK,
            "group": "grp_a",
            "transform": "logit",
            "improvement": "none",
            "unit": "percent",
            "from_indicator": 1,
            "tested": False,
        }
    )
    path = tmp_path_factory.mktemp("registry") / "registry.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_registry(path)


def figure(indicator, measure, group, year, value, line, quality="as_published", testable=True, survey_year=None):
    return {
        "indicator": indicator,
        "measure": measure,
        "group": group,
        "report_year": year,
        "survey_year": survey_year,
        "value": value,
        "quality": quality,
        "testable": testable,
        "source": f"https://example.org/{line}",
        "source_outlet": "example.org",
        "source_file": "national.csv",
        "source_line": line,
    }


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def test_membership_matches_indicator_measure_and_group_and_follows_from_indicator(registry):
    figures = frame(
        figure(1, WORKFORCE, "grp_a", 2020, 20.0, 2),  # indicator 1's tested series
        figure(1, WORKFORCE, "grp_b", 2020, 80.0, 3),  # right measure, but no series has this group
        figure(1, "Group A staff in the canteen", "grp_a", 2020, 5.0, 4),  # no series has this measure
        figure(1, BANK, "grp_a", 2020, 3.0, 5),  # indicator 3's untested series reads indicator 1
        figure(3, BANK, "grp_a", 2020, 3.0, 6),  # filed under 3, where that series does not read
        figure(3, VALUED, "grp_b", 2020, 60.0, 7),
    )
    got = membership(figures, registry)
    assert got.index.equals(figures.index)
    assert got["in_series"].tolist() == [True, False, False, True, False, True]
    # Charted but not tested: the one figure whose only series says ``tested: false``.
    assert got["tested"].tolist() == [True, False, False, False, False, True]


def test_context_figures_are_the_rows_in_no_series_renumbered(registry):
    figures = frame(
        figure(1, WORKFORCE, "grp_a", 2020, 20.0, 2),
        figure(1, "Group A staff in the canteen", "grp_a", 2020, 5.0, 3),
        figure(3, VALUED, "grp_a", 2020, 70.0, 4),
        figure(2, "Something else entirely", "ratio", 2021, 1.1, 5),
    )
    got = context_figures(figures, registry)
    assert got["source_line"].tolist() == [3, 5]
    assert got.index.tolist() == [0, 1]


def test_observed_series_rows_in_year_then_line_order_with_registry_words(registry):
    figures = frame(
        figure(3, VALUED, "grp_a", 2021, 71.5, 9, survey_year=2020),
        figure(3, VALUED, "grp_a", 2020, 70.0, 8, survey_year=2019),
        figure(3, VALUED, "grp_a", 2021, 71.0, 7, quality="conflicting_sources", testable=False, survey_year=2020),
        figure(3, VALUED, "grp_b", 2020, 60.0, 6, survey_year=2019),
    )
    got = indicator_series(figures, registry, 3)
    assert list(got.columns) == SERIES_COLUMNS
    a = got[got["series"] == "grp_a_pct"]
    assert a["report_year"].tolist() == [2020, 2021, 2021]
    assert a["source_line"].tolist() == ["8", "7", "9"]  # same year: the earlier line first
    assert a["value"].tolist() == [70.0, 71.0, 71.5]
    assert a["testable"].tolist() == [True, False, True]
    assert a["survey_year"].tolist() == [2019, 2020, 2020] and str(got["survey_year"].dtype) == "Int64"
    assert set(a["label"]) == {"Group A staff"} and set(a["kind"]) == {"published"} and set(a["unit"]) == {"percent"}
    b = got[got["series"] == "grp_b_pct"]
    assert b["value"].tolist() == [60.0] and b["group"].tolist() == ["grp_b"]
    # The borrowed series reads indicator 1's figures: there are none here, so it has no row.
    assert "borrowed" not in set(got["series"])


def test_derived_ratio_and_gap_use_years_both_series_have_and_prefer_a_testable_figure(registry):
    figures = frame(
        figure(1, SENIOR, "grp_a", 2019, 10.0, 2),
        figure(1, SENIOR, "grp_a", 2020, 9.0, 3, quality="conflicting_sources", testable=False),
        figure(1, SENIOR, "grp_a", 2020, 12.0, 4, quality="rounded"),
        figure(1, WORKFORCE, "grp_a", 2019, 20.0, 5),
        figure(1, WORKFORCE, "grp_a", 2020, 24.0, 6, quality="as_published;rounded"),
        figure(1, WORKFORCE, "grp_a", 2021, 25.0, 7),  # no senior figure for 2021: no derived row
    )
    got = indicator_series(figures, registry, 1)
    ratio = got[got["series"] == "ratio"].reset_index(drop=True)
    gap = got[got["series"] == "gap"].reset_index(drop=True)
    assert ratio["report_year"].tolist() == gap["report_year"].tolist() == [2019, 2020]
    # 2019: 10 / 20 and 10 - 20; 2020: the testable 12 (not the conflicting 9) against 24.
    assert ratio["value"].tolist() == [0.5, 0.5]
    assert gap["value"].tolist() == [-10.0, -12.0]
    assert set(ratio["kind"]) == {"derived"} and set(ratio["group"]) == {"derived"}
    assert ratio["unit"].tolist() == ["ratio", "ratio"] and gap["unit"].tolist() == ["points", "points"]
    # Flags of both parts, each once, the first part's first.
    assert ratio["quality"].tolist() == ["as_published", "rounded;as_published"]
    assert ratio["testable"].tolist() == [True, True]
    assert ratio["source_line"].tolist() == ["lines 2 and 5", "lines 4 and 6"]
    assert ratio["source"].tolist()[1] == "https://example.org/4 ; https://example.org/6"


def test_a_derived_figure_with_an_untestable_part_is_untestable(registry):
    figures = frame(
        figure(1, SENIOR, "grp_a", 2019, 15.0, 2, quality="needs_checking", testable=False),
        figure(1, WORKFORCE, "grp_a", 2019, 20.0, 3),
    )
    got = indicator_series(figures, registry, 1)
    ratio = got[got["series"] == "ratio"]
    assert ratio["testable"].tolist() == [False]
    assert math.isclose(ratio["value"].iloc[0], 0.75)


def test_an_indicator_without_figures_is_an_empty_frame_with_the_catalogue_columns(registry):
    figures = frame(figure(3, VALUED, "grp_a", 2020, 70.0, 2))
    got = indicator_series(figures, registry, 2)
    assert got.empty and list(got.columns) == SERIES_COLUMNS
