"""One job: writing the organisation tables of :func:`wres.analysis.organisations.analyse_trusts`
into the results folder (and removing them when there are no organisation data); the report
layer reads them back with ``wres.results.read`` and ``wres.results.read_meta``.

Results files (``wres.results.ORGANISATION_TABLES``; all CSV, UTF-8, one header row)
-------------------------------------------------------------------------
``trust_indicators.csv``
    One row per year, organisation and indicator: ``year, org_code, org_name, region,
    org_type, indicator, band, measure, unit``; for the minority group ``m`` and majority
    group ``w`` (registry codes, e.g. ``bme``, ``white``): ``numerator_m, denominator_m,
    rate_m, rate_m_ci_low, rate_m_ci_high`` and the same for ``w`` (rates are proportions
    0-1); ``workforce_rate_m[_ci_low|_ci_high]`` (representation only); ``value, ci_low,
    ci_high`` (ratio, or percent 0-100); ``gap, gap_ci_low, gap_ci_high`` (percentage points,
    one sign everywhere as in the national series: the first figure minus the second, i.e. the
    minority group's percent minus the majority's, or the senior share minus the workforce
    share, negative when under-represented; empty for relative likelihoods); ``funnel_precision`` (the funnel's x: 1/variance of the
    log ratio, or the effective number of respondents), ``funnel_z``,
    ``funnel_position_95``, ``funnel_position_998`` (inside/above/below/not estimable),
    ``in_non_adverse_range`` (True/False for relative likelihoods, empty otherwise), ``note``;
    added: ``funnel_method``, ``funnel_p`` (two-sided), ``funnel_exact``, and for
    representation ``expected_members`` (national-ratio view), ``parity_expected``,
    ``parity_p``, ``parity_position_95``, ``parity_position_998``,
    ``workforce_numerator_m``, ``workforce_denominator_m``. ``funnel_precision`` is the null
    precision ``1/s0^2`` (relative likelihoods), the effective respondents (percentages) or
    the senior group's size (representation).
``trust_trends.csv``
    ``org_code, org_name, indicator, band, tested, improvement, n_years, slope,
    slope_ci_low, slope_ci_high, or_change_pct_per_year, p_value, q_value, dispersion,
    verdict, note, first_year, last_year, fitted_first, fitted_last`` (fitted odds ratios),
    ``parity_code``.
``trust_aggregates.csv``
    ``level`` (national, region, org_type), ``category`` (the region or type;
    :data:`ALL_ORGS` for national), ``year, indicator, band, n_orgs, measure, unit``, the
    rate columns as above, ``value, ci_low, ci_high, gap, gap_ci_low, gap_ci_high, note``.
    Pooled: counts are summed before rates are taken.
``trust_share_in_range.csv``
    Relative-likelihood indicators: ``indicator, year, low, high, n_orgs, n_in_range,
    share`` (0-1), ``n_not_estimable``.
``trust_funnel_fits.csv``
    Per indicator and year: ``indicator, year, transform, target`` (natural scale),
    ``target_transformed, phi, tau2, n_orgs, overdispersion`` (whether tau2 was applied),
    ``note``, ``method``, ``n_exact``, ``min_orgs``, ``fitted``.
``trust_funnel_limits.csv``
    Per indicator and year, the limit curves for drawing: ``indicator, year, precision,
    target, ll95, ul95, ll998, ul998`` (natural scale: ratio, or percent 0-100).
``trust_orgs.csv``
    One row per organisation, with its latest name, region and type: ``org_code,
    org_name, region, org_type, first_year, last_year, n_years``.
``trust_meta.json``
    ``{"synthetic": bool, "source": str, "note": str, "survey_deff": float,
    "min_orgs_for_funnel": int, "n_orgs": int, "years": [first, last], "files": [...]}``.
    ``synthetic: true`` makes every page built from these tables show a warning banner
    (``wres.report.organisation_section.synthetic_banner_html``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from wres import results as catalogue
from wres.io import write_csv, write_if_changed
from wres.stats.survey import SURVEY_DEFF

#: Fewer organisations with an estimate than this in a year: no funnel comparison.
#: ``wres.stats.overdispersion.MIN_ORGS_FOR_FUNNEL`` (chosen with the calibration harness;
#: not imported because that module loads scipy). Recorded in ``trust_meta.json``; the
#: orchestrator (``wres.analysis.organisations``) uses this one.
MIN_ORGS_FOR_FUNNEL = 20


def write_trust_results(
    results: dict[str, pd.DataFrame],
    results_dir: str | Path,
    *,
    synthetic: bool,
    source: str,
    note: str = "",
    survey_deff: float = SURVEY_DEFF,
    min_orgs_for_funnel: int = MIN_ORGS_FOR_FUNNEL,
) -> dict[str, Path]:
    """Write the tables of :func:`analyse_trusts` and ``trust_meta.json`` into ``results_dir``.

    ``results`` is keyed by the file's stem (``trust_indicators``, ...), each written to the
    catalogue's file (``wres.results.ORGANISATION_TABLES``). ``synthetic`` must be True
    when the figures come from ``wres.inputs.synthetic`` (every page then carries a warning
    banner); ``source`` says where the figures came from (a folder, or the synthetic
    generator and its seed). Files are rewritten only when their content changes, so an
    unchanged input leaves chapters untouched. Returns file name -> path.
    """
    d = Path(results_dir)
    written: dict[str, Path] = {}
    for key in catalogue.ORGANISATION_TABLES:
        path = catalogue.path(d, key)
        written[path.name] = write_csv(results.get(path.stem, pd.DataFrame()), path)
    ti = results.get("trust_indicators", pd.DataFrame())
    years = sorted({int(y) for y in ti["year"]}) if len(ti) else []
    meta = {
        "synthetic": bool(synthetic),
        "source": str(source),
        "note": str(note),
        "survey_deff": float(survey_deff),
        "min_orgs_for_funnel": int(min_orgs_for_funnel),
        "n_orgs": int(ti["org_code"].nunique()) if len(ti) else 0,
        "years": [years[0], years[-1]] if years else [],
        "files": list(catalogue.files(catalogue.ORGANISATION_TABLES)),
    }
    meta_path = d / catalogue.ORGANISATION_META
    written[meta_path.name] = write_if_changed(meta_path, json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return written


def remove_trust_results(results_dir: str | Path) -> None:
    """Delete every organisation-layer results file (use when there are no organisation
    data, so pages do not show stale figures)."""
    names = (*catalogue.files(catalogue.ORGANISATION_TABLES), catalogue.ORGANISATION_META)
    for name in names:
        p = Path(results_dir) / name
        if p.exists():
            p.unlink()
