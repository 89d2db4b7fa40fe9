"""Sentences for the results tables' note columns, composed from the statistics' codes.

``wres.stats`` returns codes and numbers only; the words written into results files (the
``verdict_note`` of ``national_trends.csv``) are made here, so that one module holds them.
"""

from __future__ import annotations

import numpy as np

from wres.stats.verdicts import Verdict


def fmt_p(p: float, alpha: float) -> str:
    """Two decimals, more if rounding would put p on the other side of alpha."""
    if not np.isfinite(p):
        return "not available"
    if p < 0.001:
        return "< 0.001"
    for d in (2, 3, 4):
        r = round(p, d)
        if (r < alpha) == (p < alpha) and r > 0:
            return f"= {r:.{d}f}"
    return f"= {p:.4f}"


def _change(sign: int) -> str:
    return "rise" if sign > 0 else "fall"


def verdict_note(v: Verdict, *, n_years: int, min_years: int, p_value: float, cross_p: float,
                 alpha: float = 0.05, p_label: str = "p") -> str:
    """What the regression and the Mann–Kendall cross-check said, in one or two sentences.

    ``p_label`` names the regression's p-value (``"q"`` when it is a Benjamini–Hochberg
    q-value)."""
    if v.reason == "too_few_years":
        return (f"Only {n_years} year{'s' if n_years != 1 else ''} of data; at least "
                f"{min_years} are needed before a trend is tested, so no p-value is given.")
    if v.reason == "no_estimate":
        return "The regression p-value could not be computed, so no change is reported."
    ols = f"{p_label} {fmt_p(p_value, alpha)}"
    mk = f"p {fmt_p(cross_p, alpha)}"
    if v.reason == "no_cross_check":
        found = f"a significant {_change(v.sign)}" if p_value < alpha else "no significant change"
        return f"The regression finds {found} ({ols}); the Mann–Kendall test was not available."
    if v.reason == "contradict":
        return (f"The regression finds a significant {_change(v.sign)} ({ols}) but the "
                f"Mann–Kendall test finds a significant {_change(v.cross_sign)} ({mk}); "
                "the two tests contradict each other.")
    if v.reason == "both_significant":
        return (f"Both the regression ({ols}) and the Mann–Kendall test ({mk}) "
                f"find a significant {_change(v.sign)}.")
    if v.reason == "unconfirmed":
        return (f"The regression finds a significant {_change(v.sign)} ({ols}) but the "
                f"Mann–Kendall test does not confirm it ({mk}).")
    if v.reason == "cross_check_only":
        what = f"significant {_change(v.cross_sign)}" if v.cross_sign else "significant trend"
        return (f"The Mann–Kendall test finds a {what} ({mk}) but the regression does not "
                f"({ols}), so no significant change is reported.")
    return (f"Neither the regression ({ols}) nor the Mann–Kendall test ({mk}) "
            "finds a significant change.")
