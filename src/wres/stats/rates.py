"""Rates, relative likelihoods and their confidence intervals from trust-level counts.

Everything here works on the long trust-level data contract (``data/README.md``, section
"The long format (data contract)"):
``year, org_code, org_name, region, org_type, indicator, band, group, numerator,
denominator[, percent]``. Group labels (``"white"``, ``"bme"``...) and the kind of measure are
always parameters: the indicator registry decides which group is on top of a relative
likelihood, this module does not.

Zero-cell rule (relative likelihoods)
-------------------------------------
The Katz interval works on the log scale, so a group with no events (``k == 0``) has no
finite log rate, and a group where everyone had the event (``k == n``) contributes zero
variance, which makes the interval falsely narrow. For either case we apply the
Haldane-Anscombe correction: add 0.5 to all four cells of the 2x2 table (events and
non-events in both groups), so ``k -> k + 0.5`` and ``n -> n + 1``, and compute both the
value and the interval from the corrected table; the row is flagged
``zero_cell_correction=True`` and gets the code ``haldane``. (statsmodels ``Table2x2``
instead replaces only the zero cells by 0.5, so it differs from this rule on such rows.)
Other edge cases never raise and are never dropped; they give NaN with a code:

* ``n == 0`` in a group: ``no_staff``;
* no events in *either* group: the ratio is 0/0 and a corrected value would only reflect
  the group sizes, so it is NaN (``no_events``);
* a missing count (``missing``), or a numerator outside ``0..n`` (``invalid``).

Note codes
----------
Every result row has a ``note_codes`` string: codes joined by ``;`` ("" when there is
nothing to say), each code optionally followed by ``:`` and an argument. The words are the
caller's (``wres.analysis.notes``). A group argument is its position, ``1`` for the
numerator group and ``2`` for the comparison group (``1,2`` for both), so that no label
has to pass through here.

=====================  =================================================================
``no_row:G``           no input row for group G
``no_staff:G``         group G has ``n == 0`` (``G`` may be ``1,2``)
``missing``            a count is missing (relative likelihood: either group)
``missing:G``          group G's count is missing (percentages)
``invalid``            a numerator outside ``0..n``
``no_events``          no events in either group: relative likelihood not estimable
``haldane``            zero or complete cell: Haldane-Anscombe +0.5 in all four cells
``weighted:D``         count derived from a weighted survey percent, design effect ``D``
=====================  =================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

RELATIVE_LIKELIHOOD = "relative_likelihood"
PERCENTAGE = "percentage"


# Note codes (see the module docstring); group arguments are positions.
NO_ROW = "no_row"
NO_STAFF = "no_staff"
MISSING = "missing"
INVALID = "invalid"
NO_EVENTS = "no_events"
HALDANE = "haldane"
WEIGHTED = "weighted"
CODE_SEPARATOR = ";"
ARGUMENT_SEPARATOR = ":"


def _join_codes(*parts: np.ndarray) -> np.ndarray:
    """Element-wise ``;``-join of the non-empty codes in several object arrays."""
    out = np.empty(len(parts[0]), dtype=object)
    for i in range(len(out)):
        out[i] = CODE_SEPARATOR.join(p[i] for p in parts if p[i])
    return out


def _code_where(mask: np.ndarray, code: str, *args: object) -> np.ndarray:
    text = ARGUMENT_SEPARATOR.join([code, *map(str, args)])
    return np.where(mask, text, "").astype(object)


def wilson_ci(k, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion, vectorised.

    ``k`` events out of ``n`` trials (``k`` may be fractional, e.g. derived from a weighted
    percent). Returns ``(low, high)`` as proportions (0-1); NaN where ``n <= 0``, ``n`` or ``k``
    is missing, or ``k`` lies outside ``0..n``.

    Source: Wilson (1927) JASA 22:209-212; computed by
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    k, n = np.broadcast_arrays(k, n)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
    if ok.any():
        # statsmodels divides by n unguarded, so it is only given the valid cells.
        lo, hi = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
        low[ok] = np.clip(lo, 0.0, 1.0)
        high[ok] = np.clip(hi, 0.0, 1.0)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def relative_likelihood(
    k1,
    n1,
    k2,
    n2,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Relative likelihood (risk ratio) ``(k1/n1) / (k2/n2)`` with the Katz log interval.

    Vectorised over equal-length (or broadcastable) arrays; a scalar input gives a one-row
    frame. Columns: ``value``, ``ci_low``, ``ci_high`` (ratio scale), ``log_rl``,
    ``se_log_rl`` (natural log scale), ``zero_cell_correction`` (bool), ``note_codes`` (str,
    "" when nothing to say). See the module docstring for the zero-cell rule and the codes
    (group 1 is ``k1, n1``).

    Katz interval: ``exp(log RL +/- z * sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2))``, Katz et al.
    (1978) Biometrics 34:469-474. Identical to
    ``scipy.stats.contingency.relative_risk(k1, n1, k2, n2).confidence_interval()`` and to
    ``statsmodels`` ``Table2x2.riskratio_confint()`` when no cell is zero. Written out here
    because both library versions take one table at a time and a trust panel has thousands.
    """
    arrs = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, dtype=float)) for a in (k1, n1, k2, n2)))
    k1, n1, k2, n2 = (a.astype(float) for a in arrs)
    size = k1.shape[0]

    missing = ~(np.isfinite(k1) & np.isfinite(n1) & np.isfinite(k2) & np.isfinite(n2))
    with np.errstate(invalid="ignore"):
        empty1 = np.isfinite(n1) & (n1 <= 0)
        empty2 = np.isfinite(n2) & (n2 <= 0)
        empty = empty1 | empty2
        invalid = ~missing & ~empty & ((k1 < 0) | (k1 > n1) | (k2 < 0) | (k2 > n2))
        bad = missing | empty | invalid
        no_events = ~bad & (k1 == 0) & (k2 == 0)
        extreme = ~bad & ~no_events & ((k1 == 0) | (k1 == n1) | (k2 == 0) | (k2 == n2))
    usable = ~bad & ~no_events

    shift = np.where(extreme, 0.5, 0.0)
    a, c = k1 + shift, k2 + shift
    m1, m2 = n1 + 2 * shift, n2 + 2 * shift
    log_rl = np.full(size, np.nan)
    se = np.full(size, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_rl[usable] = np.log(a[usable] / m1[usable]) - np.log(c[usable] / m2[usable])
        se[usable] = np.sqrt(1 / a[usable] - 1 / m1[usable] + 1 / c[usable] - 1 / m2[usable])
    z = norm.isf(alpha / 2)

    codes = _join_codes(
        _code_where(missing & ~empty, MISSING),
        _code_where(empty1 & empty2, NO_STAFF, "1,2"),
        _code_where(empty1 & ~empty2, NO_STAFF, 1),
        _code_where(empty2 & ~empty1, NO_STAFF, 2),
        _code_where(invalid, INVALID),
        _code_where(no_events, NO_EVENTS),
        _code_where(extreme, HALDANE),
    )
    return pd.DataFrame(
        {
            "value": np.exp(log_rl),
            "ci_low": np.exp(log_rl - z * se),
            "ci_high": np.exp(log_rl + z * se),
            "log_rl": log_rl,
            "se_log_rl": se,
            "zero_cell_correction": extreme,
            "note_codes": codes,
        }
    )


@dataclass(frozen=True)
class Comparison:
    """What :func:`org_rates` and :func:`aggregate_rates` compare: one indicator's rows of two
    groups, as a relative likelihood or a percentage, at confidence ``1 - alpha``, with the
    survey design effect ``deff`` (percentages only; 1.0 = simple random sample)."""

    indicator: int
    numerator_group: str
    comparison_group: str
    measure: str
    alpha: float = 0.05
    deff: float = 1.0

    def __post_init__(self) -> None:
        if self.measure not in (RELATIVE_LIKELIHOOD, PERCENTAGE):
            raise ValueError(f"measure must be {RELATIVE_LIKELIHOOD!r} or {PERCENTAGE!r}, not {self.measure!r}")
        if self.numerator_group == self.comparison_group:
            raise ValueError("numerator_group and comparison_group must differ")

    @property
    def groups(self) -> tuple[str, str]:
        return (self.numerator_group, self.comparison_group)

    def rows(self, df: pd.DataFrame) -> pd.DataFrame:
        """The input rows of this indicator and the two groups."""
        return df[(df["indicator"] == self.indicator) & df["group"].isin(self.groups)]


def _row_counts(sub: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Per-row event count ``_k``, size ``_n`` and ``_from_percent`` flag."""
    k = pd.to_numeric(sub["numerator"], errors="coerce").astype(float)
    n = pd.to_numeric(sub["denominator"], errors="coerce").astype(float)
    from_pct = pd.Series(False, index=sub.index)
    if measure == PERCENTAGE and "percent" in sub.columns:
        pct = pd.to_numeric(sub["percent"], errors="coerce").astype(float)
        # The contract lets the staff survey give a weighted percent *instead of* a count.
        from_pct = k.isna() & pct.notna()
        k = k.where(~from_pct, pct / 100.0 * n)
    return sub.assign(_k=k.to_numpy(), _n=n.to_numpy(), _from_percent=from_pct.to_numpy())


def _wide(long: pd.DataFrame, keys: list[str], groups: tuple[str, str]) -> pd.DataFrame:
    """Sum counts by keys and group, then one column per (quantity, group)."""
    grouped = long.groupby([*keys, "group"], dropna=False, sort=True)
    agg = grouped[["_k", "_n"]].sum(min_count=1)
    agg["_from_percent"] = grouped["_from_percent"].any()
    agg["_rows"] = grouped.size()
    wide = agg.unstack("group")
    out = pd.DataFrame(index=wide.index)
    for g in groups:
        for q in ("_k", "_n", "_from_percent", "_rows"):
            out[f"{q}|{g}"] = wide[(q, g)] if (q, g) in wide.columns else np.nan
    return out.reset_index()


def _compute(wide: pd.DataFrame, comparison: Comparison) -> pd.DataFrame:
    g1, g2 = comparison.groups
    measure, alpha, deff = comparison.measure, comparison.alpha, comparison.deff
    k1 = wide[f"_k|{g1}"].to_numpy(dtype=float)
    n1 = wide[f"_n|{g1}"].to_numpy(dtype=float)
    k2 = wide[f"_k|{g2}"].to_numpy(dtype=float)
    n2 = wide[f"_n|{g2}"].to_numpy(dtype=float)
    rows1 = wide[f"_rows|{g1}"].fillna(0).to_numpy()
    rows2 = wide[f"_rows|{g2}"].fillna(0).to_numpy()
    size = len(wide)

    out = pd.DataFrame(index=wide.index)
    out["measure"] = measure
    out["numerator_group"] = g1
    out["comparison_group"] = g2
    no_row = _join_codes(_code_where(rows1 == 0, NO_ROW, 1), _code_where(rows2 == 0, NO_ROW, 2))

    if measure == PERCENTAGE:
        if not deff > 0:
            raise ValueError("deff must be positive")
        # Effective sample size: a design effect deff inflates the variance by deff.
        ne1, ne2 = n1 / deff, n2 / deff
        ke1, ke2 = k1 / deff, k2 / deff
        eff = {g1: (ke1, ne1), g2: (ke2, ne2)}
    else:
        eff = {g1: (k1, n1), g2: (k2, n2)}

    for g, k, n in ((g1, k1, n1), (g2, k2, n2)):
        out[f"numerator_{g}"] = k
        out[f"denominator_{g}"] = n
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"rate_{g}"] = np.where(n > 0, k / n, np.nan)
        lo, hi = wilson_ci(*eff[g], alpha=alpha)
        out[f"rate_{g}_ci_low"] = lo
        out[f"rate_{g}_ci_high"] = hi

    if measure == RELATIVE_LIKELIHOOD:
        rl = relative_likelihood(k1, n1, k2, n2, alpha=alpha)
        for col in ("value", "ci_low", "ci_high", "log_rl", "se_log_rl"):
            out[col] = rl[col].to_numpy()
        out["gap"] = np.nan
        out["gap_ci_low"] = np.nan
        out["gap_ci_high"] = np.nan
        out["zero_cell_correction"] = rl["zero_cell_correction"].to_numpy()
        codes = _join_codes(no_row, rl["note_codes"].to_numpy(dtype=object))
    else:
        p1 = out[f"rate_{g1}"].to_numpy()
        p2 = out[f"rate_{g2}"].to_numpy()
        out["value"] = 100.0 * p1
        out["ci_low"] = 100.0 * out[f"rate_{g1}_ci_low"].to_numpy()
        out["ci_high"] = 100.0 * out[f"rate_{g1}_ci_high"].to_numpy()
        out["log_rl"] = np.nan
        out["se_log_rl"] = np.nan
        out["gap"] = 100.0 * (p1 - p2)
        glo = np.full(size, np.nan)
        ghi = np.full(size, np.nan)
        ok = (
            np.isfinite(ke1)
            & np.isfinite(ke2)
            & (ne1 > 0)
            & (ne2 > 0)
            & (ke1 >= 0)
            & (ke1 <= ne1)
            & (ke2 >= 0)
            & (ke2 <= ne2)
        )
        if ok.any():
            # Newcombe's hybrid score interval (method 10 of Newcombe 1998, Stat Med
            # 17:873-890), the Wilson analogue for a difference of proportions.
            lo, hi = confint_proportions_2indep(
                ke1[ok], ne1[ok], ke2[ok], ne2[ok], method="newcomb", compare="diff", alpha=alpha
            )
            glo[ok], ghi[ok] = 100.0 * np.asarray(lo), 100.0 * np.asarray(hi)
        out["gap_ci_low"] = glo
        out["gap_ci_high"] = ghi
        out["zero_cell_correction"] = False
        with np.errstate(invalid="ignore"):
            empty1 = np.isfinite(n1) & (n1 <= 0)
            empty2 = np.isfinite(n2) & (n2 <= 0)
            missing1 = (rows1 > 0) & ~(np.isfinite(k1) & np.isfinite(n1))
            missing2 = (rows2 > 0) & ~(np.isfinite(k2) & np.isfinite(n2))
            invalid = ~empty1 & ~empty2 & ((k1 < 0) | (k1 > n1) | (k2 < 0) | (k2 > n2))
        weighted = (
            wide[f"_from_percent|{g1}"].fillna(False).astype(bool).to_numpy()
            | wide[f"_from_percent|{g2}"].fillna(False).astype(bool).to_numpy()
        )
        codes = _join_codes(
            no_row,
            _code_where(empty1, NO_STAFF, 1),
            _code_where(empty2, NO_STAFF, 2),
            _code_where(missing1 & ~empty1, MISSING, 1),
            _code_where(missing2 & ~empty2, MISSING, 2),
            _code_where(invalid, INVALID),
            _code_where(weighted, WEIGHTED, f"{deff:g}"),
        )
    out["note_codes"] = codes
    return out


def _statistics(sub: pd.DataFrame, keys: list[str], comparison: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts summed by ``keys`` (one row per key) and the statistics of those rows."""
    wide = _wide(_row_counts(sub, comparison.measure), keys, comparison.groups)
    return wide, _compute(wide, comparison)


def org_rates(df: pd.DataFrame, comparison: Comparison) -> pd.DataFrame:
    """Per-organisation rates and the indicator value, one row per (year, org_code, band).

    ``comparison.measure`` is ``"relative_likelihood"`` (value = rate(numerator_group) /
    rate(comparison_group)) or ``"percentage"`` (value = numerator group's percent); the
    caller takes it from the indicator registry. For percentages a row's count is used when
    given, else ``percent / 100 * denominator``. Rows of other groups (e.g. ``"unknown"``) are
    ignored, as WRES leaves staff of unstated ethnicity out of both groups.

    Returned columns: ``year, org_code, org_name, region, org_type, band, indicator,
    measure, numerator_group, comparison_group``; for each group ``g``:
    ``numerator_g, denominator_g`` (counts; for a weighted percent the derived count
    percent/100 x respondents), ``rate_g`` (proportion 0-1), ``rate_g_ci_low,
    rate_g_ci_high`` (Wilson, using effective n = n/deff for percentages); then ``value``,
    ``ci_low, ci_high`` (relative likelihood with Katz interval, or percent 0-100 with
    Wilson interval), ``log_rl, se_log_rl`` (NaN for percentages), ``gap, gap_ci_low,
    gap_ci_high`` (percentages only: numerator minus comparison group, percentage points,
    Newcombe hybrid score interval), ``zero_cell_correction``, ``note_codes`` (see the
    module docstring).

    ``comparison.deff`` is the survey design effect for percentages. The staff survey is
    weighted, so with ``deff=1`` its intervals are too narrow; rows built from a weighted
    percent carry the ``weighted`` code.
    """
    sub = comparison.rows(df)
    keys = ["year", "org_code", "band"]
    dup = sub.duplicated([*keys, "group"], keep=False)
    if dup.any():
        examples = sub.loc[dup, [*keys, "group"]].drop_duplicates().head().to_dict("records")
        raise ValueError(
            f"more than one row per (year, org_code, band, group) for indicator {comparison.indicator}: {examples}"
        )
    wide, stats = _statistics(sub, keys, comparison)
    attrs = [c for c in ("org_name", "region", "org_type") if c in sub.columns]
    lookup = sub.drop_duplicates(["year", "org_code"])[["year", "org_code", *attrs]]
    base = wide[keys].merge(lookup, on=["year", "org_code"], how="left")
    base.index = wide.index
    res = pd.concat([base, stats], axis=1)
    res.insert(res.columns.get_loc("band") + 1, "indicator", comparison.indicator)
    ordered = ["year", "org_code", *attrs, "band", "indicator"]
    return res[ordered + [c for c in res.columns if c not in ordered]].reset_index(drop=True)


def aggregate_rates(df: pd.DataFrame, by: Sequence[str], comparison: Comparison) -> pd.DataFrame:
    """National, regional or org-type figures by summing counts over organisations.

    ``by`` lists the grouping columns, e.g. ``["year"]`` (national), ``["year", "region"]``
    or ``["year", "org_type"]``; ``band`` is always added so bands are never summed together.
    Counts are summed within each group before the rate is taken (a pooled rate, not a mean
    of trust rates); for weighted survey percents the derived counts are summed, which
    weights each trust by its respondents. Returns the ``by`` columns, ``band``,
    ``indicator``, ``n_orgs`` (organisations contributing any row) and the same statistics
    columns as :func:`org_rates`.
    """
    by = list(by)
    keys = by + (["band"] if "band" not in by else [])
    sub = comparison.rows(df)
    wide, stats = _statistics(sub, keys, comparison)
    n_orgs = sub.groupby(keys, dropna=False)["org_code"].nunique().rename("n_orgs").reset_index()
    base = wide[keys].merge(n_orgs, on=keys, how="left")
    base.index = wide.index
    base.insert(len(keys), "indicator", comparison.indicator)
    return pd.concat([base, stats], axis=1).reset_index(drop=True)


def share_in_range(
    values: pd.DataFrame,
    low: float = 0.8,
    high: float = 1.25,
    *,
    value: str = "value",
    by: Sequence[str] = ("year",),
) -> pd.DataFrame:
    """Share of organisations whose relative likelihood lies in ``[low, high]`` (inclusive).

    The default 0.80-1.25 is NHS England's "non-adverse" range (the four-fifths rule).
    Takes a frame with the ``by`` columns and ``value`` (e.g. from :func:`org_rates`).
    Returns ``by`` columns, ``n_orgs`` (rows with a value), ``n_in_range``, ``share``
    (0-1; NaN if no row has a value) and ``n_not_estimable`` (rows whose value is NaN,
    counted rather than silently dropped).
    """
    by = list(by)
    v = pd.to_numeric(values[value], errors="coerce")
    frame = values[by].assign(
        _has=v.notna().to_numpy(),
        _in=(v.notna() & (v >= low) & (v <= high)).to_numpy(),
    )
    g = frame.groupby(by, dropna=False, sort=True)
    out = pd.DataFrame(
        {
            "n_orgs": g["_has"].sum().astype(int),
            "n_in_range": g["_in"].sum().astype(int),
            "n_not_estimable": g["_has"].apply(lambda s: int((~s).sum())),
        }
    )
    out["share"] = out["n_in_range"] / out["n_orgs"].where(out["n_orgs"] > 0)
    return out.reset_index()[[*by, "n_orgs", "n_in_range", "share", "n_not_estimable"]]
