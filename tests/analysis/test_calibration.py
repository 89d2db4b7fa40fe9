"""wres.analysis.calibration: the recorded calibration run is read, checked and judged row
by row against what its ``expected`` label promises. The bounds below are worked out by
hand from issue 16's pass rule: each side within 1.5 x nominal (or 3 Monte Carlo SE where
wider), 5 +/- 1.5 points outside the 95% funnel limits, the 99.8% limits at most 2 x nominal,
discrete tests at most nominal + 3 SE."""

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
        "used_by_book": True,
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
    ("test", "nominal", "rate", "keeps"),
    [
        ("funnel_additive_95_outside", 0.05, 0.064, True),  # 5 +/- 1.5 points
        ("funnel_additive_95_outside", 0.05, 0.036, True),
        ("funnel_additive_95_outside", 0.05, 0.066, False),
        ("funnel_additive_95_above", 0.025, 0.037, True),  # 0.025 / 1.5 = 0.0167 to 1.5 x 0.025 = 0.0375
        ("funnel_additive_95_above", 0.025, 0.038, False),
        ("funnel_additive_95_below", 0.025, 0.017, True),
        ("funnel_additive_95_below", 0.025, 0.016, False),
        ("funnel_additive_998_outside", 0.002, 0.0039, True),  # at most 2 x 0.002
        ("funnel_additive_998_outside", 0.002, 0.0041, False),
        ("funnel_additive_998_above", 0.001, 0.0019, True),  # at most 2 x 0.001
        ("funnel_additive_998_above", 0.001, 0.0021, False),
    ],
)
def test_funnel_rows_are_judged_by_the_issue_rule(test, nominal, rate, keeps):
    # A small SE, so the rule's fixed bounds decide (3 SE widen them only where wider).
    r = row(test=test, expected="approximately_nominal", rate=rate, nominal=nominal, mc_se=0.0001)
    assert keeps_promise(pd.Series(r)) is keeps


def test_three_monte_carlo_se_widen_the_bounds_where_wider():
    # nominal 0.001, SE 0.001: 0.001 + 3 x 0.001 = 0.004 > 2 x 0.001.
    r = row(test="funnel_additive_998_above", expected="approximately_nominal", rate=0.0039, nominal=0.001, mc_se=0.001)
    assert keeps_promise(pd.Series(r)) is True


def test_informative_rows_promise_nothing_and_the_rest_are_judged():
    assert keeps_promise(pd.Series(row(expected="informative", rate=0.9))) is pd.NA
    # Rows shown as anti-conservative or expected to break are judged by the same rule, and fail.
    assert keeps_promise(pd.Series(row(expected="anti_conservative", rate=0.9))) is False
    assert keeps_promise(pd.Series(row(expected="breaks", rate=0.2))) is False


def test_a_recorded_run_is_read_and_judged(tmp_path):
    path = tmp_path / "data" / "calibration.csv"
    path.parent.mkdir()
    rows = [row(rate=0.05), row(rate=0.2), row(expected="informative")]
    # Columns in another order, and one the catalogue does not know: both are tolerated.
    pd.DataFrame(rows)[list(reversed(COLUMNS))].assign(extra=1).to_csv(path, index=False)
    got = calibration_table(path, tmp_path)
    assert list(got.columns) == list(results.table("calibration").columns)  # the catalogue's order
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
