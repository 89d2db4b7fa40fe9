"""How the report writes an interval and a position against the funnel limits.

One job: the shared wording of those two things, for the site and the print report alike.
Pages differ on purpose (a chart's tooltip says "within the limits", the print report
"within the 95% funnel limits"), so each difference is a parameter of one function, not a
copy. A single value is written by its indicator's kind (:meth:`wres.kinds.base.Kind.fmt`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from wres.report.tables import is_missing

#: The positions ``funnel_position_95`` / ``funnel_position_998`` take outside the limits.
OUTSIDE = ("above", "below")
#: A chart's words for a point the funnel does not place.
CHART_NOT_PLACED = "not placed (no estimate, or too few organisations)"


def interval(
    lo: object,
    hi: object,
    fmt: Callable[[object], str],
    *,
    prefix: str = "",
    suffix: str = "",
    missing: str = "not available",
) -> str:
    """``"<prefix><lo> to <hi><suffix>"``, each end written by ``fmt``; ``missing`` when
    either end is missing. E.g. ``1.20 to 1.90``; ``95% CI 29.1% to 31.0%``."""
    if is_missing(lo) or is_missing(hi):
        return missing
    return f"{prefix}{fmt(lo)} to {fmt(hi)}{suffix}"


def series_value(v: object, unit: str) -> str:
    """A published national figure in its series' unit: ``29.5%`` for a percent, ``-12.1`` for
    percentage points, else two decimals (ratios); missing: ``—``."""
    if is_missing(v):
        return "—"
    if unit == "percent":
        return f"{float(v):.1f}%"
    # Percentage points to one decimal, as the site writes them ("-12.1", never "-12.10").
    return f"{float(v):.1f}" if unit == "percentage points" else f"{float(v):.2f}"


def pct_change(log_ratio: object) -> str:
    """A log odds-ratio slope as the % change in the odds ratio a year (100·(e^slope − 1));
    near-separation gives absurd intervals, shown as beyond ±1000%; missing: ``—``."""
    if is_missing(log_ratio):
        return "—"
    if float(log_ratio) > math.log(11):
        return "> +1000%"
    return f"{100 * math.expm1(float(log_ratio)):+.1f}%"


def position_words(
    position: object, *, limit: str = "", peers: bool = False, side: bool = True, not_placed: str = "not placed"
) -> str:
    """A funnel position (``inside``, ``above``, ``below``, ``not estimable``) in words.

    ``limit``: the words before "limit(s)" (``"95% "``, ``"95% funnel "``); ``peers``: say
    "higher/lower than peers"; ``side``: say which limit it lies beyond (both joined by a
    colon); ``not_placed``: the words for ``not estimable``. Any other value is returned as
    it is. E.g. ``above`` -> ``"above the upper limit"``, with ``peers=True, limit="95% funnel "``
    -> ``"higher than peers: above the upper 95% funnel limit"``."""
    if position in OUTSIDE:
        above = position == "above"
        parts = [f"{'higher' if above else 'lower'} than peers"] if peers else []
        if side:
            parts.append(f"{'above the upper' if above else 'below the lower'} {limit}limit")
        return ": ".join(parts)
    if position == "inside":
        return f"within the {limit}limits"
    return not_placed if position == "not estimable" else position  # type: ignore[return-value]


def limit_words(pos95: object, pos998: object) -> str:
    """Where a point lies against both sets of funnel limits, the outer one first."""
    for pos, limit in ((pos998, "99.8% "), (pos95, "95% ")):
        if pos in OUTSIDE:
            return position_words(pos, limit=limit)
    return position_words(pos95, limit="95% ") if pos95 == "inside" else "not placed"


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary where one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"
