"""The results catalogue: every file a build writes to ``results/``, named once with its columns.

The analysis layer is the only writer of these files; the report layer reads them through
:func:`read` and nothing else, so one rule decides what counts as missing. The columns are
the results contract documented in ``data/README.md`` (section "Results"): add columns,
never rename them.

Missing values: only an empty cell is missing. A value such as ``NA`` or ``None`` (an
organisation may be called that) stays text. Columns listed in ``text`` are read as text,
keep leading zeros, and an empty text cell reads as ``""``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

#: A national trend test's own figures, in the order tables show them (the trend tests of a
#: chapter's analysis cells put them after the series, family and method).
TREND_TEST_COLUMNS = (
    "n_years",
    "slope",
    "slope_unit",
    "slope_ci_low",
    "slope_ci_high",
    "p_value",
    "q_value",
    "mk_s",
    "mk_p",
)


@dataclass(frozen=True)
class Table:
    """One results file: ``key`` is how code names it, ``file`` its name in ``results/``."""

    key: str
    file: str
    columns: tuple[str, ...]
    description: str
    text: tuple[str, ...] = ()
    booleans: tuple[str, ...] = field(default=())


_ORG_TEXT = (
    "org_code",
    "org_name",
    "region",
    "org_type",
    "band",
    "measure",
    "unit",
    "note",
    "level",
    "category",
    "funnel_position_95",
    "funnel_position_998",
    "tested",
    "improvement",
    "verdict",
    "transform",
)
# Read as text wherever a national table has them (alphabetical: a set, not an order).
_NATIONAL_TEXT = tuple(
    sorted(("category", "dimension", "group", "kind", "label", "measure", "note", "period_label", "quality"))
    + sorted(("series", "source", "source_file", "source_outlet", "unit"))
)

#: A sidecar's fields as text, then the md5 it records and the file's own.
_PROVENANCE_TEXT = (
    "file",
    "title",
    "description",
    "compiled",
    "method",
    "producer",
    "licence",
    "date_accessed",
    "md5_recorded",
    "md5_actual",
)

#: Text columns of national_trends, in the order they stand after ``tests_agree``.
_TREND_TEXT = (
    "slope_unit",
    "verdict",
    "verdict_note",
    "improvement",
    "transform",
    "excluded_years",
    "years_used",
    "method",
    "family",
)

#: A published national figure with its input file and line (national_figures, national_context).
_FIGURE_COLUMNS = (
    "indicator",
    "measure",
    "group",
    "period_label",
    "report_year",
    "survey_year",
    "value",
    "unit",
    "source",
    "source_outlet",
    "note",
    "quality",
    "source_file",
    "source_line",
    "testable",
)

#: An indicator's value and interval, and the gap between the groups with its interval.
VALUE_COLUMNS = ("value", "ci_low", "ci_high", "gap", "gap_ci_low", "gap_ci_high")

#: Counts, rates and intervals of both groups, the indicator's value and the gap: the same in
#: the per-organisation and the pooled tables.
_RATE_COLUMNS = tuple(
    f"{q}_{g}{s}"
    for g in ("bme", "white")
    for q, s in (("numerator", ""), ("denominator", ""), ("rate", ""), ("rate", "_ci_low"), ("rate", "_ci_high"))
) + (
    "workforce_rate_bme",
    "workforce_rate_bme_ci_low",
    "workforce_rate_bme_ci_high",
    "value",
    "ci_low",
    "ci_high",
    "gap",
    "gap_ci_low",
    "gap_ci_high",
)


def _org_table(key: str, file: str, columns: tuple[str, ...], description: str) -> Table:
    """An organisation-layer table whose text columns are the usual ones."""
    return Table(key, file, columns, description, text=_ORG_TEXT)


TABLES: tuple[Table, ...] = (
    Table(
        "national_figures",
        "national_figures.csv",
        _FIGURE_COLUMNS,
        "The validated national input, one row a published figure, with its input file and line.",
        text=_NATIONAL_TEXT,
    ),
    Table(
        "national_series",
        "national_series.csv",
        (
            "indicator",
            "series",
            "label",
            "group",
            "kind",
            "report_year",
            "survey_year",
            "value",
            "unit",
            "quality",
            "testable",
            "source",
            "source_outlet",
            "source_file",
            "source_line",
            "note",
        ),
        "Every registry series, observed and derived, one row a year; note: the input row's note "
        "(a derived figure's: both rows' notes).",
        text=_NATIONAL_TEXT,
    ),
    Table(
        "national_trends",
        "national_trends.csv",
        (
            "indicator",
            "series",
            "label",
            "group",
            "first_year",
            "last_year",
            *TREND_TEST_COLUMNS,
            "sen_slope",
            "sen_ci_low",
            "sen_ci_high",
            "min_detectable_slope",
            "verdict",
            "tests_agree",
            *_TREND_TEXT[2:],
            "mk_q",
            "fitted_first",
            "fitted_last",
            "min_detectable_slope_family",
            "q_value_ar1_03",
            "q_value_ar1_05",
            "verdict_if_correlated",
        ),
        "One row per tested national series: slope, intervals (1 - alpha of the registry's trend_tests, 95% by "
        "default; not adjusted for multiple comparisons), "
        "tests (method: ols, or gls_rolling_2 for two-year rolling averages), the multiple-comparison family "
        "(headline or context), q-values of both tests within it, and the verdict.",
        text=(*_NATIONAL_TEXT, *_TREND_TEXT, "verdict_if_correlated"),
    ),
    Table(
        "national_fits",
        "national_fits.csv",
        ("indicator", "series", "year", "fitted", "ci_low", "ci_high"),
        "The fitted trend line and its 1 - alpha (95% by default) band on the natural scale, for each tested series.",
        text=("series",),
    ),
    Table(
        "national_context",
        "national_context.csv",
        _FIGURE_COLUMNS,
        "Published national figures in no registry series (wres.analysis.series.membership): shown in their "
        "indicator's chapter as a table, never charted or tested. Same columns as national_figures.",
        text=_NATIONAL_TEXT,
    ),
    Table(
        "breakdowns",
        "breakdowns.csv",
        (
            "dimension",
            "category",
            "indicator",
            "measure",
            "group",
            "year",
            "value",
            "unit",
            "source",
            "source_outlet",
            "note",
            "report_year",
            "source_file",
            "source_line",
        ),
        "Published breakdowns (regions, organisation types), for context only.",
        text=(*_NATIONAL_TEXT, "year"),
    ),
    Table(
        "national_summary",
        "national_summary.csv",
        (
            "indicator",
            "series",
            "label",
            "unit",
            "n_years",
            "first_year",
            "first_value",
            "latest_year",
            "latest_value",
            "change",
            "comparison_value",
            "workforce_value",
            "verdict",
            "senior_value",
        ),
        "One row per indicator for its headline series: first and latest figure that can enter the trend test "
        "(one per report year, the first published), change = latest - first in the series' unit, the majority "
        "group's figure in the latest year (indicators with a comparison phrase), the workforce and senior-group "
        "figures (indicators with a comparison), and the trend verdict ('too few years' when not tested).",
        text=("series", "label", "unit", "verdict"),
    ),
    Table(
        "provenance_files",
        "provenance_files.csv",
        (*_PROVENANCE_TEXT, "md5_ok", "rows"),
        "Every raw input file with a sidecar (*.meta.yml under data/raw): the sidecar's fields, the md5 it "
        "records, the file's actual md5, whether they match, and its data rows (CSV only). file is relative "
        "to the repository root.",
        text=_PROVENANCE_TEXT,
        booleans=("md5_ok",),
    ),
    Table(
        "sources",
        "sources.csv",
        (
            "source",
            "source_outlet",
            "kind",
            "publisher",
            "description",
            "figures_for_report_years",
            "n_figures",
            "kind_rank",
            "standing",
        ),
        "Every cited source page as classified in wres_sources.csv, with n_figures: the national and "
        "breakdown rows citing it; kind_rank: the kind's place, most direct first; standing: official, "
        "secondary or mirror (a copy on an unrelated site).",
        text=("source", "source_outlet", "kind", "publisher", "description", "figures_for_report_years", "standing"),
    ),
    Table(
        "national_changes",
        "national_changes.csv",
        (
            "indicator",
            "series",
            "label",
            "unit",
            "latest_year",
            "latest_value",
            "previous_year",
            "previous_value",
            "change",
            "change_unit",
            "verdict_before",
            "verdict_now",
            "verdict_changed",
            "note",
        ),
        "Each series' latest figure against its previous one, and its verdict with and without the latest year.",
        text=("series", "label", "unit", "change_unit", "verdict_before", "verdict_now", "note"),
    ),
    Table(
        "organisation_changes",
        "trust_changes.csv",
        (
            "org_code",
            "org_name",
            "indicator",
            "band",
            "previous_year",
            "value_prev",
            "latest_year",
            "value",
            "change",
            "change_unit",
            "p_value",
            "q_value",
            "significant",
            "scale",
            "estimate",
            "estimate_ci_low",
            "estimate_ci_high",
            "dispersion",
            "test",
            "note",
            "national_change",
            "relative_change",
            "change_tau2",
        ),
        "Each organisation's latest figure against its previous year, tested on its own scale (estimate in "
        "`scale` units: log ratio, or percentage points), overdispersion or design effect in `dispersion`, "
        "with BH across organisations. The test is of the change beyond the change all organisations share "
        "(`national_change`, `relative_change`, both in `change_unit`) against ordinary year-to-year movement "
        "between organisations (`change_tau2`, on `scale`).",
        text=(*_ORG_TEXT, "change_unit", "scale", "test"),
        booleans=("significant",),
    ),
    Table(
        "quality_accounts",
        "quality_accounts.csv",
        ("file", "rows_read", "rows_used", "rows_excluded"),
        "Per input file: rows read = rows used + rows excluded.",
        text=("file",),
    ),
    Table(
        "quality_reasons",
        "quality_reasons.csv",
        ("file", "reason", "rows"),
        "Excluded rows by input file and reason.",
        text=("file", "reason"),
    ),
    Table(
        "quality_churn",
        "quality_churn.csv",
        ("year", "organisations", "appeared", "disappeared"),
        "Organisations in the organisation files each year, and those joining and leaving.",
        text=("appeared", "disappeared"),
    ),
    Table(
        "quality_unknown_ethnicity",
        "quality_unknown_ethnicity.csv",
        ("year", "indicator", "band", "not_stated", "all_in_denominator"),
        "Staff whose ethnicity is not stated, by year and indicator.",
        text=("band",),
    ),
    Table(
        "organisation_indicators",
        "trust_indicators.csv",
        (
            "year",
            "org_code",
            "org_name",
            "region",
            "org_type",
            "indicator",
            "band",
            "measure",
            "unit",
            *_RATE_COLUMNS,
            "funnel_precision",
            "funnel_z",
            "funnel_position_95",
            "funnel_position_998",
            "in_non_adverse_range",
            "note",
            "funnel_method",
            "funnel_p",
            "funnel_exact",
            "expected_members",
            "parity_expected",
            "parity_p",
            "parity_position_95",
            "parity_position_998",
            "workforce_numerator_bme",
            "workforce_denominator_bme",
        ),
        "One row per organisation, year and indicator: counts, rates, intervals and funnel position "
        "(funnel_method, two-sided funnel_p, funnel_exact for rows placed by an exact test; representation "
        "indicators: exact binomial national-ratio view in funnel_*, expected_members, and the parity view "
        "in parity_*).",
        text=(*_ORG_TEXT, "funnel_method", "parity_position_95", "parity_position_998"),
        booleans=("in_non_adverse_range", "funnel_exact"),
    ),
    Table(
        "organisation_trends",
        "trust_trends.csv",
        (
            "org_code",
            "org_name",
            "indicator",
            "band",
            "tested",
            "improvement",
            "n_years",
            "slope",
            "slope_ci_low",
            "slope_ci_high",
            "or_change_pct_per_year",
            "p_value",
            "q_value",
            "dispersion",
            "verdict",
            "note",
            "first_year",
            "last_year",
            "fitted_first",
            "fitted_last",
            "parity_code",
        ),
        "Per organisation and indicator: is the gap between the groups changing (quasi-binomial GLM); the "
        "verdict judges the fitted odds ratio at the first and last year against parity (wres.stats.parity).",
        text=_ORG_TEXT,
    ),
    Table(
        "organisation_aggregates",
        "trust_aggregates.csv",
        (
            "level",
            "category",
            "year",
            "indicator",
            "band",
            "n_orgs",
            "measure",
            "unit",
            *_RATE_COLUMNS,
            "note",
        ),
        "Pooled figures of all organisations, and by region and organisation type.",
        text=_ORG_TEXT,
    ),
    _org_table(
        "organisation_share_in_range",
        "trust_share_in_range.csv",
        ("indicator", "year", "low", "high", "n_orgs", "n_in_range", "share", "n_not_estimable"),
        "Share of organisations inside the non-adverse range, by indicator and year.",
    ),
    Table(
        "organisation_funnel_fits",
        "trust_funnel_fits.csv",
        (
            "indicator",
            "year",
            "transform",
            "target",
            "target_transformed",
            "phi",
            "tau2",
            "n_orgs",
            "overdispersion",
            "note",
            "method",
            "n_exact",
            "min_orgs",
            "fitted",
        ),
        "Per indicator and year: the funnel's target, dispersion and between-organisation variance; method "
        "(additive, multiplicative, none, funnelplotr, exact_binomial), rows placed by an exact test, the "
        "fewest organisations for a funnel, and whether one was fitted.",
        text=(*_ORG_TEXT, "method"),
        booleans=("overdispersion", "fitted"),
    ),
    _org_table(
        "organisation_funnel_limits",
        "trust_funnel_limits.csv",
        ("indicator", "year", "precision", "target", "ll95", "ul95", "ll998", "ul998"),
        "The funnel limit curves on a grid of precision.",
    ),
    _org_table(
        "organisations",
        "trust_orgs.csv",
        ("org_code", "org_name", "region", "org_type", "first_year", "last_year", "n_years"),
        "One row per organisation in the organisation files.",
    ),
    Table(
        "organisation_versus_national",
        "trust_versus_national.csv",
        (
            "year",
            "org_code",
            "org_name",
            "indicator",
            "band",
            "series",
            "unit",
            "value",
            "ci_low",
            "ci_high",
            "national_value",
            "test",
            "z",
            "p_value",
            "comparison",
            "note",
            "tau2",
            "tau2_source",
        ),
        "Every organisation-year against the published national figure of the same report year and indicator "
        "(national_series; the national figure treated as fixed), allowing for the ordinary spread between "
        "organisations (tau2, on the funnel's scale, and where it came from): comparison is higher, lower, "
        "not_significant or not_estimable.",
        text=(*_ORG_TEXT, "series", "test", "comparison", "tau2_source"),
    ),
    Table(
        "calibration",
        "calibration.csv",
        (
            "test",
            "scenario",
            "nominal",
            "false_alarm_rate",
            "mc_se",
            "power",
            "power_mc_se",
            "effect",
            "n_sim",
            "expected",
            "keeps_promise",
            "used_by_book",
        ),
        "The calibration harness (wres.calibration): per test and simulated world, the stated and observed "
        "false-alarm rates with their Monte Carlo SE, and power, from data/calibration/calibration.csv; "
        "keeps_promise: whether the rate keeps the pass rule for its stated rate (empty for rows that only "
        "describe); expected `breaks` marks a world where the test is known to fail it; used_by_book: whether "
        "the book uses the test (False for options and for tests kept only for comparison).",
        text=("test", "scenario", "effect", "expected"),
        booleans=("keeps_promise", "used_by_book"),
    ),
)

BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}

#: Written with the organisation tables: whether they are synthetic, their source, settings.
ORGANISATION_META = "trust_meta.json"
#: How a page's ``READS`` names :data:`ORGANISATION_META` (read with :func:`read_meta`).
ORGANISATION_META_KEY = "organisation_meta"

#: The ``category`` of the national rows of ``organisation_aggregates`` (all organisations pooled).
ALL_ORGANISATIONS = "All organisations"

#: The organisation-layer tables (absent when a build has no organisation files).
ORGANISATION_TABLES: tuple[str, ...] = tuple(
    t.key for t in TABLES if t.file.startswith("trust_") and t.key != "organisation_changes"
)


#: The group codes the catalogue spells its per-group columns with (``rate_bme``): the WRES
#: registry's minority and majority codes. A standard with other codes writes its own.
CATALOGUE_GROUPS = ("bme", "white")


def group_columns(key: str, minority: str, majority: str) -> list[str]:
    """A table's columns with its per-group suffixes spelt with ``minority``/``majority``."""
    a, b = CATALOGUE_GROUPS
    return [
        re.sub(rf"_{a}(?=_|$)", f"_{minority}", re.sub(rf"_{b}(?=_|$)", f"_{majority}", c)) for c in table(key).columns
    ]


