"""One interval formatter and one set of funnel-position words (wres.report.formats), and
each kind's value format, against the words each page shows, written out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wres.kinds import kind_of
from wres.registry import load_registry
from wres.report.formats import CHART_NOT_PLACED, interval, limit_words, pct_change, position_words, series_value

REG = load_registry()
BY_UNIT = {kind_of(i, REG).unit: kind_of(i, REG) for i in REG.indicators}


def test_each_kind_writes_its_values_as_the_pages_always_have():
    assert BY_UNIT["percent"].fmt(29.45) == "29.4%" and BY_UNIT["percent"].fmt(7) == "7.0%"
    assert BY_UNIT["ratio"].fmt(1.234) == "1.23"
    for missing in (None, float("nan"), pd.NA):
        assert BY_UNIT["ratio"].fmt(missing) == "—"


def test_one_interval_formatter_with_each_page_s_wording():
    ratio = BY_UNIT["ratio"].fmt
    # Charts, tables and the profile: the bare interval.
    assert interval(1.2, 1.9, ratio) == "1.20 to 1.90"
    assert interval(math.nan, 1.9, ratio) == "not available"
    # The print report names the interval, also when it is missing.
    named = {"prefix": "95% CI ", "missing": "95% CI not available"}
    assert interval(29.06, 31.0, BY_UNIT["percent"].fmt, **named) == "95% CI 29.1% to 31.0%"
    assert interval(None, 31.0, BY_UNIT["percent"].fmt, **named) == "95% CI not available"
    # A trend's change a year, with a unit after the interval.
    assert interval(-0.5, 0.25, "{:+.2f}".format, suffix=" points a year") == "-0.50 to +0.25 points a year"


def test_odds_ratio_slopes_read_as_a_percent_change_a_year():
    assert pct_change(math.log(1.1)) == "+10.0%"
    assert pct_change(math.log(0.8)) == "-20.0%"
    assert pct_change(math.log(12)) == "> +1000%"
    assert pct_change(float("nan")) == "—"
    assert interval(math.log(0.9), math.log(1.5), pct_change, missing="—") == "-10.0% to +50.0%"


@pytest.mark.parametrize(
    ("position", "chart", "profile", "print_report"),
    [
        ("above", "above the upper limit", "higher than peers", "higher than peers: above the upper 95% funnel limit"),
        ("below", "below the lower limit", "lower than peers", "lower than peers: below the lower 95% funnel limit"),
        ("inside", "within the limits", "within the limits", "within the 95% funnel limits"),
        (
            "not estimable",
            "not placed (no estimate, or too few organisations)",
            "not placed",
            "not compared (no estimate, or too few organisations with one)",
        ),
    ],
)
def test_one_set_of_position_words_worded_per_page(position, chart, profile, print_report):
    assert position_words(position, not_placed=CHART_NOT_PLACED) == chart
    assert position_words(position, peers=True, side=False) == profile
    not_compared = "not compared (no estimate, or too few organisations with one)"
    assert position_words(position, limit="95% funnel ", peers=True, not_placed=not_compared) == print_report


def test_limit_words_name_the_outer_limit_first():
    assert limit_words("above", "above") == "above the upper 99.8% limit"
    assert limit_words("below", "inside") == "below the lower 95% limit"
    assert limit_words("inside", "inside") == "within the 95% limits"
    assert limit_words("not estimable", "not estimable") == "not placed"


def test_published_figures_in_their_series_unit():
    assert series_value(29.06, "percent") == "29.1%"
    assert series_value(1.234, "ratio") == "1.23"
    assert series_value(None, "percent") == "—"
