"""The organisation-level (trust) layer: every WRES indicator for every organisation, its
position on a funnel plot, trends, regional and org-type aggregates.

:func:`analyse_trusts` turns the long trust-level data contract (``wres.inputs.organisations``,
documented in ``data/README.md``) into the results tables below; :func:`write_trust_results`
writes them (and ``trust_meta.json``) into the results folder; the report layer reads them
back with ``wres.results.read`` and ``wres.results.read_meta``. Nothing here hard-codes an
indicator or a group word: how each indicator is built comes from the registry's ``trust``
spec.

How each kind of indicator is built (``trust.kind`` in the registry)
--------------------------------------------------------------------
* ``relative_likelihood``: ``value`` = rate of the registry's numerator group ÷
  rate of its comparison group, Katz log interval, zero cells by the Haldane-Anscombe rule
  (:func:`wres.stats.rates.org_rates`). Funnel on the log scale around the pooled ratio of all
  organisations in that year. ``in_non_adverse_range`` says whether the value lies in the
  registry's ``non_adverse`` range (0.80-1.25 inclusive).
* ``percentage`` (staff survey): ``value`` = percent of the minority group
  (the registry's ``numerator_group`` if set, else ``standard.minority_group``) with a
  Wilson interval on the effective sample size ``respondents / survey_deff``; ``gap`` =
  minority minus majority group, percentage points, Newcombe interval. Funnel: arcsine
  square-root proportions (FunnelPlotR ``PR``) around the pooled proportion, with the same
  design effect. The staff survey is weighted and its design effect is not published; the
  default :data:`SURVEY_DEFF` is an assumption (the one the synthetic panel is built with),
  a parameter, and stated on every page that uses it.
* ``representation``: ``value`` = the minority group's share of the senior
  band (``trust.band``: VSM, board) ÷ its share of the organisation's whole workforce
  (``trust.workforce_band`` of the indicator named by the workforce series'
  ``from_indicator``, else of the same indicator), a *representation ratio* (1 = represented
  in proportion). Interval: Katz log interval treating the two shares as independent, which
  is slightly conservative because the senior staff are part of the workforce (a few dozen
  out of thousands). ``gap`` = workforce share minus senior share (percentage points, the
  registry's derived ``gap``). ``rate_<group>`` are the group shares of the senior band;
  ``workforce_rate_<minority>`` the minority share of the whole workforce. Funnel on the log
  ratio around the pooled ratio.

Funnels (``wres.stats.overdispersion``, Spiegelhalter 2005) are drawn per indicator and year
with 95% and 99.8% limits when at least :data:`MIN_ORGS_FOR_FUNNEL` organisations have an
estimate (fewer: positions "not estimable", no limits, and the note says why). Relative
likelihoods (log scale) and survey percentages (arcsine square-root scale) get
``target +/- z sqrt(s0^2 + tau2)``: ``s0`` is the standard error the organisation would have
on target (from its denominators, not its own estimate), ``tau2`` the DerSimonian-Laird
between-organisation variance on unwinsorised z, and rows with few expected events are placed
by the exact conditional (mid-p) binomial test (``funnel_exact``). ``funnel_method=
"funnelplotr"`` keeps FunnelPlotR's funnel (:mod:`wres.stats.funnel`) as an option.
Representation indicators are placed on counts (:mod:`wres.stats.representation`): minority
members ``k`` of a senior group of ``n`` against ``Binomial(n, workforce share x pooled
ratio)`` (``funnel_*``, the national-ratio view) and ``Binomial(n, workforce share)``
(``parity_*``, which needs no peers), exact two-sided p (doubling rule).

Trends (``wres.stats.gap_trend.trends_for_all``): per organisation and indicator, a
quasi-binomial GLM of the change in the gap between the two groups (log odds ratio per
year), Benjamini-Hochberg across organisations within an indicator. The verdict judges the
fitted odds ratio at the first and last year tested against parity
(:func:`wres.stats.gap_trend.parity_verdict`): improving = the gap closing, worsening = the
gap widening, "crossed parity" = it changed sides; ``improvement`` is "towards parity". For
representation indicators the two "groups" are the senior band and the whole workforce, so
the slope is the yearly change in the log odds ratio of being in the minority group among
senior staff vs among all staff.

Every organisation-year is also compared with the published national figure of the same
report year (:func:`versus_national`, ``trust_versus_national.csv``).

Results files (``wres.results.ORGANISATION_TABLES``; all CSV, UTF-8, one header row)
-------------------------------------------------------------------------
``trust_indicators.csv``
    One row per year, organisation and indicator: ``year, org_code, org_name, region,
    org_type, indicator, band, measure, unit``; for the minority group ``m`` and majority
    group ``w`` (registry codes, e.g. ``bme``, ``white``): ``numerator_m, denominator_m,
    rate_m, rate_m_ci_low, rate_m_ci_high`` and the same for ``w`` (rates are proportions
    0-1); ``workforce_rate_m[_ci_low|_ci_high]`` (representation only); ``value, ci_low,
    ci_high`` (ratio, or percent 0-100); ``gap, gap_ci_low, gap_ci_high`` (percentage points;
    empty for relative likelihoods); ``funnel_precision`` (the funnel's x: 1/variance of the
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

import numpy as np
import pandas as pd

from wres import results as catalogue
from wres.analysis import notes
from wres.analysis.organisation_funnels import _funnel_year
from wres.io import write_csv, write_if_changed
from wres.registry import Indicator, Registry, load_registry
from wres.stats.survey import SURVEY_DEFF

# The statistics modules (and statsmodels behind them) are imported inside the functions
# that need them: the notebooks only read results files, and importing statsmodels would
# add seconds to every page's execution.
RELATIVE_LIKELIHOOD = "relative_likelihood"  # == wres.stats.rates.RELATIVE_LIKELIHOOD
PERCENTAGE = "percentage"  # == wres.stats.rates.PERCENTAGE

REPRESENTATION = "representation"
#: Fewer organisations with an estimate than this in a year: no funnel comparison.
#: ``wres.stats.overdispersion.MIN_ORGS_FOR_FUNNEL`` (chosen with the calibration harness;
#: not imported here because that module loads scipy, and the notebooks import this one).
MIN_ORGS_FOR_FUNNEL = 20
#: The default funnel: additive tau2 by DerSimonian-Laird, spread at the target
#: (``wres.stats.overdispersion``); ``"funnelplotr"`` keeps FunnelPlotR's method.
FUNNEL_METHOD = "additive"
#: ``method`` of a representation funnel fit: exact binomial limits on the member counts.
REPRESENTATION_METHOD = "exact_binomial"
#: ``category`` of the national rows of ``trust_aggregates``.
ALL_ORGS = "All organisations"
#: Points on each funnel limit curve.
GRID_POINTS = 100

_ORG_ATTRS = ("org_name", "region", "org_type")

# ---------------------------------------------------------------------------------------
# What the registry says
# ---------------------------------------------------------------------------------------


def groups_for(ind: Indicator, registry: Registry) -> tuple[str, str]:
    """(numerator group, comparison group) of an indicator at organisation level.

    The registry's own pair for relative likelihoods; otherwise the minority group first
    (its percent is the headline figure, its share the representation figure)."""
    std = registry.standard
    return (ind.numerator_group or std.minority_group, ind.comparison_group or std.majority_group)


def measure_for(ind: Indicator) -> str:
    return {"relative_likelihood": RELATIVE_LIKELIHOOD, "percentage": PERCENTAGE}.get(ind.trust.kind, REPRESENTATION)


def unit_for(ind: Indicator) -> str:
    return "percent" if ind.trust.kind == "percentage" else "ratio"


def _derived(ind: Indicator, op: str):
    return next((d for d in ind.derived if d.op == op), None)


def value_label(ind: Indicator, registry: Registry) -> str:
    """What ``value`` is, in the registry's words."""
    kind = ind.trust.kind
    if kind == "relative_likelihood":
        return ind.series[0].label
    if kind == "percentage":
        g1, _ = groups_for(ind, registry)
        s = next((s for s in ind.series if s.group == g1), None)
        return f"% of {s.label if s else registry.standard.label(g1) + ' staff'}"
    d = _derived(ind, "ratio")
    return d.label if d else "Representation ratio"