def table(key: str) -> Table:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"no results table {key!r} in the catalogue (wres.results.TABLES)") from None


def path(results_dir: str | Path, key: str) -> Path:
    return Path(results_dir) / table(key).file


def files(keys: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """File names of the given tables (what a page's hash must follow); the key
    :data:`ORGANISATION_META_KEY` names :data:`ORGANISATION_META`."""
    return tuple(ORGANISATION_META if k == ORGANISATION_META_KEY else table(k).file for k in keys)


def read(results_dir: str | Path, key: str) -> pd.DataFrame:
    """One results table as a frame (an absent or empty file gives an empty frame).

    Reads are cached on the file's path, size and modification time: profile pages run one
    after another in a reused kernel and would otherwise re-parse the same large tables."""
    p = path(results_dir, key).resolve()
    try:
        st = p.stat()
    except FileNotFoundError:
        return pd.DataFrame()
    return _read_cached(str(p), key, st.st_mtime_ns, st.st_size).copy()


@lru_cache(maxsize=32)
def _read_cached(p: str, key: str, _mtime: int, size: int) -> pd.DataFrame:
    t = table(key)
    if size == 0:
        return pd.DataFrame()
    try:
        # Boolean columns are read as text and mapped below: inferred, a long table's are read
        # in chunks that can disagree (pandas' mixed-types warning at 2,000 organisations).
        text = {c: str for c in (*t.text, *t.booleans)}
        df = pd.read_csv(p, keep_default_na=False, na_values=[""], dtype=text)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    for c in t.text:
        if c in df.columns:
            df[c] = df[c].fillna("").astype(str)
    for c in t.booleans:
        if c in df.columns:
            df[c] = df[c].map({True: True, False: False, "True": True, "False": False}).astype("boolean")
    return df


def read_meta(results_dir: str | Path) -> dict:
    """``trust_meta.json`` as a dict; ``{}`` when absent or unreadable."""
    try:
        return json.loads((Path(results_dir) / ORGANISATION_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
