"""Headline sentences (wres.report.words), checked against sentences worked out by hand."""

import pandas as pd

from wres.registry import load_registry
from wres.report.words import headline, verdict_sentence

REG = load_registry()


def summary(ind_id, first, latest, unit, n_years=2, comparison=None, workforce=None, senior=None):
    """A ``national_summary`` row: (year, value) of the first and latest figure."""
    return pd.Series(
        {
            "indicator": ind_id,
            "unit": unit,
            "n_years": n_years,
            "first_year": first[0],
            "first_value": first[1],
            "latest_year": latest[0],
            "latest_value": latest[1],
            "change": latest[1] - first[1],
            "comparison_value": comparison,
            "workforce_value": workforce,
            "senior_value": senior,
        }
    )


def trend(**kw):
    base = dict(
        verdict="improving",
        n_years=8,
        slope=-4.79,
        slope_unit="% per year",
        slope_ci_low=-6.46,
        slope_ci_high=-3.10,
        min_detectable_slope=2.0,
        tests_agree=True,
        verdict_note="",
    )
    return pd.Series({**base, **kw})


def test_relative_likelihood_headline():
    text = headline(REG.indicator(3), summary(3, (2016, 1.56), (2023, 1.03), "ratio"), trend(), REG)
    assert text.startswith(
        "**BME staff were 1.03 times as likely as White staff to enter the formal "
        "disciplinary process in 2023.** Down from 1.56 in 2016, the first comparable year, closer to parity."
    )
    assert (
        "fall — on average 4.8% a year (95% confidence interval, not adjusted for multiple comparisons: "
        "-6.5% to -3.1% a year)" in text
    )
    assert "statistically significant and is an improvement" in text


def test_parity_words_follow_the_fitted_ends():
    base = dict(improvement="parity", slope_unit="% per year", fitted_first=0.90, fitted_last=0.44, slope=-9.8)
    text = verdict_sentence(trend(verdict="worsening", **base), REG)
    assert (
        "statistically significant, away from parity (the fitted line runs from 0.90 to 0.44), and is a deterioration"
    ) in text
    text = verdict_sentence(trend(verdict="crossed parity", **{**base, "fitted_first": 1.3, "fitted_last": 0.8}), REG)
    assert "has crossed parity (the fitted line runs from 1.30 to 0.80)" in text
    assert "improvement" not in text and "deterioration" not in text


def test_rolling_series_says_which_test():
    text = verdict_sentence(trend(method="gls_rolling_2"), REG)
    assert "two-year rolling average" in text and "generalised least squares" in text
    assert "generalised" not in verdict_sentence(trend(method="ols"), REG)


def test_survey_headline_names_survey_year_and_white_comparator():
    s = summary(6, (2016, 27.0), (2024, 24.9), "percent", comparison=20.7)
    text = headline(REG.indicator(6), s, trend(verdict="too few years", n_years=4), REG)
    assert "24.9% of BME staff" in text
    assert "2023 NHS Staff Survey (WRES report 2024)" in text
    assert "against 20.7% of White staff" in text
    assert "too few years" in text


def test_no_significant_change_is_never_called_a_change():
    t = trend(verdict="no significant change", slope=1.0, min_detectable_slope=3.46)
    text = verdict_sentence(t, REG)
    assert "not statistically significant" in text
    assert "3.5% a year" in text  # the smallest detectable trend, in words
    assert "improvement" not in text


def test_representation_headline_compares_with_workforce():
    s = summary(9, (2016, -10.6), (2024, -12.1), "percentage points", workforce=28.6, senior=16.5)
    text = headline(
        REG.indicator(9), s, trend(verdict="no significant change", slope_unit="percentage points per year"), REG
    )
    assert text.startswith(
        "**16.5% of NHS trust board members were BME in 2024, compared with 28.6% of the "
        "whole workforce: a gap of -12.1 percentage points.** Down from -10.6 in 2016, the first "
        "comparable year, further from parity."
    )


def test_no_figure_and_single_year():
    assert headline(REG.indicator(3), None, None, REG).startswith(
        "No national figure for this indicator is in the data"
    )
    one = summary(3, (2023, 1.03), (2023, 1.03), "ratio", n_years=1)
    assert ".** This is the only comparable published year." in headline(REG.indicator(3), one, None, REG)
