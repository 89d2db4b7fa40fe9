"""One trend verdict rule for every test in the book, returned as codes (no sentences).

The verdict values are the results contract's codes (``data/README.md``, section
"Results"): they are written to ``national_trends.csv`` and ``trust_trends.csv`` as they
are. Why a verdict was reached is a :data:`REASONS` code; the analysis layer turns it into
words (``wres.analysis.notes``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wres.stats.parity import SCALES, parity_change_code

#: ``"parity"``: improvement is moving towards equal treatment (``wres.stats.parity``).
DIRECTIONS = ("up", "down", "none", "parity")

IMPROVING, WORSENING = "improving", "worsening"
INCREASING, DECREASING = "increasing", "decreasing"
NO_CHANGE = "no significant change"
TOO_FEW_YEARS = "too few years"
NOT_ESTIMABLE = "not estimable"
#: A significant trend whose fitted line starts on one side of parity and ends on the other.
CROSSED_PARITY = "crossed parity"
VERDICTS = (IMPROVING, WORSENING, INCREASING, DECREASING, NO_CHANGE, TOO_FEW_YEARS, NOT_ESTIMABLE, CROSSED_PARITY)

_PARITY_VERDICT = {
    "improving": IMPROVING,
    "worsening": WORSENING,
    "crossed_parity": CROSSED_PARITY,
    "no_significant_change": NO_CHANGE,
}

#: Why a verdict was reached (what the two tests said), in :attr:`Verdict.reason`.
REASONS = (
    "too_few_years",  # fewer years than the test needs: nothing tested
    "no_estimate",  # slope or p-value not available
    "no_cross_check",  # regression available, Mann-Kendall not run
    "both_significant",  # both tests significant, same direction
    "contradict",  # both significant, opposite directions
    "unconfirmed",  # regression significant, Mann-Kendall not
    "cross_check_only",  # Mann-Kendall significant, regression not
    "neither",  # neither test significant
)


@dataclass(frozen=True)
class Verdict:
    """A verdict code and why: ``sign``/``cross_sign`` are the signs (+1, -1, 0) of the
    regression slope and of the Mann-Kendall S (0 when absent)."""

    verdict: str
    tests_agree: bool | None
    reason: str
    sign: int = 0
    cross_sign: int = 0


def _finite(x) -> bool:
    return x is not None and bool(np.isfinite(x))


def _direction_word(up: bool, improvement: str) -> str:
    if improvement == "none":
        return INCREASING if up else DECREASING
    return IMPROVING if up == (improvement == "up") else WORSENING


def _parity_word(first, last, scale) -> str:
    if scale not in SCALES:
        raise ValueError(f"improvement 'parity' needs scale in {SCALES}, got {scale!r}")
    code = parity_change_code(first, last, True, scale)
    if code == "not_estimable":
        raise ValueError("improvement 'parity' needs the finite fitted first and last values of the tested line")
    return _PARITY_VERDICT[code]


def classify(
    slope: float,
    p_value: float,
    n_years: int,
    improvement: str,
    *,
    alpha: float = 0.05,
    min_years: int,
    cross_p: float | None = None,
    cross_s: float | None = None,
    missing: str = NO_CHANGE,
    first: float | None = None,
    last: float | None = None,
    scale: str | None = None,
) -> Verdict:
    """Verdict for one trend: significance is judged on ``p_value`` alone.

    ``improvement`` is the direction counted as better (``"up"``, ``"down"``, ``"none"``
    for "increasing"/"decreasing", or ``"parity"``: towards parity, judged by
    :func:`wres.stats.parity.parity_change_code` on ``first``/``last``, the fitted values of
    the tested line at its first and last year on the natural scale, with ``scale`` "log"
    for ratios (parity 1) or "identity" for gaps in percentage points (parity 0); a line
    that ends on the other side of parity is "crossed parity"). ``p_value`` may be a Benjamini-Hochberg q-value.
    ``cross_p``/``cross_s`` (the Mann-Kendall p and S, optional) only set ``tests_agree``
    and ``reason``: a single test decides, so that one verdict rule holds everywhere.

    * ``n_years < min_years`` -> "too few years" (tests_agree None);
    * no slope or p-value -> ``missing`` ("no significant change" for national series,
      "not estimable" where a model can fail, e.g. the organisation GLM);
    * ``p_value < alpha`` -> by the sign of ``slope`` against ``improvement`` (for
      ``"parity"``: by the fitted ends' distance from parity);
    * else "no significant change" (a non-significant change is never called a change).

    ``tests_agree`` is False when exactly one test is significant, or both are but with
    opposite signs; None when the cross-check is absent.
    """
    if improvement not in DIRECTIONS:
        raise ValueError(f"improvement must be one of {DIRECTIONS}, got {improvement!r}")
    if missing not in (NO_CHANGE, NOT_ESTIMABLE):
        raise ValueError(f"missing must be {NO_CHANGE!r} or {NOT_ESTIMABLE!r}")
    if n_years < min_years:
        return Verdict(TOO_FEW_YEARS, None, "too_few_years")
    if not _finite(p_value) or (missing == NOT_ESTIMABLE and not _finite(slope)):
        return Verdict(missing, None, "no_estimate")
    sig = p_value < alpha
    if sig and not (_finite(slope) and slope != 0):
        raise ValueError("a significant p-value needs a finite, non-zero slope")
    sign = int(np.sign(slope)) if _finite(slope) else 0
    if not sig:
        verdict = NO_CHANGE
    elif improvement == "parity":
        verdict = _parity_word(first, last, scale)
    else:
        verdict = _direction_word(slope > 0, improvement)
    if not _finite(cross_p):
        return Verdict(verdict, None, "no_cross_check", sign)
    cross_sig = cross_p < alpha
    cross_sign = int(np.sign(cross_s)) if _finite(cross_s) else 0
    if sig and cross_sig:
        agree = cross_sign == 0 or cross_sign == sign
        return Verdict(verdict, agree, "both_significant" if agree else "contradict", sign, cross_sign)
    if sig:
        return Verdict(verdict, False, "unconfirmed", sign, cross_sign)
    if cross_sig:
        return Verdict(verdict, False, "cross_check_only", sign, cross_sign)
    return Verdict(verdict, True, "neither", sign, cross_sign)
