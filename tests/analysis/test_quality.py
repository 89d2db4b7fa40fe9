"""wres.analysis.quality: every input row is used or excluded with a reason, the accounts
add up (read = used + excluded), and organisations appearing or disappearing are named.
Small hand-made frames; the expected values are counted by hand from them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wres.analysis.quality import (
    ACCOUNT_COLUMNS,
    account,
    breakdown_row_status,
    exclusion_reasons,
    national_row_status,
    organisation_churn,
    trust_row_status,
    unknown_ethnicity,
)
from wres.registry import load_registry

CONTEXT = "context figure: not part of a charted series (shown in its chapter's table)"
NOT_STATED = "ethnicity not stated: left out of both groups"


@pytest.fixture(scope="module")
def registry(fixtures):
    # The fictional second standard: groups grp_a, grp_b and unknown; conflicting_sources and
    # needs_checking keep a figure out of the trend tests, rounded does not.
    return load_registry(fixtures / "second_registry" / "registry.yml")


def national(indicator, measure, group, quality, testable, line):
    return {
        "source_file": "national.csv",
        "source_line": line,
        "indicator": indicator,
        "measure": measure,
        "group": group,
        "report_year": 2020,
        "value": 1.0,
        "quality": quality,
        "testable": testable,
    }


def test_national_rows_used_excluded_from_tests_or_context(registry):
    figures = pd.DataFrame(
        [
            national(1, "Group A staff as % of all staff", "grp_a", "as_published", True, 2),
            national(1, "Group A staff as % of all staff", "grp_a", "rounded;conflicting_sources", False, 3),
            national(3, "% staff who feel valued", "grp_b", "needs_checking;conflicting_sources", False, 4),
            national(2, "Share of staff who like Mondays", "ratio", "as_published", True, 5),
        ]
    )
    got = national_row_status(figures, registry)
    assert got["status"].tolist() == ["used", "excluded", "excluded", "excluded"]
    assert got["reason"].tolist() == [
        "",
        # Only the flags that exclude are named, in the order the figure lists them.
        "charted but excluded from trend tests: quality flag conflicting_sources",
        "charted but excluded from trend tests: quality flag needs_checking, conflicting_sources",
        CONTEXT,
    ]
    assert got["source_line"].tolist() == [2, 3, 4, 5]


def test_breakdown_rows_charted_only_for_regional_ratios_of_a_report_year():
    rows = [
        ("region", "London", "2020", "ratio"),  # charted
        ("region", "London", "2019/20", "ratio"),  # not a report year
        ("org_type", "acute", "2020", "ratio"),  # not a region
        ("region", "London", "2020", "percent"),  # not a ratio
        ("org_type", "acute", "2019/20", "percent"),  # both: the year label is named
    ]
    breakdowns = pd.DataFrame(
        [
            {
                "source_file": "breakdowns.csv",
                "source_line": i + 2,
                "dimension": d,
                "category": c,
                "indicator": 2,
                "year": y,
                "value": 1.2,
                "unit": u,
            }
            for i, (d, c, y, u) in enumerate(rows)
        ]
    )
    got = breakdown_row_status(breakdowns)
    year = "year label is not a report year (shown as published, not charted)"
    table = "context figure: shown in the data tables, not charted"
    assert got["reason"].tolist() == ["", year, table, table, year]
    assert got["status"].tolist() == ["used", "excluded", "excluded", "excluded", "excluded"]


def trust(group, numerator, denominator, percent=np.nan, missing_reason="", line=2, org="ZQ1", year=2020):
    return {
        "source_file": "orgs.csv",
        "source_line": line,
        "year": year,
        "org_code": org,
        "indicator": 2,
        "band": "",
        "group": group,
        "numerator": numerator,
        "denominator": denominator,
        "percent": percent,
        "missing_reason": missing_reason,
    }


def test_organisation_rows_missing_or_not_stated_are_excluded_with_their_reason(registry):
    trusts = pd.DataFrame(
        [
            trust("grp_a", 5, 100, line=2),
            trust("grp_b", np.nan, 50, percent=40.0, line=3),  # a survey percent stands for the count
            trust("unknown", 2, 10, line=4),
            trust("grp_a", 5, np.nan, missing_reason="suppressed", line=5),
            trust("grp_b", np.nan, 50, missing_reason="", line=6),
            trust("unknown", np.nan, np.nan, missing_reason="suppressed", line=7),  # missing is named first
        ]
    )
    got = trust_row_status(trusts, registry)
    assert got["reason"].tolist() == [
        "",
        "",
        NOT_STATED,
        "missing: suppressed",
        "missing: no value given",
        "missing: suppressed",
    ]
    assert got["status"].tolist() == ["used", "used", "excluded", "excluded", "excluded", "excluded"]


def test_empty_inputs_give_empty_tables_with_their_columns(registry):
    assert list(trust_row_status(pd.DataFrame(), registry).columns) == [
        "source_file",
        "source_line",
        "status",
        "reason",
    ]
    assert list(breakdown_row_status(pd.DataFrame()).columns) == ["source_file", "source_line", "status", "reason"]
    assert list(account(pd.DataFrame()).columns) == ACCOUNT_COLUMNS
    assert list(organisation_churn(pd.DataFrame()).columns) == ["year", "organisations", "appeared", "disappeared"]


def status(file, state, reason=""):
    return {"source_file": file, "status": state, "reason": reason}


def test_accounts_count_read_used_and_excluded_per_file_and_excluded_by_reason():
    rows = pd.DataFrame(
        [
            status("a.csv", "used"),
            status("a.csv", "excluded", "context"),
            status("b.csv", "excluded", "missing: suppressed"),
            status("a.csv", "used"),
            status("b.csv", "excluded", "missing: suppressed"),
            status("a.csv", "excluded", "missing: suppressed"),
        ]
    )
    got = account(rows)
    assert got.to_dict("records") == [
        {"file": "a.csv", "rows_read": 4, "rows_used": 2, "rows_excluded": 2},
        {"file": "b.csv", "rows_read": 2, "rows_used": 0, "rows_excluded": 2},
    ]
    reasons = exclusion_reasons(rows)
    assert reasons.to_dict("records") == [
        {"file": "a.csv", "reason": "context", "rows": 1},
        {"file": "a.csv", "reason": "missing: suppressed", "rows": 1},
        {"file": "b.csv", "reason": "missing: suppressed", "rows": 2},
    ]
    assert exclusion_reasons(pd.DataFrame([status("a.csv", "used")])).empty


def test_churn_names_organisations_appearing_and_disappearing_between_years():
    trusts = pd.DataFrame(
        [
            trust("grp_a", 1, 2, org="ZQ1", year=2021),
            trust("grp_a", 1, 2, org="ZQ2", year=2020),
            trust("grp_b", 1, 2, org="ZQ2", year=2021),
            trust("grp_a", 1, 2, org="ZQ2", year=2021),  # one organisation, several rows
            trust("grp_a", 1, 2, org="ZQ3", year=2020),
            trust("grp_a", 1, 2, org="ZQ4", year=2021),
            trust("grp_a", 1, 2, org="ZQ1", year=2022),
        ]
    )
    assert organisation_churn(trusts).to_dict("records") == [
        {"year": 2020, "organisations": 2, "appeared": "", "disappeared": ""},
        {"year": 2021, "organisations": 3, "appeared": "ZQ1, ZQ4", "disappeared": "ZQ3"},
        {"year": 2022, "organisations": 1, "appeared": "", "disappeared": "ZQ2, ZQ4"},
    ]


def test_unknown_ethnicity_sums_the_not_stated_counts_by_year_indicator_and_band():
    trusts = pd.DataFrame(
        [
            trust("unknown", 2, 10, org="ZQ1"),
            trust("unknown", 3, 20, org="ZQ2"),
            trust("grp_a", 7, 10, org="ZQ1"),
            trust("unknown", 4, 40, org="ZQ1", year=2021),
        ]
    )
    got = unknown_ethnicity(trusts)
    assert got[["year", "indicator", "not_stated", "all_in_denominator"]].to_dict("records") == [
        {"year": 2020, "indicator": 2, "not_stated": 5, "all_in_denominator": 30},
        {"year": 2021, "indicator": 2, "not_stated": 4, "all_in_denominator": 40},
    ]
    assert unknown_ethnicity(trusts[trusts["group"] != "unknown"]).empty
