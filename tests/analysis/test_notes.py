import pytest

from wres.analysis.notes import fmt_p, funnel_note, rate_notes, trend_notes, verdict_note
from wres.stats.verdicts import Verdict


def note(v, p, **kw):
    return verdict_note(v, n_years=8, min_years=5, p_value=p, **kw)


@pytest.mark.parametrize("sign, word", [(1, "rise"), (-1, "fall")])
def test_both_significant(sign, word):
    v = Verdict("improving", True, "both_significant", sign, sign)
    assert note(v, 0.0004) == f"The regression finds a significant {word} (p < 0.001); the Mann–Kendall test agrees."


def test_each_disagreement_in_words():
    # One q-value (or p) per verdict: the regression's, which decides it; the cross-check in words.
    assert note(Verdict("improving", False, "unconfirmed", -1), 0.03) == (
        "The regression finds a significant fall (p = 0.03) but the Mann–Kendall test does not confirm it."
    )
    assert note(Verdict("no significant change", False, "cross_check_only", 1, 1), 0.12) == (
        "The regression finds no significant change (p = 0.12); the Mann–Kendall test finds a significant rise, "
        "which alone is not enough to report one."
    )
    assert note(Verdict("improving", False, "contradict", 1, -1), 0.01) == (
        "The regression finds a significant rise (p = 0.01) but the Mann–Kendall test finds a significant fall; "
        "the two tests contradict each other."
    )
    assert note(Verdict("no significant change", True, "neither"), 0.4) == (
        "The regression finds no significant change (p = 0.40); the Mann–Kendall test agrees."
    )


def test_too_few_years_and_missing():
    v = Verdict("too few years", None, "too_few_years")
    assert verdict_note(v, n_years=1, min_years=5, p_value=float("nan")) == (
        "Only 1 year of data; at least 5 are needed before a trend is tested, so no p-value is given."
    )
    assert "could not be computed" in note(Verdict("no significant change", None, "no_estimate"), float("nan"))


def test_q_label_and_borderline_rounding():
    assert "(q = 0.0496)" in note(Verdict("improving", False, "unconfirmed", -1), 0.0496, p_label="q")
    assert fmt_p(0.0504, 0.05) == "= 0.05"
    assert fmt_p(0.0496, 0.05) == "= 0.0496"


# The sentences below are those the results files held before the statistics returned codes
# (the backtest pins them byte for byte); here each code's words are checked on their own.


def test_rate_sentences_name_groups_by_position():
    codes = ["", "no_row:2;missing", "no_staff:1,2", "no_staff:1;missing:2", "invalid;no_events", "haldane"]
    assert rate_notes(codes, ("white", "bme")).tolist() == [
        "",
        "no row for group bme; missing count",
        "no staff/applicants in group: white, bme",
        "no staff/applicants in group: white; missing count: bme",
        "invalid count (numerator < 0 or > denominator); no events in either group: relative likelihood not estimable",
        "zero or complete cell: Haldane-Anscombe +0.5 added to all four cells",
    ]


def test_weighted_survey_sentence_long_and_short():
    assert rate_notes(["weighted:1.5"], ("bme", "white"))[0] == (
        "weighted survey percent: count derived as percent x respondents; the Wilson interval ignores the "
        "survey weights and is too narrow unless deff reflects them (deff=1.5)"
    )
    assert rate_notes(["weighted:2"], ("bme", "white"), short_weighted=True)[0] == (
        "weighted survey percent: count = percent x respondents, design effect 2 assumed"
    )


def test_missing_codes_after_a_merge_say_nothing():
    assert rate_notes([float("nan"), None], ("a", "b")).tolist() == ["", ""]


def test_trend_sentences():
    labels = ("bme", "white")
    assert trend_notes(["few_years:2:3;empty_years:2:2016,2017"], labels)[0] == (
        "2 year(s) with counts for both groups; at least 3 needed; "
        "no staff/applicants in group white in 2016, 2017: year(s) left out"
    )
    assert trend_notes(["bad_years:1:2019", "no_events:1", "all_events:2"], labels).tolist() == [
        "missing or invalid count for group bme in 2019: year(s) left out",
        "no events in group bme in any year: gap on the log-odds scale is infinite (separation)",
        "every member of group white had the event in every year: separation",
    ]
    assert trend_notes(["no_convergence:ConvergenceWarning"], labels)[0] == (
        "GLM fit did not converge cleanly (ConvergenceWarning; e.g. a group's events all in its first or "
        "last years): not estimable"
    )
    assert trend_notes(["non_finite", "scale_floored", "no_rows", "no_group_rows"], labels).tolist() == [
        "non-finite estimate (near-separation): not estimable",
        "Pearson dispersion below 1: binomial scale (1) used",
        "no rows",
        "no rows for group bme or white",
    ]


def test_funnel_sentences():
    assert funnel_note("") == ""
    assert funnel_note("few_orgs:4:10;adjustment_off") == (
        "only 4 organisation(s), fewer than 10: overdispersion not estimated, unadjusted limits used; "
        "overdispersion adjustment switched off"
    )
    assert funnel_note("no_estimates") == "no organisation with an estimate"
    assert funnel_note("equal_precision") == "equal precision in every organisation: tau2 not estimable"


def test_an_unknown_code_is_an_error():
    with pytest.raises(KeyError):
        funnel_note("no_such_code")
