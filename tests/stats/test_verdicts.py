import numpy as np
import pytest

from wres.stats.verdicts import NOT_ESTIMABLE, Verdict, classify


@pytest.mark.parametrize(
    "slope, direction, verdict",
    [
        (-2.0, "down", "improving"),
        (2.0, "down", "worsening"),
        (2.0, "up", "improving"),
        (-2.0, "up", "worsening"),
        (2.0, "none", "increasing"),
        (-2.0, "none", "decreasing"),
    ],
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


@pytest.mark.parametrize(
    "first, last, scale, verdict",
    [
        (0.90, 0.44, "log", "worsening"),  # below parity and falling: away from 1
        (1.60, 1.05, "log", "improving"),  # above parity and falling: towards 1
        (0.60, 0.80, "log", "improving"),
        (1.30, 0.80, "log", "crossed parity"),  # log 1.3 = +0.26, log 0.8 = -0.22: opposite sides
        (0.80, 1.10, "log", "crossed parity"),
        (-10.6, -12.1, "identity", "worsening"),  # a board-minus-workforce gap widening
        (-10.6, -4.0, "identity", "improving"),
        (-3.0, 2.0, "identity", "crossed parity"),
    ],
)
def test_parity_direction_judges_the_fitted_ends(first, last, scale, verdict):
    slope = np.sign(last - first)
    v = classify(
        slope, 0.001, 8, "parity", min_years=5, cross_p=0.004, cross_s=slope * 20, first=first, last=last, scale=scale
    )
    assert v == Verdict(verdict, True, "both_significant", int(slope), int(slope))


def test_parity_direction_not_significant_and_its_inputs():
    v = classify(-0.1, 0.3, 8, "parity", min_years=5, first=0.9, last=0.44, scale="log")
    assert v.verdict == "no significant change"
    with pytest.raises(ValueError):  # a significant parity verdict needs the fitted ends
        classify(-0.1, 0.01, 8, "parity", min_years=5, scale="log")
    with pytest.raises(ValueError):
        classify(-0.1, 0.01, 8, "parity", min_years=5, first=0.9, last=0.44, scale="logit")
