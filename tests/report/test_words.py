"""Counts and indicator numbers in words, derived from the registry."""

import pandas as pd

from wres.kinds import kind_of
from wres.registry import load_registry
from wres.report.words import count_words, id_list, slope_ci, survey_ids

REG = load_registry()


def test_counts_and_id_lists():
    assert count_words(9) == "nine" and count_words(1) == "one" and count_words(21) == "21"
    assert id_list([4, 2, 3]) == "2–4"
    assert id_list([1, 2]) == "1 and 2"
    assert id_list([1, 2, 9]) == "1, 2 and 9"
    assert id_list([1, 3, 4, 5, 9]) == "1, 3–5 and 9"
    # The registry's staff-survey indicators, written by hand from indicators.yml.
    assert survey_ids(REG) == id_list([i.id for i in REG.indicators if i.year_basis == "survey"])


def test_organisation_groups_and_value_label():
    std = REG.standard
    rl = next(i for i in REG.indicators if kind_of(i, REG).likelihood)
    assert rl.organisation_groups(std) == (rl.numerator_group, rl.comparison_group)
    survey = next(i for i in REG.indicators if i.is_survey)
    assert survey.organisation_groups(std) == (std.minority_group, std.majority_group)
    # What the report calls an organisation's value is the kind's label.
    assert kind_of(rl, REG).value_label() == rl.series[0].label
    assert kind_of(survey, REG).value_label().startswith("% of ")


def test_slope_intervals_by_unit():
    label = "95% confidence interval, not adjusted for multiple comparisons"
    assert slope_ci(-1.234, 2.0, "% per year") == f"{label}: -1.2% to +2.0% a year"
    assert slope_ci(-0.5, 0.25, "percentage points per year") == f"{label}: -0.50 to +0.25 percentage points a year"
    assert slope_ci(0.0123, 0.05, "ratio per year") == f"{label}: +0.012 to +0.050 a year"
    assert slope_ci(float("nan"), 0.05, "ratio per year") == "not available"


def test_p_values_read_as_a_reader_writes_them():
    from wres.report.words import fmt_p, plural

    assert [fmt_p(v) for v in (0.0004, 0.0051, 0.034, 0.2134, float("nan"))] == [
        "p < 0.001",
        "p = 0.005",
        "p = 0.03",
        "p = 0.21",
        "—",
    ]
    assert fmt_p(0.04, "q") == "q = 0.04"
    assert [plural(1, "file"), plural(2, "file"), plural(1200, "row")] == ["1 file", "2 files", "1,200 rows"]


def test_a_verdict_says_whether_it_survives_correlated_years():
    from wres.report.words import verdict_sentence

    base = {
        "verdict": "improving",
        "n_years": 8,
        "slope_unit": "% per year",
        "slope": -6.0,
        "slope_ci_low": -9.0,
        "slope_ci_high": -3.0,
        "method": "ols",
        "min_detectable_slope": 2.4,
        "min_detectable_slope_family": 3.4,
        "improvement": "down",
    }
    holds = verdict_sentence(pd.Series({**base, "q_value_ar1_05": 0.019, "verdict_if_correlated": "improving"}), REG)
    assert "holds even if neighbouring years' figures are correlated" in holds and "q = 0.02;" in holds
    fails = verdict_sentence(
        pd.Series({**base, "q_value_ar1_05": 0.12, "verdict_if_correlated": "no significant change"}), REG
    )
    assert "holds only if the years are independent" in fails and "q = 0.12" in fails
    flat = verdict_sentence(pd.Series({**base, "verdict": "no significant change", "q_value_ar1_05": 0.5}), REG)
    assert "about 3.4% a year" in flat and "rule that decides the verdict" in flat and "correlated" not in flat
