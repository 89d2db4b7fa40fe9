"""Where a figure stands, before its trend (issue 18): the level against the non-adverse range
or parity, read through the 95% interval; better or worse from the registry's directions;
how long; and the share and the gap of a representation indicator in one sentence.

Every expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres.kinds import kind_of
from wres.registry import load_registry
from wres.report.org_standing import better_or_worse, org_level
from wres.report.source_words import missing_national_words, report_for_year, source_note, transcription_note
from wres.report.standing import national_level, share_and_gap_sentence

ROOT = Path(__file__).resolve().parents[2]
REG = load_registry()
LIKELIHOOD = next(i for i in REG.indicators if i.non_adverse and kind_of(i, REG).value_direction() == "down")
KIND = kind_of(LIKELIHOOD, REG)
MINORITY = REG.standard.label(REG.standard.minority_group)


def _rows(*years_values_cis) -> pd.DataFrame:
    return pd.DataFrame([{"year": y, "value": v, "ci_low": lo, "ci_high": hi} for y, v, lo, hi in years_values_cis])


def test_a_small_organisations_wide_interval_is_too_uncertain_to_place():
    # 0.19 with 95% CI 0.01-3.19 covers the whole range 0.80-1.25: it cannot be placed, even
    # though the estimate alone lies below the range.
    level = org_level(KIND, _rows((2024, 0.19, 0.01, 3.19)))
    assert level.phrase() == "too uncertain to place"
    assert not level.adverse


def test_a_figure_whose_interval_lies_above_the_range_is_adverse_for_the_minority_group():
    # 2.00 with CI 1.64-2.45: the whole interval lies above 1.25. The registry's direction for
    # this likelihood is "down" (lower is better), so above the range is worse for the group
    # the ratio disadvantages.
    level = org_level(KIND, _rows((2023, 1.9, 1.5, 2.3), (2024, 2.00, 1.64, 2.45)))
    assert (
        level.phrase()
        == f"above the non-adverse range (0.80–1.25) in every year since 2023, worse for {MINORITY} staff"
    )
    assert level.adverse


def test_an_interval_reaching_into_the_range_is_only_probably_outside_and_the_run_counts_back():
    # 2022 within (0.9-1.2), 2023 above (1.3-1.6), 2024 1.39 with 1.11-1.74 (reaches into the
    # range): "probably above", and the run of years above began in 2023.
    level = org_level(KIND, _rows((2022, 1.0, 0.9, 1.2), (2023, 1.45, 1.3, 1.6), (2024, 1.39, 1.11, 1.74)))
    assert level.phrase().startswith("probably above the non-adverse range (0.80–1.25) since 2023")


def test_better_or_worse_follows_the_registry_direction_and_never_calls_a_figure_below_the_range_better():
    # Direction "down": significantly lower is better, higher is worse...
    assert better_or_worse(KIND, "higher", 1.5) == "worse"
    assert better_or_worse(KIND, "lower", 1.1) == "better"
    # ... but lower than England while below 0.80 is adverse the other way.
    assert better_or_worse(KIND, "lower", 0.6) == "worse"


def _series(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"indicator": i, "series": k, "report_year": y, "value": v, "unit": u, "testable": True}
            for i, k, y, v, u in rows
        ]
    )


def test_national_level_says_how_long_a_ratio_has_been_outside_the_range():
    key = LIKELIHOOD.headline_series
    # 1.57, 1.60, 1.45: all above 1.25 since 2016.
    s = _series([(LIKELIHOOD.id, key, y, v, "ratio") for y, v in ((2016, 1.57), (2017, 1.60), (2018, 1.45))])
    level = national_level(LIKELIHOOD, s, REG)
    assert level.phrase() == (
        f"above the non-adverse range (0.80–1.25) in every published year since 2016, worse for {MINORITY} staff"
    )


def test_the_share_and_the_gap_are_reconciled_in_one_sentence():
    ind = next(i for i in REG.indicators if i.comparison is not None and i.headline_series.endswith("gap"))
    gap = next(d for d in ind.derived if d.op == "gap")
    senior = ind.comparison.senior
    # Board share 7.1% -> 16.5%, workforce 17.7% -> 28.6%: gap -10.6 -> -12.1, wider.
    s = _series(
        [
            (ind.id, senior, 2016, 7.1, "percent"),
            (ind.id, senior, 2024, 16.5, "percent"),
            (ind.id, gap.key, 2016, 7.1 - 17.7, "percentage points"),
            (ind.id, gap.key, 2024, 16.5 - 28.6, "percentage points"),
        ]
    )
    text = share_and_gap_sentence(ind, s)
    assert "rose from 7.1% to 16.5% (2016–2024), but the gap to the whole workforce widened from 10.6 to 12.1" in text
    assert "12.1 points below the workforce's" in text


SOURCES = pd.DataFrame(
    [
        {
            "source": "https://hotel.example/copy",
            "source_outlet": "hotel.example",
            "kind": "mirror of a personal article",
            "publisher": "Someone, mirrored",
            "description": "A copy",
            "figures_for_report_years": "2023",
            "kind_rank": 11,
            "standing": "mirror",
        },
        {
            "source": "https://nhs.example/2024",
            "source_outlet": "nhs.example",
            "kind": "official",
            "publisher": "NHS England",
            "description": "WRES 2024 data analysis report for NHS trusts (long read)",
            "figures_for_report_years": "2024",
            "kind_rank": 0,
            "standing": "official",
        },
    ]
)


def test_a_mirror_is_named_as_one_and_a_cited_report_makes_a_missing_figure_untranscribed():
    assert source_note(SOURCES, "https://hotel.example/copy", "hotel.example") == (
        "hotel.example (mirror: a copy on an unrelated site)"
    )
    assert report_for_year(SOURCES, 2024) == "NHS England's WRES 2024 data analysis report for NHS trusts"
    # Short in each row (it repeats row after row); the report is named once, in the note.
    assert (
        missing_national_words(SOURCES, 2024, "WRES report 2024") == "England's figure not yet transcribed (see note)"
    )
    assert transcription_note(SOURCES, [2024, 2024]) == (
        "Not yet transcribed: England's figures for the WRES report 2024 are published in NHS England's WRES 2024 "
        "data analysis report for NHS trusts, which the book cites, but are not yet in its data. The rows that say "
        "so are not compared with England."
    )
    assert transcription_note(SOURCES, {2025}) == "" and transcription_note(SOURCES, set()) == ""
    # 2025's report is not cited: nothing claims it exists.
    assert missing_national_words(SOURCES, 2025, "WRES report 2025") == (
        "no national figure in the data for the WRES report 2025"
    )


def test_an_illustrative_figure_from_a_mirror_says_both_beside_the_headline_figure():
    from wres.report.landing_page import figure_flags

    key = LIKELIHOOD.headline_series
    series = _series([(LIKELIHOOD.id, key, 2023, 1.59, "ratio")]).assign(
        quality="illustrative", source="https://hotel.example/copy", source_outlet="hotel.example"
    )
    row = pd.Series({"series": key, "latest_year": 2023})
    flags = figure_flags(series, SOURCES, LIKELIHOOD, row, REG)
    assert flags.startswith("illustrative figure, not published by the source; ")
    assert "mirror copy on an unrelated site (hotel.example)" in flags
    # The registry keeps an illustrative figure out of every trend test.
    assert "illustrative" in REG.quality.excluded_from_tests


def test_a_percentage_of_one_group_only_is_not_placed_against_parity():
    # WDES metric 8 asks disabled staff alone: a percent (30.5%, CI 16.4-49.5) with no gap to
    # another group. Before, it was read against a ratio's parity (1.0) and called "better for
    # disabled staff than for non-disabled staff"; it has no comparison between the groups.
    wdes = load_registry(ROOT / "examples" / "wdes.yml")
    ind = next(i for i in wdes.indicators if i.code == "8")
    level = org_level(kind_of(ind, wdes), _rows((2024, 30.5, 16.4, 49.5)))
    assert (level.words, level.state) == ("no comparison between the groups", "none")
    # With the gap to the other group (WRES, two groups) the gap decides, as before: +6.0
    # points, CI +2.0 to +10.0, in a series where up is worse.
    pct = next(i for i in REG.indicators if kind_of(i, REG).name == "percentage" and i.trust.improvement == "down")
    row = {"year": 2024, "value": 30.0, "ci_low": 25.0, "ci_high": 35.0, "gap": 6.0, "gap_ci_low": 2.0}
    level = org_level(kind_of(pct, REG), pd.DataFrame([{**row, "gap_ci_high": 10.0}]))
    assert level.words == f"worse for {MINORITY} staff than for {REG.standard.label(REG.standard.majority_group)} staff"
