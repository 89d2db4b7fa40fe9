import pytest

from wres.analysis.notes import fmt_p, verdict_note
from wres.stats.verdicts import Verdict


def note(v, p, mk, **kw):
    return verdict_note(v, n_years=8, min_years=5, p_value=p, cross_p=mk, **kw)


@pytest.mark.parametrize("sign, word", [(1, "rise"), (-1, "fall")])
def test_both_significant(sign, word):
    v = Verdict("improving", True, "both_significant", sign, sign)
    assert note(v, 0.0004, 0.002) == (
        f"Both the regression (p < 0.001) and the Mann–Kendall test (p = 0.002) find a significant {word}.")


def test_each_disagreement_in_words():
    assert note(Verdict("improving", False, "unconfirmed", -1), 0.03, 0.09) == (
        "The regression finds a significant fall (p = 0.03) but the Mann–Kendall test does not confirm it "
        "(p = 0.09).")
    assert note(Verdict("no significant change", False, "cross_check_only", 1, 1), 0.12, 0.02) == (
        "The Mann–Kendall test finds a significant rise (p = 0.02) but the regression does not (p = 0.12), "
        "so no significant change is reported.")
    assert "contradict" in note(Verdict("improving", False, "contradict", 1, -1), 0.01, 0.02)
    assert note(Verdict("no significant change", True, "neither"), 0.4, 0.55).startswith(
        "Neither the regression (p = 0.40)")


def test_too_few_years_and_missing():
    v = Verdict("too few years", None, "too_few_years")
    assert verdict_note(v, n_years=1, min_years=5, p_value=float("nan"), cross_p=float("nan")) == (
        "Only 1 year of data; at least 5 are needed before a trend is tested, so no p-value is given.")
    assert "could not be computed" in note(Verdict("no significant change", None, "no_estimate"), float("nan"), 0.1)


def test_q_label_and_borderline_rounding():
    assert "(q = 0.0496)" in note(Verdict("improving", False, "unconfirmed", -1), 0.0496, 0.2, p_label="q")
    assert fmt_p(0.0504, 0.05) == "= 0.05"
    assert fmt_p(0.0496, 0.05) == "= 0.0496"
