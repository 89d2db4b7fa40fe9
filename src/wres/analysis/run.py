"""Every results table of a build, computed from the validated inputs.

Inputs are validated before anything is written: a malformed file raises DataError and
leaves the results folder (and so the published site) as it was.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres.analysis import quality
from wres.analysis.changes import national_changes, org_changes
from wres.io import write_if_changed
from wres.config import (BREAKDOWNS_CSV, CHANGES_CSV, FIGURES_CSV, FITS_CSV, ORG_CHANGES_CSV, SERIES_CSV,
                     TRENDS_CSV, Paths)
from wres.inputs.national import load_breakdowns, load_national
from wres.analysis.national import national_trends, round_for_csv
from wres.registry import Registry
from wres.analysis.series import all_series
from wres.inputs.synthetic import SYNTHETIC_NOTE
from wres.analysis.organisations import analyse_trusts, remove_trust_results, write_trust_results
from wres.inputs.organisations import load_trust_folder


def analyse(paths: Paths, registry: Registry, results_dir: Path) -> dict[str, Path]:
    """Validate the inputs and write every results table. Raises DataError before writing
    anything if an input is malformed."""
    figures = load_national(paths.national_csv, registry)
    breakdowns = load_breakdowns(paths.breakdowns_csv, registry) if paths.breakdowns_csv.exists() else pd.DataFrame()
    series = all_series(figures, registry)
    trends, fits = national_trends(figures, registry)
    fit_rows = [f.assign(indicator=i, series=k) for (i, k), f in sorted(fits.items())]
    fits_df = pd.concat(fit_rows, ignore_index=True)[["indicator", "series", "year", "fitted", "ci_low", "ci_high"]] if fit_rows else pd.DataFrame()
    trusts = load_trust_folder(paths.trusts, registry)
    results_dir.mkdir(parents=True, exist_ok=True)
    out = {
        FIGURES_CSV: figures.drop(columns=["quality_flags"]),
        SERIES_CSV: series,
        TRENDS_CSV: trends,
        FITS_CSV: fits_df,
        BREAKDOWNS_CSV: breakdowns,
        CHANGES_CSV: national_changes(figures, registry, trends),
    }
    written = {}
    for name, df in out.items():
        written[name] = write_if_changed(results_dir / name, round_for_csv(df).to_csv(index=False, lineterminator="\n"))
    if len(trusts):
        tables = analyse_trusts(trusts, registry)
        source = "synthetic demonstration panel (wres demo)" if paths.demo else f"{paths.trusts.relative_to(paths.root)}"
        written.update(write_trust_results(tables, results_dir, synthetic=paths.demo, source=source,
                                           note=SYNTHETIC_NOTE if paths.demo else ""))
        org_change = org_changes(tables["trust_indicators"], registry)
    else:
        # Tables from an earlier build with organisation files must not linger on the pages.
        remove_trust_results(results_dir)
        org_change = pd.DataFrame()
    written[ORG_CHANGES_CSV] = write_if_changed(results_dir / ORG_CHANGES_CSV,
                                                 round_for_csv(org_change).to_csv(index=False, lineterminator="\n"))
    written.update(write_quality(figures, breakdowns, trusts, registry, results_dir))
    return written


def write_quality(figures: pd.DataFrame, breakdowns: pd.DataFrame, trusts: pd.DataFrame, registry: Registry,
                  results_dir: Path) -> dict[str, Path]:
    """The data quality tables: every row of every input, used or excluded with a reason."""
    status = pd.concat([quality.national_row_status(figures, registry), quality.breakdown_row_status(breakdowns),
                        quality.trust_row_status(trusts, registry)], ignore_index=True)
    tables = {
        "quality_accounts.csv": quality.account(status),
        "quality_reasons.csv": quality.exclusion_reasons(status),
        "quality_churn.csv": quality.organisation_churn(trusts),
        "quality_unknown_ethnicity.csv": quality.unknown_ethnicity(trusts),
    }
    return {name: write_if_changed(results_dir / name, df.to_csv(index=False, lineterminator="\n"))
            for name, df in tables.items()}



