"""The additive funnel, the book's default: spread at the target, DerSimonian-Laird tau2 at
the null, exact mid-p placement for small counts (:mod:`wres.stats.overdispersion`).

Every organisation's standard error ``s0`` is the one it would have on target, from its
denominators (Spiegelhalter 2005, Stat Med 24:1185-1202, sections 2-3); the between-
organisation variance ``tau2`` is the DerSimonian & Laird (1986, Control Clin Trials
7:177-188) moment estimator on the unwinsorised null z-scores; limits are ``target +/- z
sqrt(s0^2 + tau2)`` (Spiegelhalter 2005, Qual Saf Health Care 14:347-351, "additive random
effects"). Rows with few expected events are placed by the exact conditional binomial test
with mid-p tails. The calibration harness finds it flags about its nominal share.

:class:`NullSpreadMethod` is the family this method shares with
:mod:`~wres.stats.funnels.multiplicative` and :mod:`~wres.stats.funnels.none`: the same null
standard errors and exact placement, a different widening.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pandas as pd

from wres.stats import funnel
from wres.stats.funnels.base import (
    ABOUT,
    COUNTS,
    SCALE_WORDS,
    FunnelFit,
    FunnelMethod,
    ProportionCounts,
    RatioCounts,
    exact_words,
    two_sided_p,
)


class NullSpreadMethod(FunnelMethod):
    """Limits from the null standard error ``s0``, widened by :attr:`variance`."""

    inputs = COUNTS
    #: What every method of this family shares with the additive one, said once.
    SHARED_ASSUMPTIONS = "Standard errors and exact placement of small counts are those of the additive method."
    #: The widening, a function of :mod:`wres.stats.overdispersion` named here (that module
    #: imports scipy, so it is looked up when a method fits).
    variance: ClassVar[str] = "additive_variance"

    def _widen(self):
        from wres.stats import overdispersion as od

        return getattr(od, self.variance)

    def tau2_used(self, tau2: float) -> float:
        """The additive variance the drawn limits carry (0: not widened by tau2)."""
        return 0.0

    def fit(self, data: RatioCounts | ProportionCounts, *, min_orgs: int) -> FunnelFit:
        """Place organisations on a log-ratio funnel (:class:`RatioCounts`, rows with
        unusable counts given as NaN) or an arcsine square-root proportion funnel
        (:class:`ProportionCounts`, precision = effective respondents ``n / deff``)."""
        from wres.stats import overdispersion as od

        widen = self._widen()
        if isinstance(data, ProportionCounts):
            res = od.proportion_funnel(data.k, data.n, data.target_p, deff=data.deff, widen=widen, min_orgs=min_orgs)
            precision = np.asarray(data.n, dtype=float) / data.deff
            transform = "asin"
        elif isinstance(data, RatioCounts):
            res = od.rl_funnel(
                data.k1, data.n1, data.k2, data.n2, data.rate1, data.rate2, widen=widen, min_orgs=min_orgs
            )
            precision = res["precision"].to_numpy()
            transform = "log"
        else:
            raise TypeError(f"the {self.name} funnel takes RatioCounts or ProportionCounts, not {type(data).__name__}")
        info = res.attrs["funnel"]
        tau2_used = self.tau2_used(info["tau2"])
        placed = res["position_95"].to_numpy() != "not estimable"
        z = res["z_adjusted"].to_numpy()
        table = pd.DataFrame(
            {
                "precision": np.where(placed, precision, np.nan),
                "z": z,
                "p": two_sided_p(z),
                "position_95": res["position_95"].to_numpy(),
                "position_998": res["position_998"].to_numpy(),
                "exact": res["exact"].to_numpy(bool) & placed,
            }
        )
        return FunnelFit(
            method=self.name,
            transform=transform,
            target=info["target"],
            phi=info["phi"],
            tau2=info["tau2"],
            tau2_used=tau2_used,
            overdispersion=bool(tau2_used > 0),
            n_orgs=info["n_orgs"],
            n_exact=int(table["exact"].sum()),
            fitted=info["fitted"],
            placed=table,
        )

    def limits(self, fit: FunnelFit, num: int) -> pd.DataFrame:
        """``target +/- z sqrt(s0^2 + tau2_used)`` (:func:`wres.stats.funnel.funnel_limits`).
        The multiplicative method's limits are drawn unwidened: its factor applies to each
        organisation's own ``s0``, so no one curve shows it."""
        grid = funnel.precision_grid(fit.placed["precision"].to_numpy(), num=num)
        return funnel.funnel_limits(fit.target, fit.tau2_used, grid, fit.transform)

    def panel_z(self, data: RatioCounts | ProportionCounts) -> np.ndarray:
        """Adjusted deviates of many stacked panels at once (``(reps, N)``; the calibration
        harness). Targets as :meth:`fit` takes them, per panel."""
        from wres.stats import overdispersion as od

        if isinstance(data, ProportionCounts):
            inp = od.proportion_null_inputs(data.k, data.n, data.target_p, deff=data.deff)
        else:
            inp = od.rl_null_inputs(data.k1, data.n1, data.k2, data.n2, data.rate1, data.rate2)
        return od.adjusted_z(inp["y"], inp["s0"], inp["target"][..., 0], inp["exact"], inp["z_exact"], self._widen())[
            "z_adjusted"
        ]


