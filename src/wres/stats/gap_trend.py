"""Is the gap between two groups in one organisation changing? Trust-level trend tests.

For one organisation and one indicator we fit a binomial GLM (logit link) to the yearly
counts of both groups,

    logit P(event) = b0 + b1 * (year - mean year) + b2 * G + b3 * (year - mean year) * G,

where ``G = 1`` for the numerator group (the registry's ``numerator_group``) and 0
for the comparison group. ``b3`` is the annual change in the log odds ratio of the
numerator group versus the comparison group: a **positive slope means the relative
likelihood (numerator group vs comparison group) is growing**. (The model works on the
odds-ratio scale; for the rare-to-moderate rates of WRES the odds ratio and the relative
likelihood move in the same direction.) ``100 * (exp(b3) - 1)`` is the % change per year
in the odds ratio.

Overdispersion: the scale is the Pearson chi-square / residual df (quasi-binomial,
McCullagh & Nelder 1989 section 4.5; statsmodels ``GLM.fit(scale="X2")``), and tests and
intervals use the t distribution with the residual df, as R's ``summary.glm`` does for
quasi families, because the scale is estimated from few df (2 x years - 4). By default the
scale is floored at 1: with a handful of residual df the Pearson estimate is often below 1
by chance, and letting it shrink the binomial standard errors would overstate certainty.

Counts are fitted as proportions with ``var_weights = n``. This is deliberate: in
statsmodels 0.15 a two-column (events, non-events) endog gives the right coefficients
but ``scale="X2"`` then omits the trial counts and returns a scale near 1/n, so the
quasi-binomial standard errors would be far too small.

Minimum data: ``min_years`` (default 3, the least that leaves a residual df) years in
which both groups have a usable count (denominator > 0). Zero counts are handled, never
dropped silently: a year with an empty or missing group is left out with a code, and a
group with no events (or only events) in every year makes the gap infinite on the
log-odds scale (perfect separation), so the trend is NaN with a code. Any fit that does
not converge is reported the same way.

Note codes
----------
Each result has ``note_codes``: codes joined by ``;`` ("" when there is nothing to say),
each with its arguments after ``:``; a group is its position (``1`` numerator group, ``2``
comparison group), a list of years is comma-separated. The words are the caller's
(``wres.analysis.notes``).

===============================  ========================================================
``few_years:N:M``                only N years with counts for both groups, M needed
``empty_years:G:Y,Y``            group G has no staff/applicants in years Y: left out
``bad_years:G:Y,Y``              group G's count is missing or invalid in years Y: left out
``no_events:G``                  group G has no events in any year (separation)
``all_events:G``                 every member of group G had the event every year
``no_convergence:W``             the GLM raised warning class W: not estimable
``non_finite``                   non-finite estimate (near-separation): not estimable
``scale_floored``                Pearson dispersion below 1: binomial scale used
``no_rows``                      no input rows
``no_group_rows``                no rows for either group
===============================  ========================================================
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

from wres.stats import verdicts
from wres.stats.multiple import bh_adjust

MIN_YEARS = 3

# Note codes (see the module docstring).
FEW_YEARS = "few_years"
EMPTY_YEARS = "empty_years"
BAD_YEARS = "bad_years"
NO_EVENTS = "no_events"
ALL_EVENTS = "all_events"
NO_CONVERGENCE = "no_convergence"
NON_FINITE = "non_finite"
SCALE_FLOORED = "scale_floored"
NO_ROWS = "no_rows"
NO_GROUP_ROWS = "no_group_rows"

_RESULT_KEYS = (
    "n_years",
    "slope",
    "slope_ci_low",
    "slope_ci_high",
    "or_change_pct_per_year",
    "p_value",
    "dispersion",
    "first_year",
    "last_year",
    "log_or_first",
    "log_or_last",
)


def _verdict(slope: float, p_value: float, n_years: int, improvement: str, alpha: float, min_years: int) -> str:
    # A failed GLM (separation, no convergence) is "not estimable", not "no change".
    return verdicts.classify(
        slope, p_value, int(n_years), improvement, alpha=alpha, min_years=min_years, missing=verdicts.NOT_ESTIMABLE
    ).verdict


#: Verdict of a trend that carried the gap through parity (its own word: neither simply
#: better nor worse).
CROSSED_PARITY = "crossed parity"
VERDICT_RULES = ("parity", "direction")
_PARITY_VERDICTS = {
    "improving": verdicts.IMPROVING,
    "worsening": verdicts.WORSENING,
    "crossed_parity": CROSSED_PARITY,
    "no_significant_change": verdicts.NO_CHANGE,
    "not_estimable": verdicts.NOT_ESTIMABLE,
}


def parity_verdict(
    log_or_first: float, log_or_last: float, p_value: float, n_years: int, alpha: float, min_years: int
) -> tuple[str, str]:
    """(verdict, parity code) of a gap trend judged against parity (odds ratio 1).

    Improvement means the gap closing: the fitted log odds ratio moving towards 0
    (:func:`wres.stats.parity.parity_change_code` on the fitted ends, significance from
    ``p_value``, which may be a BH q-value). A significant trend whose fitted ends lie on
    opposite sides of parity is :data:`CROSSED_PARITY`."""
    from wres.stats.parity import parity_change_code

    if n_years < min_years:
        return verdicts.TOO_FEW_YEARS, ""
    sig = bool(np.isfinite(p_value) and p_value < alpha)
    code = parity_change_code(np.exp(log_or_first), np.exp(log_or_last), sig, scale="log")
    return _PARITY_VERDICTS[code], code


def _counts(df: pd.DataFrame) -> pd.Series:
    """Event counts per row; a weighted staff-survey percent stands in for a missing count."""
    k = pd.to_numeric(df["numerator"], errors="coerce").astype(float)
    if "percent" in df.columns:
        pct = pd.to_numeric(df["percent"], errors="coerce").astype(float)
        n = pd.to_numeric(df["denominator"], errors="coerce").astype(float)
        k = k.where(k.notna() | pct.isna(), pct / 100.0 * n)
    return k


def _wide_counts(df: pd.DataFrame, keys: list[str], numerator_group: str, comparison_group: str) -> pd.DataFrame:
    """One row per keys + year with ``k1, n1`` (numerator group) and ``k2, n2``."""
    groups = (numerator_group, comparison_group)
    sub = df[df["group"].isin(groups)]
    long = pd.DataFrame(
        {
            **{c: sub[c].to_numpy() for c in [*keys, "year", "group"]},
            "k": _counts(sub).to_numpy(),
            "n": pd.to_numeric(sub["denominator"], errors="coerce").astype(float).to_numpy(),
        }
    )
    agg = long.groupby([*keys, "year", "group"], sort=True)[["k", "n"]].sum(min_count=1)
    wide = agg.unstack("group")
    out = pd.DataFrame(index=wide.index)
    for tag, g in (("1", numerator_group), ("2", comparison_group)):
        for q in ("k", "n"):
            out[q + tag] = wide[(q, g)] if (q, g) in wide.columns else np.nan
    return out.reset_index()


def _code(code: str, *args: object) -> str:
    return ":".join([code, *map(str, args)])


def _empty_result(n_years: int, codes: list[str]) -> dict:
    res = dict.fromkeys(_RESULT_KEYS, np.nan)
    res["n_years"] = n_years
    res["note_codes"] = ";".join(codes)
    return res


def design(yc: np.ndarray) -> np.ndarray:
    """The model's design matrix for centred years ``yc`` (length T): rows of the numerator
    group's years, then the comparison group's; columns intercept, year, group, group x year
    (``logit p = b0 + b1 t + b2 g + b3 g t``)."""
    ones, zeros = np.ones_like(yc), np.zeros_like(yc)
    return np.column_stack([np.r_[ones, ones], np.r_[yc, yc], np.r_[ones, zeros], np.r_[yc, zeros]])


def _fit_gap(
    year: np.ndarray,
    k1: np.ndarray,
    n1: np.ndarray,
    k2: np.ndarray,
    n2: np.ndarray,
    min_years: int,
    alpha: float,
    use_t: bool,
    floor_scale: bool,
) -> dict:
    notes = []
    with np.errstate(invalid="ignore"):
        ok1 = np.isfinite(k1) & np.isfinite(n1) & (n1 > 0) & (k1 >= 0) & (k1 <= n1)
        ok2 = np.isfinite(k2) & np.isfinite(n2) & (n2 > 0) & (k2 >= 0) & (k2 <= n2)
    for ok, group, n in ((ok1, 1, n1), (ok2, 2, n2)):
        empty = np.isfinite(n) & (n <= 0)
        if empty.any():
            notes.append(_code(EMPTY_YEARS, group, _years(year[empty])))
        other = ~ok & ~empty
        if other.any():
            notes.append(_code(BAD_YEARS, group, _years(year[other])))
    both = ok1 & ok2
    n_years = int(both.sum())
    if n_years < min_years:
        notes.insert(0, _code(FEW_YEARS, n_years, min_years))
        return _empty_result(n_years, notes)
    yr, k1, n1, k2, n2 = year[both], k1[both], n1[both], k2[both], n2[both]
    separated = False
    for group, k, n in ((1, k1, n1), (2, k2, n2)):
        if k.sum() == 0:
            separated = True
            notes.append(_code(NO_EVENTS, group))
        elif (n - k).sum() == 0:
            separated = True
            notes.append(_code(ALL_EVENTS, group))
    if separated:
        return _empty_result(n_years, notes)

    yc = yr - yr.mean()
    exog = design(yc)
    n = np.r_[n1, n2]
    endog = np.r_[k1, k2] / n
    model = sm.GLM(endog, exog, family=sm.families.Binomial(), var_weights=n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = _empirical_logit_start(exog, np.r_[k1, k2], n)
        res = model.fit(start_params=start, scale="X2", use_t=use_t)
        floored = floor_scale and res.scale < 1
        if floored:
            # Same coefficients, so starting from them IRLS stops after one step.
            res = model.fit(start_params=res.params, scale=1.0, use_t=use_t)
    trouble = [w for w in caught if not issubclass(w.category, (DeprecationWarning, FutureWarning))]
    if trouble:
        notes.append(_code(NO_CONVERGENCE, trouble[0].category.__name__))
        return _empty_result(n_years, notes)
    slope = float(res.params[3])
    lo, hi = res.conf_int(alpha=alpha)[3]
    se = float(res.bse[3])
    if not (np.isfinite(slope) and np.isfinite(se)):
        notes.append(_code(NON_FINITE))
        return _empty_result(n_years, notes)
    if floored:
        notes.append(_code(SCALE_FLOORED))
    return {
        "n_years": n_years,
        "slope": slope,
        "slope_ci_low": float(lo),
        "slope_ci_high": float(hi),
        "or_change_pct_per_year": float(100.0 * np.expm1(slope)),
        "p_value": float(res.pvalues[3]),
        "dispersion": float(res.scale),
        # The fitted gap at the ends of the years tested (b2 + b3 (year - mean year)), for
        # judging the movement against parity (wres.stats.parity).
        "first_year": float(yr.min()),
        "last_year": float(yr.max()),
        "log_or_first": float(res.params[2] + slope * (yr.min() - yr.mean())),
        "log_or_last": float(res.params[2] + slope * (yr.max() - yr.mean())),
        "note_codes": ";".join(notes),
    }


def _empirical_logit_start(exog: np.ndarray, k: np.ndarray, n: np.ndarray) -> np.ndarray:
    # Start IRLS from a weighted least-squares fit to the empirical logits (Cox & Snell
    # 1989, Analysis of Binary Data): it is already close to the MLE, so IRLS needs about a third
    # fewer iterations, which matters for 200 trusts x 7 indicators. The MLE is unchanged.
    with np.errstate(divide="ignore", invalid="ignore"):
        elogit = np.log((k + 0.5) / (n - k + 0.5))
        w = np.sqrt((k + 0.5) * (n - k + 0.5) / (n + 1.0))
    start = np.linalg.lstsq(exog * w[:, None], elogit * w, rcond=None)[0]
    return start if np.all(np.isfinite(start)) else None


def _years(years: np.ndarray) -> str:
    return ",".join(str(int(y)) for y in years)


def org_gap_trend(
    df: pd.DataFrame,
    numerator_group: str,
    comparison_group: str,
    *,
    improvement: str = "down",
    min_years: int = MIN_YEARS,
    alpha: float = 0.05,
    use_t: bool = True,
    floor_scale: bool = True,
) -> dict:
    """Annual change in the log odds ratio between two groups in one organisation.

    ``df``: the long-format rows of one organisation and one indicator (and one band);
    rows of other groups are ignored. For staff-survey rows with a weighted ``percent``
    instead of a count, ``percent / 100 * denominator`` is used.

    Returns a dict (one result row): ``n_years`` (years with usable counts for both
    groups), ``slope`` (interaction coefficient, log-odds-ratio units per year; positive =
    relative likelihood of numerator vs comparison group growing), ``slope_ci_low``,
    ``slope_ci_high`` (1 - alpha, t with residual df if ``use_t``), ``or_change_pct_per_year``,
    ``p_value``, ``dispersion`` (scale used), ``first_year``, ``last_year`` (years tested),
    ``log_or_first``, ``log_or_last`` (fitted log odds ratio, numerator vs comparison
    group, at those years), ``verdict`` (a
    :data:`wres.stats.verdicts.VERDICTS` code, "not estimable" when the model fails) and
    ``note_codes``. See the module docstring for the model, the zero rules and the codes.
    """
    if min_years < MIN_YEARS:
        raise ValueError(f"min_years must be at least {MIN_YEARS} (the model has 4 parameters)")
    for col in ("org_code", "indicator", "band"):
        if col in df.columns and df[col].nunique(dropna=False) > 1:
            raise ValueError(f"org_gap_trend takes one organisation, indicator and band; {col!r} varies")
    if df.empty:
        res = _empty_result(0, [_code(NO_ROWS)])
    else:
        w = _wide_counts(df, [], numerator_group, comparison_group)
        res = _fit_gap(
            w["year"].to_numpy(dtype=float),
            *(w[c].to_numpy(dtype=float) for c in ("k1", "n1", "k2", "n2")),
            min_years=min_years,
            alpha=alpha,
            use_t=use_t,
            floor_scale=floor_scale,
        )
    res["verdict"] = _verdict(res["slope"], res["p_value"], res["n_years"], improvement, alpha, min_years)
    return res


def trends_for_all(
    df: pd.DataFrame,
    indicator: int,
    numerator_group: str,
    comparison_group: str,
    *,
    improvement: str = "down",
    band: str | None = None,
    min_years: int = MIN_YEARS,
    alpha: float = 0.05,
    verdict_on: str = "q",
    use_t: bool = True,
    floor_scale: bool = True,
    verdict_rule: str = "parity",
) -> pd.DataFrame:
    """:func:`org_gap_trend` for every organisation reporting ``indicator``.

    ``band`` selects one band when the indicator has several (default: the only band
    present; an error if there are several). ``q_value`` is the Benjamini-Hochberg (1995)
    false-discovery-rate adjusted p across the organisations with a p-value
    (``statsmodels.stats.multitest.multipletests(method="fdr_bh")``); NaN p stay NaN and do
    not count towards the number of tests. ``verdict`` is judged on ``q_value`` by default
    (``verdict_on="q"``), because testing 200 trusts at 5% would otherwise flag about ten by
    chance; ``verdict_on="p"`` uses the unadjusted p. ``verdict_rule="parity"`` (default)
    judges the movement against parity (:func:`parity_verdict`: improving = the gap closing,
    whatever ``improvement`` says; a gap carried through parity is :data:`CROSSED_PARITY`) and
    adds ``parity_code``; ``"direction"`` judges the slope's sign against ``improvement``.

    Returns one row per organisation: ``org_code``, ``org_name`` (if present),
    ``indicator``, ``band``, ``n_years``, ``slope``, ``slope_ci_low``, ``slope_ci_high``,
    ``or_change_pct_per_year``, ``p_value``, ``q_value``, ``dispersion``, ``verdict``, ``note_codes``.
    """
    if verdict_on not in ("q", "p"):
        raise ValueError("verdict_on must be 'q' or 'p'")
    if verdict_rule not in VERDICT_RULES:
        raise ValueError(f"verdict_rule must be one of {VERDICT_RULES}")
    if min_years < MIN_YEARS:
        raise ValueError(f"min_years must be at least {MIN_YEARS} (the model has 4 parameters)")
    sub = df[df["indicator"] == indicator]
    if band is None:
        bands = pd.unique(sub["band"]) if "band" in sub.columns else np.array([])
        if len(bands) > 1:
            raise ValueError(f"indicator {indicator} has several bands {list(bands)}; pass band=")
        band = bands[0] if len(bands) else ""
    elif "band" in sub.columns:
        sub = sub[sub["band"] == band]
    columns = ["org_code", "org_name", "indicator", "band", *_RESULT_KEYS, "q_value", "verdict", "note_codes"] + (
        ["parity_code"] if verdict_rule == "parity" else []
    )
    if sub.empty:
        keep = [c for c in columns if c != "org_name" or "org_name" in df.columns]
        return pd.DataFrame(columns=keep)

    wide = _wide_counts(sub, ["org_code"], numerator_group, comparison_group)
    codes = wide["org_code"].to_numpy()
    # Rows are sorted by org_code, so each organisation is one contiguous slice.
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    stops = np.r_[starts[1:], len(codes)]
    arrays = {c: wide[c].to_numpy(dtype=float) for c in ("year", "k1", "n1", "k2", "n2")}
    rows = []
    for a, b in zip(starts, stops, strict=True):
        r = _fit_gap(
            *(arrays[c][a:b] for c in ("year", "k1", "n1", "k2", "n2")),
            min_years=min_years,
            alpha=alpha,
            use_t=use_t,
            floor_scale=floor_scale,
        )
        r["org_code"] = codes[a]
        rows.append(r)
    for code in sorted(set(sub["org_code"]) - set(codes)):
        r = _empty_result(0, [_code(NO_GROUP_ROWS)])
        r["org_code"] = code
        rows.append(r)
    out = pd.DataFrame(rows)
    out["q_value"] = bh_adjust(out["p_value"].to_numpy())
    judge = out["q_value"] if verdict_on == "q" else out["p_value"]
    if verdict_rule == "parity":
        judged = [
            parity_verdict(a, b, p, n, alpha, min_years)
            for a, b, p, n in zip(out["log_or_first"], out["log_or_last"], judge, out["n_years"], strict=True)
        ]
        out["verdict"] = [v for v, _ in judged]
        out["parity_code"] = [c for _, c in judged]
    else:
        out["verdict"] = [
            _verdict(s, p, n, improvement, alpha, min_years)
            for s, p, n in zip(out["slope"], judge, out["n_years"], strict=True)
        ]
    out["indicator"] = indicator
    out["band"] = band
    if "org_name" in sub.columns:
        names = sub.drop_duplicates("org_code", keep="last").set_index("org_code")["org_name"]
        out["org_name"] = out["org_code"].map(names)
    return out[[c for c in columns if c in out.columns]]
