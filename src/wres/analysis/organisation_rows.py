"""One job: each organisation's figure of one indicator and year, from the long trust-level
input frame (the rows of ``trust_indicators`` before the funnel places them).

What the figure is comes from the indicator's kind (``wres.kinds``, the registry's
``trust.kind``); a kind that computes its own rows answers ``Kind.organisation_rows``. The
built-in kinds are comparisons of counts, computed here from the kind's attributes:

* Two groups' rates (``rates_measure = "relative_likelihood"``): ``value`` = rate of the
  kind's numerator group ÷ rate of its comparison group, Katz log interval, zero cells by
  the Haldane-Anscombe rule (:func:`wres.stats.rates.org_rates`). ``y``/``s`` (log ratio and
  its SE) and ``funnel_precision`` = 1/variance of the log ratio feed the funnel.
* The first group's percent (``rates_measure = "percentage"``, a weighted survey): ``value``
  = percent of the numerator group with a Wilson interval on the effective sample size
  ``respondents / survey_deff``; ``gap`` = minority minus majority group, percentage
  points, Newcombe interval. The design effect is an assumption (``wres.stats.survey``).
* A senior band against the whole workforce (``versus_workforce``): ``value`` = the minority
  group's share of the senior band (``trust.band``: VSM, board) ÷ its share of the
  organisation's whole workforce (``trust.workforce_band`` of the kind's
  ``workforce_indicator``), a representation ratio (1 = in proportion). Interval: Katz log
  interval treating the two shares as independent, slightly conservative because the senior
  staff are part of the workforce (a few dozen out of thousands). ``gap`` = workforce share
  minus senior share (percentage points). ``rate_<group>`` are the group shares of the
  senior band; ``workforce_rate_<minority>`` the minority share of the whole workforce.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres import results as catalogue
from wres.analysis import notes
from wres.kinds import Kind

_KEYS = ["year", "org_code"]


def prepare(trusts: pd.DataFrame) -> pd.DataFrame:
    """The long input frame with its text columns as strings ("" for missing) and
    ``year``/``indicator`` as integers, so every grouping below sees one spelling."""
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


def join_notes(*parts) -> np.ndarray:
    """Element-wise "; "-joined notes of several arrays, each sentence once, blanks left out."""
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


def gap_ci(k1, n1, k2, n2, alpha: float) -> tuple[np.ndarray, np.ndarray]:
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


def rename_groups(df: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """``numerator_<old>``, ``denominator_<old>``, ``rate_<old>[_ci_*]`` renamed to ``<new>``."""
    ren = {}
    for old, new in mapping.items():
        for c in df.columns:
            for stem in ("numerator_", "denominator_", "rate_"):
                if c == stem + old or c.startswith(stem + old + "_ci_"):
                    ren[c] = stem + new + c[len(stem + old) :]
    return df.rename(columns=ren)


def _two_group_rows(trusts: pd.DataFrame, kind: Kind, deff: float, alpha: float) -> pd.DataFrame:
    from wres.stats.rates import Comparison, org_rates

    g1, g2 = kind.groups
    survey = kind.weighted_survey
    r = org_rates(trusts, Comparison(kind.ind.id, g1, g2, kind.rates_measure, alpha, deff if survey else 1.0))
    r["note"] = notes.rate_notes(r["note_codes"], (g1, g2), short_weighted=survey)
    if kind.likelihood:
        # The funnel works on the log ratio and its Katz SE.
        r["y"], r["s"] = r["log_rl"], r["se_log_rl"]
        with np.errstate(divide="ignore", invalid="ignore"):
            r["funnel_precision"] = 1.0 / r["se_log_rl"] ** 2
    return r


def _workforce_rows(trusts: pd.DataFrame, kind: Kind, alpha: float) -> pd.DataFrame:
    from wres.stats.rates import PERCENTAGE, Comparison, org_rates, relative_likelihood

    ind, spec = kind.ind, kind.ind.trust
    minority, majority = kind.standard.minority_group, kind.standard.majority_group
    senior_rows = trusts[(trusts["indicator"] == ind.id) & (trusts["band"] == spec.band)]
    r = org_rates(senior_rows, Comparison(ind.id, minority, majority, PERCENTAGE, alpha))
    r["note"] = notes.rate_notes(r["note_codes"], (minority, majority))
    r = r.drop(columns=[*catalogue.VALUE_COLUMNS, "log_rl", "se_log_rl", "note_codes"])
    wf_ind = kind.workforce_indicator
    wf_rows = trusts[(trusts["indicator"] == wf_ind) & (trusts["band"] == spec.workforce_band)]
    w = org_rates(wf_rows, Comparison(wf_ind, minority, majority, PERCENTAGE, alpha))
    w["note"] = notes.rate_notes(w["note_codes"], (minority, majority))
    w = w[
        [
            *_KEYS,
            f"numerator_{minority}",
            f"denominator_{minority}",
            f"rate_{minority}",
            f"rate_{minority}_ci_low",
            f"rate_{minority}_ci_high",
            "note",
        ]
    ]
    w = w.rename(columns={c: "workforce_" + c for c in w.columns if c not in _KEYS})
    r = r.merge(w, on=_KEYS, how="left")
    no_wf = r[f"workforce_denominator_{minority}"].isna().to_numpy()
    ks, ns = r[f"numerator_{minority}"].to_numpy(float), r[f"denominator_{minority}"].to_numpy(float)
    kw = r[f"workforce_numerator_{minority}"].to_numpy(float)
    nw = r[f"workforce_denominator_{minority}"].to_numpy(float)
    senior_label = ind.comparison.senior_label if ind.comparison else spec.band
    rl = relative_likelihood(ks, ns, kw, nw, alpha)
    rl_note = notes.rate_notes(rl["note_codes"], (senior_label, notes.WHOLE_WORKFORCE))
    for c in ("value", "ci_low", "ci_high", "log_rl", "se_log_rl"):
        r[c] = rl[c].to_numpy()
    r["zero_cell_correction"] = rl["zero_cell_correction"].to_numpy()
    with np.errstate(invalid="ignore"):
        # One sign for every gap in the book, as the national series have it: the senior
        # share minus the workforce share (negative: the group is under-represented).
        r["gap"] = 100 * (r[f"rate_{minority}"] - r[f"workforce_rate_{minority}"])
    r["gap_ci_low"], r["gap_ci_high"] = gap_ci(ks, ns, kw, nw, alpha)
    wf_note = np.where(no_wf, notes.no_workforce_figure(spec.workforce_band), "").astype(object)
    r["note"] = join_notes(
        r["note"].to_numpy(object), r["workforce_note"].fillna("").to_numpy(object), wf_note, rl_note
    )
    r = r.drop(columns=["workforce_note"])
    r["y"], r["s"] = r["log_rl"], r["se_log_rl"]
    with np.errstate(divide="ignore", invalid="ignore"):
        r["funnel_precision"] = 1.0 / r["se_log_rl"] ** 2
    return r


def _input_rows(trusts: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """The input rows the figure is made from (their ``missing_reason`` become notes)."""
    ind = kind.ind
    if not kind.versus_workforce:
        return trusts[trusts["indicator"] == ind.id]
    spec = ind.trust
    return trusts[
        ((trusts["indicator"] == ind.id) & (trusts["band"] == spec.band))
        | ((trusts["indicator"] == kind.workforce_indicator) & (trusts["band"] == spec.workforce_band))
    ]


def org_rows(trusts: pd.DataFrame, kind: Kind, deff: float, alpha: float) -> pd.DataFrame:
    """One row per year and organisation for one indicator, before the funnel.

    ``trusts``: the prepared long frame (:func:`prepare`); ``deff``: the survey design effect
    (weighted-survey kinds); ``alpha``: 1 - confidence of the intervals."""
    r = kind.organisation_rows(trusts, deff=deff, alpha=alpha)
    if r is None:
        r = (
            _workforce_rows(trusts, kind, alpha)
            if kind.versus_workforce
            else _two_group_rows(trusts, kind, deff, alpha)
        )
        reasons = _missing_reasons(_input_rows(trusts, kind), _KEYS)
        if len(reasons):
            r = r.merge(reasons, on=_KEYS, how="left")
            r["note"] = join_notes(r["note"].to_numpy(object), r["_missing"].fillna("").to_numpy(object))
            r = r.drop(columns="_missing")
    r["measure"] = kind.measure
    r["unit"] = kind.unit
    return r


def workforce_counts(trusts: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """The minority group's whole-workforce counts (``_wf_k``, ``_wf_n``) per year and
    organisation of a ``versus_workforce`` kind: the funnel's pooled target needs them."""
    wf = kind.senior_and_workforce(trusts)
    wf = wf[wf["group"] == kind.ind.trust.workforce_band][[*_KEYS, "numerator", "denominator"]]
    wf = wf.rename(columns={"numerator": "_wf_k", "denominator": "_wf_n"})
    wf["_wf_k"] = pd.to_numeric(wf["_wf_k"], errors="coerce").astype(float)
    wf["_wf_n"] = pd.to_numeric(wf["_wf_n"], errors="coerce").astype(float)
    return wf
