"""The multiplicative funnel: limits ``target +/- z sqrt(phi) s0``, phi floored at 1.

Spiegelhalter (2005), "Handling over-dispersion of performance indicators", Qual Saf Health
Care 14:347-351, "multiplicative" model: every organisation's null variance ``s0^2`` (as in
:mod:`~wres.stats.funnels.additive`) is multiplied by the overdispersion factor ``phi = sum
z^2 / N`` of the unwinsorised null z-scores (never below 1). Differences between
organisations that do not grow with their size (the additive model the data follow) make it
flag too many at 99.8% in every shape the calibration harness tries; at 95% it depends on
the shape. Kept to show the difference, not used by the book.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from wres.stats.funnels.additive import NullSpreadMethod
from wres.stats.funnels.base import exact_words


class Multiplicative(NullSpreadMethod):
    name = "multiplicative"
    title = "Multiplicative overdispersion (φ), spread at the target"
    assumptions = (
        "Organisations' results vary more than chance by a common factor (φ, at least 1) that multiplies each "
        "organisation's variance on target, so the extra spread is largest for the smallest organisations. "
        f"{NullSpreadMethod.SHARED_ASSUMPTIONS}"
    )
    variance = "multiplicative_variance"

    def describe(self, fit: Mapping, minority_label: str = "") -> str:
        phi = max(1.0, float(fit["phi"])) if pd.notna(fit.get("phi")) else 1.0
        return (
            f"The limits were widened by a multiplicative factor (φ = {phi:.3g}) for differences between "
            f"organisations.{exact_words(fit)}"
        )

    def calibration_expected(self, level: str, side: str) -> str:
        # Variance proportional to the binomial one, although the simulated spread is additive:
        # too many at 99.8% in every shape; at 95% it depends on the shape, so those rows inform.
        return "anti_conservative" if (level, side) == ("998", "outside") else "informative"


METHOD = Multiplicative()
