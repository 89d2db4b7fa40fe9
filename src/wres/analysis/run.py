"""Every results table of a build, computed from the validated inputs.

Inputs are validated before anything is written: a malformed file raises DataError and
leaves the results folder (and so the published site) as it was. Every table is written
to the file the results catalogue (``wres.results``) names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres import results as catalogue
from wres.analysis import quality
from wres.analysis.calibration import calibration_table
from wres.analysis.changes import national_changes, org_changes
from wres.analysis.national import national_trends
from wres.analysis.organisation_results import remove_trust_results, write_trust_results
from wres.analysis.organisations import analyse_trusts
from wres.analysis.provenance import sources_table
from wres.analysis.series import all_series, context_figures
from wres.analysis.summary import national_summary
from wres.config import Paths
from wres.inputs.load import Inputs, load_inputs
from wres.inputs.sidecars import COLUMNS as SIDECAR_COLUMNS
from wres.inputs.sidecars import SIDECAR_SUFFIX, read_sidecar, read_sidecars
from wres.inputs.synthetic import SYNTHETIC_NOTE
from wres.io import write_csv
from wres.registry import Registry

FIT_COLUMNS = ["indicator", "series", "year", "fitted", "ci_low", "ci_high"]


def _fits_table(fits: dict) -> pd.DataFrame:
    rows = [f.assign(indicator=i, series=k) for (i, k), f in sorted(fits.items())]
    return pd.concat(rows, ignore_index=True)[FIT_COLUMNS] if rows else pd.DataFrame()


def _own_sidecars(paths: Paths) -> pd.DataFrame:
    """The sidecars of a second standard's own input files. The recorded calibration run is
    the package's, described in the WRES book's words: its own chapter (the calibration page)
    presents it in each standard's build."""
    own = sorted({paths.national_csv, paths.breakdowns_csv, paths.sources_csv})
    metas = [f.with_name(f.name + SIDECAR_SUFFIX) for f in own]
    # Files are named from the repository root; a published folder outside it (--published) by name.
    base = paths.root if paths.published.resolve().is_relative_to(paths.root.resolve()) else paths.published
    out = pd.DataFrame([read_sidecar(m, base) for m in metas if m.is_file()], columns=list(SIDECAR_COLUMNS))
    out["rows"] = out["rows"].astype("Int64")
    return out


def analyse(paths: Paths, registry: Registry, results_dir: Path, inputs: Inputs | None = None) -> dict[str, Path]:
    """Validate the inputs (unless ``inputs``, from :func:`wres.inputs.load.load_inputs`, were
    read and validated already) and write every results table. Raises DataError before
    writing anything if an input is malformed. Returns file name -> path of every file written."""
    figures, breakdowns, trusts, sources = inputs if inputs is not None else load_inputs(paths, registry)
    # Every sidecar under data/: the raw inputs and the recorded calibration run; a second
    # standard's build describes its own input files only.
    sidecars = read_sidecars(paths.data, paths.root) if paths.standard is None else _own_sidecars(paths)
    series = all_series(figures, registry)
    trends, fits = national_trends(figures, registry, series)
    published = figures.drop(columns=["quality_flags"])
    tables = {
        "national_figures": published,
        "national_series": series,
        "national_trends": trends,
        "national_fits": _fits_table(fits),
        "breakdowns": breakdowns,
        "national_changes": national_changes(figures, registry, trends, series),
        "national_context": context_figures(published, registry),
        "national_summary": national_summary(series, trends, registry),
        "provenance_files": sidecars,
        "sources": sources_table(sources, figures, breakdowns),
        "calibration": calibration_table(paths.calibration_csv, paths.root),
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    written = write_tables(tables, results_dir)
    if len(trusts):
        # One confidence level for the whole book: the registry's (its pages say which).
        alpha = registry.trend_tests.alpha
        org_tables = analyse_trusts(trusts, registry, national=series, alpha=alpha)
        source = (
            "synthetic demonstration panel (wres demo)" if paths.demo else f"{paths.trusts.relative_to(paths.root)}"
        )
        written.update(
            write_trust_results(
                org_tables, results_dir, synthetic=paths.demo, source=source, note=SYNTHETIC_NOTE if paths.demo else ""
            )
        )
        org_change = org_changes(org_tables["trust_indicators"], registry, alpha=alpha)
    else:
        # Tables from an earlier build with organisation files must not linger on the pages.
        remove_trust_results(results_dir)
        org_change = pd.DataFrame()
    written.update(write_tables({"organisation_changes": org_change}, results_dir))
    written.update(write_tables(quality_tables(figures, breakdowns, trusts, registry), results_dir))
    return written


def write_tables(tables: dict[str, pd.DataFrame], results_dir: Path) -> dict[str, Path]:
    """Write each frame to its catalogue file; keys are ``wres.results`` table keys."""
    out = {}
    for key, df in tables.items():
        path = catalogue.path(results_dir, key)
        out[path.name] = write_csv(df, path)
    return out


def quality_tables(
    figures: pd.DataFrame, breakdowns: pd.DataFrame, trusts: pd.DataFrame, registry: Registry
) -> dict[str, pd.DataFrame]:
    """The data quality tables: every row of every input, used or excluded with a reason."""
    status = pd.concat(
        [
            quality.national_row_status(figures, registry),
            quality.breakdown_row_status(breakdowns),
            quality.trust_row_status(trusts, registry),
        ],
        ignore_index=True,
    )
    return {
        "quality_accounts": quality.account(status),
        "quality_reasons": quality.exclusion_reasons(status),
        "quality_churn": quality.organisation_churn(trusts),
        "quality_unknown_ethnicity": quality.unknown_ethnicity(trusts),
    }
