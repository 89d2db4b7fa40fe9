"""Headline sentences (wres.report.words), checked against sentences worked out by hand."""

import pandas as pd

from wres.report.words import headline, verdict_sentence
from wres.registry import load_registry

REG = load_registry()


def series(ind_id, key, years, values, unit):
    return pd.DataFrame({"indicator": ind_id, "series": key, "report_year": years, "value": values, "unit": unit,
                         "survey_year": [y - 1 for y in years], "testable": True})


def trend(**kw):
    base = dict(verdict="improving", n_years=8, slope=-4.79, slope_unit="% per year", slope_ci_low=-6.46,
                slope_ci_high=-3.10, min_detectable_slope=2.0, tests_agree=True, verdict_note="")
    return pd.Series({**base, **kw})


def test_relative_likelihood_headline():
    s = series(3, "rl", [2016, 2023], [1.56, 1.03], "ratio")
    text = headline(REG.indicator(3), s, trend(), REG)
    assert text.startswith("**BME staff were 1.03 times as likely as White staff to enter the formal "
                           "disciplinary process in 2023; down from 1.56 in 2016.**")
    assert "fall — on average 4.8% a year" in text
    assert "statistically significant and is an improvement" in text


def test_survey_headline_names_survey_year_and_white_comparator():
    s = pd.concat([series(6, "bme_pct", [2016, 2024], [27.0, 24.9], "percent"),
                   series(6, "white_pct", [2024], [20.7], "percent")])
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
    s = pd.concat([series(9, "bme_board_pct", [2016, 2024], [7.1, 16.5], "percent"),
                   series(9, "bme_workforce_pct", [2024], [28.6], "percent")])
    text = headline(REG.indicator(9), s, trend(verdict="improving"), REG)
    assert text.startswith("**16.5% of NHS trust board members were BME in 2024, compared with 28.6% of the "
                           "whole workforce; up from 7.1% in 2016.**")
