"""The unwidened funnel: limits ``target +/- z s0`` from chance alone.

The null standard errors and exact placement of :mod:`~wres.stats.funnels.additive`, with no
allowance for real differences between organisations (Spiegelhalter 2005, Stat Med
24:1185-1202, section 3, before section 5's overdispersion). When organisations do differ
(they do in every shape the calibration harness tries) it flags far more than its nominal
share. Kept to show the difference, not used by the book.
"""

from __future__ import annotations

from collections.abc import Mapping

from wres.stats.funnels.additive import NullSpreadMethod


class Unwidened(NullSpreadMethod):
    name = "none"
    title = "No allowance for differences between organisations"
    variance = "null_variance"
    assumptions = (
        "Organisations differ from the target by chance alone: no real differences between them are allowed "
        f"for, so every organisation's limits come from the variance it would have on target. "
        f"{NullSpreadMethod.SHARED_ASSUMPTIONS}"
    )

    def describe(self, fit: Mapping, minority_label: str = "") -> str:
        return "The limits are not widened for differences between organisations, so they flag more than 5% by chance."


METHOD = Unwidened()