class Additive(NullSpreadMethod):
    name = "additive"
    title = "Additive random effects (DerSimonian–Laird), spread at the target"
    assumptions = (
        "Organisations differ from the target by a normally distributed effect whose variance (τ²) is "
        "estimated by DerSimonian–Laird from every organisation's deviation, untrimmed. Each organisation's "
        "standard error is the one it would have if it were on target, worked out from its own denominators, "
        "so it does not move with its own result. Organisations with few expected events (under five, or when "
        "events are rare in both groups) are placed by the exact conditional binomial test with mid-p tails. "
        "Ratios are judged on the log scale, percentages on the arcsine square-root scale."
    )
    nominal_share = ABOUT
    variance = "additive_variance"

    def tau2_used(self, tau2: float) -> float:
        return tau2 if np.isfinite(tau2) else 0.0

    #: What the limits assume, in the words a page adds (data/calibration/calibration.csv: t
    #: with 3 df, 0.9-1.5% outside the 99.8% limits; spreads 0.2-0.4, up to 0.3% beyond one
    #: 99.8% limit, because the pooled target is not the centre of the organisations).
    TAILS = (
        " These rates assume organisations differ in the usual way (normally on that scale); if a few "
        "differ far more (heavier tails), about 1 in 100 lie outside the 99.8% limits by chance, and with "
        "a wide spread between organisations up to about 3 in 1,000 lie beyond one of the 99.8% limits."
    )

    def describe(self, fit: Mapping, minority_label: str = "") -> str:
        tau2 = float(fit["tau2"]) if pd.notna(fit.get("tau2")) else float("nan")
        chance = (
            "With no real differences between organisations about 5% would lie outside the 95% limits by "
            "chance, and about 0.2% outside the 99.8% limits"
        )
        exact = exact_words(fit)
        if tau2 > 0:
            scale = SCALE_WORDS.get(str(fit.get("transform", "")), "")
            return (
                f"{chance}; the limits were widened for real differences between organisations "
                f"(τ² = {tau2:.3g} on the {scale}, DerSimonian–Laird).{exact}{self.TAILS}"
            )
        return (
            f"{chance}; the organisations differ no more than chance explains (τ² = 0), so the limits were not "
            f"widened.{exact}{self.TAILS}"
        )

    def calibration_expected(self, level: str, side: str) -> str:
        """``approximately_nominal``: checked against the harness's funnel tolerances, not 3
        Monte Carlo SE, because 200 organisations x hundreds of panels make the MC SE a few
        hundredths of a point while two small, explained biases remain (the pooled target is
        not the centre of the organisations when tau2 is large; mid-p deviates of very small
        counts)."""
        return "approximately_nominal"


METHOD = Additive()