def gap_label(ind: Indicator) -> str | None:
    d = _derived(ind, "gap")
    return d.label if d else None


def improvement_for(ind: Indicator) -> str:
    """The direction of the organisation-level trend slope that counts as improvement."""
    if ind.trust.improvement:
        return ind.trust.improvement
    d = _derived(ind, "ratio" if ind.trust.kind == "representation" else "gap")
    if d is not None:
        return d.improvement
    return ind.series_by_key(ind.headline_series).improvement


def tested_words(ind: Indicator, registry: Registry) -> str:
    """What an organisation's trend test is about, in words."""
    std = registry.standard
    g1, g2 = groups_for(ind, registry)
    if ind.trust.kind == "representation":
        senior = ind.comparison.senior_label if ind.comparison else ind.trust.band
        return (
            f"{std.label(g1)} share of {senior} relative to the {std.label(g1)} share of the "
            "whole workforce (odds ratio)"
        )
    if ind.trust.kind == "relative_likelihood":
        return f"{std.label(g1)} vs {std.label(g2)} rate ({ind.rate_words or 'odds ratio'})"
    return f"gap between {std.label(g1)} and {std.label(g2)} staff (odds ratio)"


def _workforce_indicator(ind: Indicator) -> int:
    """The indicator whose ``workforce_band`` rows hold the whole workforce."""
    if ind.comparison is not None:
        try:
            s = ind.series_by_key(ind.comparison.workforce)
        except KeyError:
            return ind.id
        return getattr(s, "from_indicator", None) or ind.id
    return ind.id


