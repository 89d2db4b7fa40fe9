"""wres.analysis.calibration: the recorded calibration run is read, checked and judged row
by row against what its ``expected`` label promises. The bounds below are worked out by
hand (3 Monte Carlo SE around the nominal rate; the funnel tolerances in the module)."""

from __future__ import annotations

import pandas as pd
import pytest

from wres import results
from wres.analysis.calibration import calibration_table, keeps_promise
from wres.errors import DataError

COLUMNS = [c for c in results.table("calibration").columns if c != "keeps_promise"]


def row(test="trend_ols", expected="nominal", rate=0.05, nominal=0.05, mc_se=0.01, n_sim=1000) -> dict:
    return {
        "test": test,
        "scenario": "null",
        "nominal": nominal,
        "false_alarm_rate": rate,
        "mc_se": mc_se,
        "power": float("nan"),
        "power_mc_se": float("nan"),
        "effect": 0.0,
        "n_sim": n_sim,
        "expected": expected,
    }


@pytest.mark.parametrize(
    ("expected", "rate", "keeps"),
    [
        # nominal 0.05, SE 0.01: kept when 0.02 <= rate <= 0.08
        ("nominal", 0.079, True),
        ("nominal", 0.021, True),
        ("nominal", 0.081, False),
        ("nominal", 0.019, False),
        # at most nominal + 3 SE = 0.08, however small
        ("at_most_nominal", 0.0, True),
        ("at_most_nominal", 0.079, True),
        ("at_most_nominal", 0.081, False),
    ],
)
def test_nominal_rows_are_judged_within_three_monte_carlo_se(expected, rate, keeps):
    assert keeps_promise(pd.Series(row(expected=expected, rate=rate))) is keeps


def test_a_zero_se_falls_back_to_the_binomial_se_at_the_nominal_rate():
    # sqrt(0.05 * 0.95 / 100) = 0.02179; 3 SE = 0.0654 > 0.05, so a rate of 0 is within reach.
    assert keeps_promise(pd.Series(row(rate=0.0, mc_se=0.0, n_sim=100))) is True
    # sqrt(0.05 * 0.95 / 10000) = 0.00218; 3 SE = 0.0065 < 0.05: a rate of 0 is too far.
    assert keeps_promise(pd.Series(row(rate=0.0, mc_se=0.0, n_sim=10000))) is False


@pytest.mark.parametrize(
    ("test", "rate", "keeps"),
    [
        ("funnel_additive_95_outside", 0.064, True),  # |0.064 - 0.05| = 0.014 <= 0.015
        ("funnel_additive_95_outside", 0.036, True),
        ("funnel_additive_95_outside", 0.066, False),
        ("funnel_additive_95_above", 0.034, True),  # |0.034 - 0.025| = 0.009 <= 0.01
        ("funnel_additive_95_below", 0.014, False),  # |0.014 - 0.025| = 0.011
        ("funnel_additive_998_outside", 0.008, True),  # at most 0.008
        ("funnel_additive_998_outside", 0.0085, False),
        ("funnel_additive_998_above", 0.0065, False),  # at most 0.006
        ("funnel_additive_99_outside", 0.01, True),  # no tolerance named: at most the nominal 0.01
        ("funnel_additive_99_outside", 0.011, False),
    ],
)
def test_funnel_rows_are_judged_against_the_funnel_tolerances(test, rate, keeps):
    # The SE is deliberately huge: funnel rows must not be judged by 3 SE.
    r = row(test=test, expected="approximately_nominal", rate=rate, nominal=0.01, mc_se=0.5)
    assert keeps_promise(pd.Series(r)) is keeps


def test_rows_that_promise_nothing_are_na():
    assert keeps_promise(pd.Series(row(expected="informative", rate=0.9))) is pd.NA
    assert keeps_promise(pd.Series(row(expected="anti_conservative", rate=0.9))) is pd.NA


def test_a_recorded_run_is_read_and_judged(tmp_path):
    path = tmp_path / "data" / "calibration.csv"
    path.parent.mkdir()
    rows = [row(rate=0.05), row(rate=0.2), row(expected="informative")]
    # Columns in another order, and one the catalogue does not know: both are tolerated.
    pd.DataFrame(rows)[list(reversed(COLUMNS))].assign(extra=1).to_csv(path, index=False)
    got = calibration_table(path, tmp_path)
    assert list(got.columns) == [*COLUMNS, "keeps_promise"]
    assert str(got["keeps_promise"].dtype) == "boolean"
    assert got["keeps_promise"].tolist() == [True, False, pd.NA]


def test_no_recorded_run_is_an_empty_table_with_the_catalogue_columns(tmp_path):
    got = calibration_table(tmp_path / "data" / "calibration.csv", tmp_path)
    assert got.empty and list(got.columns) == list(results.table("calibration").columns)


def test_a_file_without_a_catalogue_column_names_the_file_and_each_missing_column(tmp_path):
    path = tmp_path / "data" / "calibration.csv"
    path.parent.mkdir()
    pd.DataFrame([row()]).drop(columns=["mc_se", "expected"]).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        calibration_table(path, tmp_path)
    problems = err.value.problems
    assert sorted(p.column for p in problems) == ["expected", "mc_se"]
    assert {p.file for p in problems} == {"data/calibration.csv"} and {p.line for p in problems} == {1}
