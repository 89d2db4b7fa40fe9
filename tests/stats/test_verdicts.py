import numpy as np
import pytest

from wres.stats.verdicts import NOT_ESTIMABLE, Verdict, classify


@pytest.mark.parametrize(
    "slope, direction, verdict",
    [(-2.0, "down", "improving"), (2.0, "down", "worsening"), (2.0, "up", "improving"),
     (-2.0, "up", "worsening"), (2.0, "none", "increasing"), (-2.0, "none", "decreasing")],
)
def test_significant_slope_takes_its_direction(slope, direction, verdict):
    v = classify(slope, 0.0004, 8, direction, min_years=5, cross_p=0.002, cross_s=np.sign(slope) * 20)
    assert v == Verdict(verdict, True, "both_significant", int(np.sign(slope)), int(np.sign(slope)))


def test_not_significant_is_no_change_and_agreement():
    v = classify(-1.0, 0.4, 8, "down", min_years=5, cross_p=0.55, cross_s=-3)
    assert (v.verdict, v.tests_agree, v.reason) == ("no significant change", True, "neither")


def test_too_few_years_ignores_even_a_tiny_p():
    assert classify(-5.0, 1e-6, 4, "down", min_years=5).verdict == "too few years"
    assert classify(-5.0, 1e-6, 4, "down", min_years=4).verdict == "improving"
    assert classify(np.nan, np.nan, 4, "up", min_years=5) == Verdict("too few years", None, "too_few_years")


def test_disagreements_are_coded():
    assert classify(-3.0, 0.03, 7, "down", min_years=5, cross_p=0.09).reason == "unconfirmed"
    v = classify(3.0, 0.12, 7, "up", min_years=5, cross_p=0.02, cross_s=15)
    assert (v.verdict, v.tests_agree, v.reason, v.cross_sign) == ("no significant change", False, "cross_check_only", 1)
    v = classify(3.0, 0.01, 9, "up", min_years=5, cross_p=0.02, cross_s=-20)
    assert (v.verdict, v.tests_agree, v.reason) == ("improving", False, "contradict")


def test_missing_estimates():
    v = classify(1.0, np.nan, 8, "up", min_years=5, cross_p=0.01)
    assert (v.verdict, v.tests_agree, v.reason) == ("no significant change", None, "no_estimate")
    v = classify(1.0, 0.01, 8, "up", min_years=5)
    assert (v.verdict, v.tests_agree, v.reason) == ("improving", None, "no_cross_check")
    assert classify(np.nan, np.nan, 9, "up", min_years=3, missing=NOT_ESTIMABLE).verdict == "not estimable"
    assert classify(np.nan, 0.2, 9, "up", min_years=3, missing=NOT_ESTIMABLE).verdict == "not estimable"


@pytest.mark.parametrize("p, expected", [(0.05, "no significant change"), (0.0499, "improving")])
def test_alpha_is_strict(p, expected):
    assert classify(0.1, p, 9, "up", min_years=3).verdict == expected


def test_rejects_bad_direction():
    with pytest.raises(ValueError):
        classify(1.0, 0.01, 8, "sideways", min_years=5)