# ---------------------------------------------------------------------------------------
# Per-organisation rows
# ---------------------------------------------------------------------------------------


def _join(*parts) -> np.ndarray:
    arrays = [np.asarray(p, dtype=object) for p in parts]
    out = np.empty(len(arrays[0]), dtype=object)
    for i in range(len(out)):
        out[i] = "; ".join(dict.fromkeys(str(a[i]) for a in arrays if isinstance(a[i], str) and a[i]))
    return out


def _missing_reasons(sub: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Why figures are missing, joined per key (``missing_reason`` of the input rows)."""
    if "missing_reason" not in sub.columns:
        return pd.DataFrame(columns=[*keys, "_missing"])
    reason = sub["missing_reason"].fillna("").astype(str)
    m = sub[reason != ""]
    if m.empty:
        return pd.DataFrame(columns=[*keys, "_missing"])
    txt = m["group"].astype(str) + ": " + m["missing_reason"].astype(str)
    return (
        m[keys]
        .assign(_missing=txt.to_numpy())
        .groupby(keys, dropna=False)["_missing"]
        .agg(lambda s: "; ".join(dict.fromkeys(s)))
        .reset_index()
    )


def _gap_ci(k1, n1, k2, n2, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe hybrid score interval for p1 - p2 (percentage points); NaN where invalid."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    k1, n1, k2, n2 = (np.asarray(a, dtype=float) for a in (k1, n1, k2, n2))
    lo = np.full(k1.shape, np.nan)
    hi = np.full(k1.shape, np.nan)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(k1) & np.isfinite(k2) & (n1 > 0) & (n2 > 0) & (k1 >= 0) & (k1 <= n1) & (k2 >= 0) & (k2 <= n2)
    if ok.any():
        a, b = confint_proportions_2indep(k1[ok], n1[ok], k2[ok], n2[ok], method="newcomb", compare="diff", alpha=alpha)
        lo[ok], hi[ok] = 100 * np.asarray(a), 100 * np.asarray(b)
    return lo, hi


def _rename_groups(df: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    ren = {}
    for old, new in mapping.items():
        for c in df.columns:
            for stem in ("numerator_", "denominator_", "rate_"):
                if c == stem + old or c.startswith(stem + old + "_ci_"):
                    ren[c] = stem + new + c[len(stem + old) :]
    return df.rename(columns=ren)


def _representation_long(trusts: pd.DataFrame, ind: Indicator, registry: Registry) -> pd.DataFrame:
    """The minority group's senior and workforce counts as a two-"group" long frame.

    Group codes are the two band codes; ``numerator`` = minority-group headcount,
    ``denominator`` = everyone in the band (all groups, as the contract gives it)."""
    minority = registry.standard.minority_group
    senior_band, wf_band = ind.trust.band, ind.trust.workforce_band
    wf_ind = _workforce_indicator(ind)
    senior = trusts[(trusts["indicator"] == ind.id) & (trusts["band"] == senior_band) & (trusts["group"] == minority)]
    work = trusts[(trusts["indicator"] == wf_ind) & (trusts["band"] == wf_band) & (trusts["group"] == minority)]
    work = work[work.set_index(["year", "org_code"]).index.isin(senior.set_index(["year", "org_code"]).index)]
    out = pd.concat([senior.assign(group=senior_band), work.assign(group=wf_band)], ignore_index=True)
    return out.assign(indicator=ind.id, band="")


def _org_rows(trusts: pd.DataFrame, ind: Indicator, registry: Registry, deff: float, alpha: float) -> pd.DataFrame:
    """One row per year and organisation for one indicator, before the funnel."""
    from wres.stats.rates import Comparison, org_rates, relative_likelihood

    g1, g2 = groups_for(ind, registry)
    kind = ind.trust.kind
    if kind == "relative_likelihood":
        r = org_rates(trusts, Comparison(ind.id, g1, g2, kind, alpha))
        r["note"] = notes.rate_notes(r["note_codes"], (g1, g2))
        r["y"], r["s"] = r["log_rl"], r["se_log_rl"]
        with np.errstate(divide="ignore", invalid="ignore"):
            r["funnel_precision"] = 1.0 / r["se_log_rl"] ** 2
        reasons = _missing_reasons(trusts[trusts["indicator"] == ind.id], ["year", "org_code"])
    elif kind == "percentage":
        r = org_rates(trusts, Comparison(ind.id, g1, g2, kind, alpha, deff))
        r["note"] = notes.rate_notes(r["note_codes"], (g1, g2), short_weighted=True)
        reasons = _missing_reasons(trusts[trusts["indicator"] == ind.id], ["year", "org_code"])
    else:
        minority, majority = registry.standard.minority_group, registry.standard.majority_group
        senior_rows = trusts[(trusts["indicator"] == ind.id) & (trusts["band"] == ind.trust.band)]
        r = org_rates(senior_rows, Comparison(ind.id, minority, majority, PERCENTAGE, alpha))
        r["note"] = notes.rate_notes(r["note_codes"], (minority, majority))
        r = r.drop(
            columns=[
                *catalogue.VALUE_COLUMNS,
                "log_rl",
                "se_log_rl",
                "note_codes",
            ]
        )
        wf_ind = _workforce_indicator(ind)
        wf_rows = trusts[(trusts["indicator"] == wf_ind) & (trusts["band"] == ind.trust.workforce_band)]
        w = org_rates(wf_rows, Comparison(wf_ind, minority, majority, PERCENTAGE, alpha))
        w["note"] = notes.rate_notes(w["note_codes"], (minority, majority))
        w = w[
            [
                "year",
                "org_code",
                f"numerator_{minority}",
                f"denominator_{minority}",
                f"rate_{minority}",
                f"rate_{minority}_ci_low",
                f"rate_{minority}_ci_high",
                "note",
            ]
        ]
        w = w.rename(columns={c: "workforce_" + c for c in w.columns if c not in ("year", "org_code")})
        r = r.merge(w, on=["year", "org_code"], how="left")
        no_wf = r[f"workforce_denominator_{minority}"].isna().to_numpy()
        ks, ns = r[f"numerator_{minority}"].to_numpy(float), r[f"denominator_{minority}"].to_numpy(float)
        kw = r[f"workforce_numerator_{minority}"].to_numpy(float)
        nw = r[f"workforce_denominator_{minority}"].to_numpy(float)
        senior_label = ind.comparison.senior_label if ind.comparison else ind.trust.band
        rl = relative_likelihood(ks, ns, kw, nw, alpha)
        rl_note = notes.rate_notes(rl["note_codes"], (senior_label, notes.WHOLE_WORKFORCE))
        for c in ("value", "ci_low", "ci_high", "log_rl", "se_log_rl"):
            r[c] = rl[c].to_numpy()
        r["zero_cell_correction"] = rl["zero_cell_correction"].to_numpy()
        with np.errstate(invalid="ignore"):
            r["gap"] = 100 * (r[f"workforce_rate_{minority}"] - r[f"rate_{minority}"])
        r["gap_ci_low"], r["gap_ci_high"] = _gap_ci(kw, nw, ks, ns, alpha)
        wf_note = np.where(no_wf, notes.no_workforce_figure(ind.trust.workforce_band), "").astype(object)
        r["note"] = _join(r["note"].to_numpy(object), r["workforce_note"].fillna("").to_numpy(object), wf_note, rl_note)
        r = r.drop(columns=["workforce_note"])
        r["y"], r["s"] = r["log_rl"], r["se_log_rl"]
        with np.errstate(divide="ignore", invalid="ignore"):
            r["funnel_precision"] = 1.0 / r["se_log_rl"] ** 2
        both = trusts[
            ((trusts["indicator"] == ind.id) & (trusts["band"] == ind.trust.band))
            | ((trusts["indicator"] == wf_ind) & (trusts["band"] == ind.trust.workforce_band))
        ]
        reasons = _missing_reasons(both, ["year", "org_code"])
        g1, g2 = minority, majority
    if len(reasons):
        r = r.merge(reasons, on=["year", "org_code"], how="left")
        r["note"] = _join(r["note"].to_numpy(object), r["_missing"].fillna("").to_numpy(object))
        r = r.drop(columns="_missing")
    r["measure"] = measure_for(ind)
    r["unit"] = unit_for(ind)
    return r


# ---------------------------------------------------------------------------------------
# The analysis
# ---------------------------------------------------------------------------------------


#: ``improvement`` of every organisation trend: the gap closing (``wres.stats.parity``).
TOWARDS_PARITY = "towards parity"


def _empty_outputs(registry: Registry) -> dict[str, pd.DataFrame]:
    """Every organisation table with no rows: the catalogue's columns, with the group
    suffixes (``rate_bme``...) spelt with this registry's minority and majority codes."""
    std = registry.standard
    out = {}
    for t in catalogue.TABLES:
        if t.key in catalogue.ORGANISATION_TABLES or t.key == "organisation_versus_national":
            out[t.file.removesuffix(".csv")] = pd.DataFrame(
                columns=catalogue.group_columns(t.key, std.minority_group, std.majority_group)
            )
    return out


def _prepare(trusts: pd.DataFrame) -> pd.DataFrame:
    df = trusts.copy()
    for c in ("org_name", "region", "org_type", "band", "missing_reason"):
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    df["org_code"] = df["org_code"].astype(str)
    df["group"] = df["group"].astype(str)
    df["year"] = pd.to_numeric(df["year"]).astype(int)
    df["indicator"] = pd.to_numeric(df["indicator"]).astype(int)
    return df


def _aggregates(trusts: pd.DataFrame, ind: Indicator, registry: Registry, deff: float, alpha: float) -> pd.DataFrame:
    from wres.stats.rates import Comparison, aggregate_rates

    g1, g2 = groups_for(ind, registry)
    kind = ind.trust.kind
    m = registry.standard.minority_group
    levels = (("national", ["year"]), ("region", ["year", "region"]), ("org_type", ["year", "org_type"]))
    out = []
    if kind == "representation":
        long = _representation_long(trusts, ind, registry)
        sb, wb = ind.trust.band, ind.trust.workforce_band
    for level, by in levels:
        if kind == "representation":
            a = aggregate_rates(long, by, Comparison(ind.id, sb, wb, RELATIVE_LIKELIHOOD, alpha))
            a["note"] = notes.rate_notes(a["note_codes"], (sb, wb))
            a = a.rename(
                columns={
                    f"{q}_{wb}{s}": f"workforce_{q}_{m}{s}"
                    for q in ("numerator", "denominator", "rate")
                    for s in ("", "_ci_low", "_ci_high")
                }
            )
            a = _rename_groups(a, {sb: m})
            with np.errstate(invalid="ignore"):
                a["gap"] = 100 * (a[f"workforce_rate_{m}"] - a[f"rate_{m}"])
            a["gap_ci_low"], a["gap_ci_high"] = _gap_ci(
                a[f"workforce_numerator_{m}"],
                a[f"workforce_denominator_{m}"],
                a[f"numerator_{m}"],
                a[f"denominator_{m}"],
                alpha,
            )
            a = a.drop(columns=[f"workforce_numerator_{m}", f"workforce_denominator_{m}"])
            a["band"] = sb
        else:
            comparison = Comparison(ind.id, g1, g2, kind, alpha, deff if kind == "percentage" else 1.0)
            a = aggregate_rates(trusts, by, comparison)
            a["note"] = notes.rate_notes(a["note_codes"], (g1, g2), short_weighted=kind == "percentage")
        a.insert(0, "level", level)
        a.insert(1, "category", ALL_ORGS if level == "national" else a[by[-1]].astype(str))
        a = a.drop(columns=[c for c in ("region", "org_type") if c in a.columns])
        a["measure"], a["unit"] = measure_for(ind), unit_for(ind)
        out.append(a)
    res = pd.concat(out, ignore_index=True)
    drop = [
        c
        for c in ("log_rl", "se_log_rl", "numerator_group", "comparison_group", "zero_cell_correction", "note_codes")
        if c in res.columns
    ]
    return res.drop(columns=drop)


def _trends(trusts: pd.DataFrame, ind: Indicator, registry: Registry, alpha: float) -> pd.DataFrame:
    from wres.stats.gap_trend import trends_for_all

    g1, g2 = groups_for(ind, registry)
    imp = improvement_for(ind)
    if ind.trust.kind == "representation":
        long = _representation_long(trusts, ind, registry)
        labels = (ind.trust.band, ind.trust.workforce_band)
        t = trends_for_all(long, ind.id, *labels, improvement=imp, band="", alpha=alpha)
        t["band"] = ind.trust.band
    else:
        # For the staff survey the weighted percent x respondents stands in for a count; the
        # GLM's quasi-binomial scale absorbs the extra variance of the weighting.
        sub = trusts[trusts["indicator"] == ind.id]
        labels = (g1, g2)
        t = trends_for_all(sub, ind.id, *labels, improvement=imp, alpha=alpha)
    t["note"] = notes.trend_notes(t["note_codes"], labels)
    # The fitted gap at the ends, as odds ratios (numerator vs comparison group).
    t["fitted_first"] = np.exp(t["log_or_first"].astype(float))
    t["fitted_last"] = np.exp(t["log_or_last"].astype(float))
    t.insert(4 if "org_name" in t.columns else 3, "tested", tested_words(ind, registry))
    # The verdict judges the movement against parity whatever the registry's direction.
    t.insert(5 if "org_name" in t.columns else 4, "improvement", TOWARDS_PARITY)
    for c in ("first_year", "last_year"):
        t[c] = pd.array(t[c].to_numpy(float), dtype="Float64").astype("Int64")
    return t


def analyse_trusts(
    trusts: pd.DataFrame,
    registry: Registry | None = None,
    *,
    survey_deff: float = SURVEY_DEFF,
    alpha: float = 0.05,
    min_orgs_for_funnel: int = MIN_ORGS_FOR_FUNNEL,
    trends: bool = True,
    grid_points: int = GRID_POINTS,
    funnel_method: str = FUNNEL_METHOD,
    national: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every organisation-level table of the book from the long trust-level frame.

    ``trusts``: the long data contract (``wres.inputs.organisations.load_trust_folder`` or
    ``wres.inputs.synthetic.make_panel``). Returns a dict keyed by results file stem
    (``trust_indicators``, ``trust_trends``, ``trust_aggregates``, ``trust_share_in_range``,
    ``trust_funnel_fits``, ``trust_funnel_limits``, ``trust_orgs``); see the module docstring
    for their columns. An empty input gives empty tables with the contract's columns; a
    single organisation gives every table, with funnel positions "not estimable" and a note
    saying there are no peers. ``trends=False`` skips the GLM trend tests (the slowest part).
    """
    from wres.stats.rates import share_in_range

    registry = registry or load_registry()
    out = _empty_outputs(registry)
    if trusts is None or len(trusts) == 0:
        return out
    df = _prepare(trusts)
    present = set(df["indicator"].unique())
    ind_rows, fits, limits, aggs, shares, trend_rows = [], [], [], [], [], []
    for ind in registry.indicators:
        if ind.id not in present:
            continue
        rows = _org_rows(df, ind, registry, survey_deff, alpha)
        if ind.trust.kind == "representation":
            # Workforce counts for the pooled target, kept only while the funnel is built.
            wf = _representation_long(df, ind, registry)
            wf = wf[wf["group"] == ind.trust.workforce_band][["year", "org_code", "numerator", "denominator"]]
            wf = wf.rename(columns={"numerator": "_wf_k", "denominator": "_wf_n"})
            wf["_wf_k"] = pd.to_numeric(wf["_wf_k"], errors="coerce").astype(float)
            wf["_wf_n"] = pd.to_numeric(wf["_wf_n"], errors="coerce").astype(float)
            rows = rows.merge(wf, on=["year", "org_code"], how="left")
        placed = []
        for year, yr in rows.groupby("year", sort=True):
            tab, fit, lim = _funnel_year(
                yr.copy(), ind, registry, int(year), survey_deff, min_orgs_for_funnel, grid_points, funnel_method
            )
            tab["funnel_method"] = fit["method"]
            placed.append(tab)
            fits.append(fit)
            if len(lim):
                limits.append(lim)
        rows = pd.concat(placed, ignore_index=True) if placed else rows
        if ind.non_adverse and ind.trust.kind == "relative_likelihood":
            lo, hi = ind.non_adverse
            v = rows["value"].astype(float)
            rows["in_non_adverse_range"] = pd.array(np.where(v.notna(), (v >= lo) & (v <= hi), pd.NA), dtype="boolean")
            sh = share_in_range(rows, lo, hi, by=["year"])
            sh.insert(0, "indicator", ind.id)
            sh.insert(2, "low", lo)
            sh.insert(3, "high", hi)
            shares.append(sh)
        else:
            rows["in_non_adverse_range"] = pd.array([pd.NA] * len(rows), dtype="boolean")
        if ind.trust.kind == "representation":
            rows["band"] = ind.trust.band
        ind_rows.append(rows)
        aggs.append(_aggregates(df, ind, registry, survey_deff, alpha))
        if trends:
            trend_rows.append(_trends(df, ind, registry, alpha))

    cols = list(out["trust_indicators"].columns)
    if ind_rows:
        ti = pd.concat(ind_rows, ignore_index=True)
        for c in cols:
            if c not in ti.columns:
                ti[c] = np.nan
        ti["note"] = ti["note"].fillna("").astype(str)
        out["trust_indicators"] = (
            ti[cols].sort_values(["indicator", "year", "org_code"], kind="stable").reset_index(drop=True)
        )
    if fits:
        out["trust_funnel_fits"] = pd.DataFrame(fits).reindex(columns=list(out["trust_funnel_fits"].columns))
    if limits:
        out["trust_funnel_limits"] = pd.concat(limits, ignore_index=True)
    if aggs:
        a = pd.concat(aggs, ignore_index=True)
        acols = list(out["trust_aggregates"].columns)
        for c in acols:
            if c not in a.columns:
                a[c] = np.nan
        a["note"] = a["note"].fillna("").astype(str)
        out["trust_aggregates"] = a[acols]
    if shares:
        out["trust_share_in_range"] = pd.concat(shares, ignore_index=True)
    if trend_rows:
        t = pd.concat(trend_rows, ignore_index=True)
        out["trust_trends"] = t[[c for c in out["trust_trends"].columns if c in t.columns]]
    out["trust_orgs"] = _orgs(df)
    out["trust_versus_national"] = versus_national(
        out["trust_indicators"], national, registry, survey_deff=survey_deff, alpha=alpha
    )
    return out


def _orgs(df: pd.DataFrame) -> pd.DataFrame:
    last = df.sort_values(["org_code", "year"], kind="stable").drop_duplicates("org_code", keep="last")
    span = df.groupby("org_code")["year"].agg(first_year="min", last_year="max", n_years="nunique")
    out = last[["org_code", *_ORG_ATTRS]].merge(span.reset_index(), on="org_code")
    return out.sort_values(["region", "org_name", "org_code"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Each organisation against the published national figure
# ---------------------------------------------------------------------------------------

#: The columns of ``organisation_versus_national`` as the results catalogue names them (one list, in wres.results).
VERSUS_NATIONAL_COLUMNS = list(catalogue.table("organisation_versus_national").columns)
#: ``test`` of each kind.
VERSUS_NATIONAL_TESTS = {
    "relative_likelihood": "z-test on the log relative likelihood (Katz SE), national figure fixed",
    "percentage": "score test on the effective sample size (design effect), national figure fixed",
    "representation": "exact binomial test of the senior group's members against workforce share x national "
    "representation ratio, national figure fixed",
}


def national_series_for(ind: Indicator) -> tuple[str, str] | None:
    """(series key, unit) of the published national series on an organisation's ``value``
    scale: the headline series when it is a ratio for a relative likelihood or a percent for
    a percentage, the derived ratio for a representation indicator; None when there is none."""
    kind = ind.trust.kind
    if kind == "representation":
        d = _derived(ind, "ratio")
        return (d.key, "ratio") if d else None
    s = ind.series_by_key(ind.headline_series)
    want = "ratio" if kind == "relative_likelihood" else "percent"
    return (s.key, want) if s.unit == want else None


def versus_national(
    ti: pd.DataFrame,
    national: pd.DataFrame,
    registry: Registry,
    *,
    survey_deff: float = SURVEY_DEFF,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every organisation-year against the published national value of the same report year.

    ``ti``: ``trust_indicators`` rows; ``national``: ``national_series`` (``indicator,
    series, report_year, value, unit``). The national value is treated as fixed
    (:mod:`wres.stats.versus_national`; for representation,
    :func:`wres.stats.representation.representation_funnel` with the published ratio).
    ``comparison``: ``higher``, ``lower``, ``not_significant`` (p >= alpha) or
    ``not_estimable``. Rows without a national figure of that year are left out.
    """
    from wres.stats import representation as rep
    from wres.stats import versus_national as vn

    if ti is None or ti.empty or national is None or national.empty:
        return pd.DataFrame(columns=VERSUS_NATIONAL_COLUMNS)
    m = registry.standard.minority_group
    parts = []
    for ind in registry.indicators:
        which = national_series_for(ind)
        rows = ti[ti["indicator"] == ind.id]
        if which is None or rows.empty:
            continue
        key, unit = which
        nat = national[(national["indicator"] == ind.id) & (national["series"] == key) & (national["unit"] == unit)]
        nat = nat.drop_duplicates("report_year").set_index("report_year")["value"].astype(float)
        rows = rows[rows["year"].isin(nat.index)]
        if rows.empty:
            continue
        nv = rows["year"].map(nat).to_numpy(float)

        def num(c, rows=rows):
            return pd.to_numeric(rows[c], errors="coerce").to_numpy(float)

        g1, g2 = groups_for(ind, registry)
        kind = ind.trust.kind
        with np.errstate(invalid="ignore", divide="ignore"):
            if kind == "relative_likelihood":
                r = vn.rl_versus_national(
                    num(f"numerator_{g1}"),
                    num(f"denominator_{g1}"),
                    num(f"numerator_{g2}"),
                    num(f"denominator_{g2}"),
                    np.where(nv > 0, nv, 1.0),
                    alpha,
                )
                z, p = r["z"], r["p_value"]
            elif kind == "percentage":
                z, p = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
                for year_value in np.unique(nv[(nv > 0) & (nv < 100)]):
                    at = nv == year_value
                    r = vn.percentage_versus_national(
                        num(f"numerator_{g1}")[at],
                        num(f"denominator_{g1}")[at],
                        float(year_value),
                        deff=survey_deff,
                        alpha=alpha,
                    )
                    z[at], p[at] = r["z"], r["p_value"]
            else:
                k, n, share = num(f"numerator_{m}"), num(f"denominator_{m}"), num(f"workforce_rate_{m}")
                z, p = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
                for year_value in np.unique(nv[np.isfinite(nv) & (nv >= 0)]):
                    at = nv == year_value
                    f = rep.representation_funnel(k[at], n[at], share[at], national_ratio=float(year_value))
                    p[at] = f["p_two_sided"].to_numpy()
                    # The signed difference of the ratio decides the side, as for the others.
                    z[at] = np.sign(num("value")[at] - year_value)
        ok = np.isfinite(nv) & (nv > 0)
        p = np.where(ok, p, np.nan)
        diff = np.where(np.isfinite(z), z, np.nan)
        code = vn.verdict_codes(diff, p, alpha)
        parts.append(
            pd.DataFrame(
                {
                    "year": rows["year"].to_numpy(int),
                    "org_code": rows["org_code"].to_numpy(),
                    "org_name": rows["org_name"].to_numpy(),
                    "indicator": ind.id,
                    "band": rows["band"].fillna("").astype(str).to_numpy(),
                    "series": key,
                    "unit": unit,
                    "value": num("value"),
                    "ci_low": num("ci_low"),
                    "ci_high": num("ci_high"),
                    "national_value": nv,
                    "test": VERSUS_NATIONAL_TESTS[kind],
                    "z": z if kind != "representation" else np.nan,
                    "p_value": p,
                    "comparison": code,
                    "note": np.where(code == "not_estimable", notes.NOT_COMPARED_NATIONAL, ""),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=VERSUS_NATIONAL_COLUMNS)
    return pd.concat(parts, ignore_index=True)[VERSUS_NATIONAL_COLUMNS]


# ---------------------------------------------------------------------------------------
# Writing and reading the results files
# ---------------------------------------------------------------------------------------


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
