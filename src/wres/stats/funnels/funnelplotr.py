"""The FunnelPlotR-compatible funnel (:mod:`wres.stats.funnel`), kept as an option.

As the R package FunnelPlotR computes it (nhs-r-community/FunnelPlotR: ``R/od_adjustment.R``,
``R/calculate_limits.R``; Spiegelhalter 2005, Qual Saf Health Care 14:347-351): z-scores
from each organisation's *own* standard error, ``phi`` from z-scores winsorised at their
10th and 90th percentiles, DerSimonian-Laird ``tau2`` from that ``phi``, limits ``target +/-
z sqrt(s^2 + tau2)``. Its own standard error is correlated with its estimate for small
counts and the winsorised ``phi`` is biased low, so it flags more than its nominal share
(``data/calibration/calibration.csv``). It works from any estimate with a standard error,
so a build that asks for it gets it for every indicator, whatever the indicator's own method.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wres.stats import funnel
from wres.stats.funnels.base import (
    ESTIMATES,
    SCALE_WORDS,
    Estimates,
    FunnelFit,
    FunnelMethod,
    ProportionCounts,
    RatioCounts,
    positions,
    two_sided_p,
)


class FunnelPlotR(FunnelMethod):
    name = "funnelplotr"
    title = "FunnelPlotR's method (winsorised φ, each organisation's own standard error)"
    assumptions = (
        "Organisations differ from the target by a normally distributed effect whose variance (τ²) is "
        "estimated by DerSimonian–Laird from deviations winsorised at their 10th and 90th percentiles. Each "
        "organisation is judged with its own standard error, worked out from its own result. Ratios are "
        "judged on the log scale, percentages on the arcsine square-root scale, with no exact tests for small "
        "counts."
    )
    inputs = ESTIMATES
    # One call of wres.stats.funnel per panel.
    vectorised = False

    def fit(self, data: Estimates, *, min_orgs: int, min_orgs_tau2: int = funnel.MIN_ORGS_FOR_TAU2) -> FunnelFit:
        """Place organisations by :func:`wres.stats.funnel.funnel_table`; ``tau2`` is
        estimated from ``min_orgs_tau2`` usable organisations (FunnelPlotR's default 10)."""
        if not isinstance(data, Estimates):
            raise TypeError(f"the {self.name} funnel takes Estimates, not {type(data).__name__}")
        y = np.atleast_1d(np.asarray(data.y, dtype=float))
        s = np.atleast_1d(np.asarray(data.s, dtype=float))
        tab = funnel.funnel_table(pd.DataFrame({"y": y, "s": s}), target=data.target, min_orgs=min_orgs_tau2)
        info = tab.attrs["funnel"]
        fitted = info["n_orgs"] >= min_orgs
        z = tab["funnel_z"].to_numpy() if fitted else np.full(len(tab), np.nan)
        ok = np.isfinite(y) & np.isfinite(s) & (s > 0)
        precision = np.broadcast_to(np.asarray(data.precision, dtype=float), y.shape)
        table = pd.DataFrame(
            {
                "precision": np.where(ok, precision, np.nan),
                "z": z,
                "p": two_sided_p(z),
                **positions(z),
                "exact": False,
            }
        )
        return FunnelFit(
            method=self.name,
            transform=data.transform,
            target=info["target"],
            phi=info["phi"],
            tau2=info["tau2"],
            tau2_used=info["tau2"] if info["overdispersion"] else 0.0,
            overdispersion=info["overdispersion"],
            n_orgs=info["n_orgs"],
            n_exact=0,
            fitted=fitted,
            placed=table,
            note_codes=info["note_codes"],
        )

    def limits(self, fit: FunnelFit, num: int) -> pd.DataFrame:
        """``target +/- z sqrt(s^2 + tau2)`` when tau2 was applied (:func:`wres.stats.funnel.funnel_limits`)."""
        grid = funnel.precision_grid(fit.placed["precision"].to_numpy(), num=num)
        return funnel.funnel_limits(fit.target, fit.tau2_used, grid, fit.transform)

    @staticmethod
    def estimates(data: RatioCounts | ProportionCounts) -> Estimates:
        """FunnelPlotR's inputs from counts: the log ratio with its own Katz standard error
        around the log of the target ratio (:func:`wres.stats.rates.relative_likelihood`), or
        ``asin(sqrt(p))`` with ``1 / (2 sqrt(n / deff))`` (FunnelPlotR ``data_type="PR"``)."""
        from wres.stats import overdispersion as od
        from wres.stats.rates import relative_likelihood

        if isinstance(data, ProportionCounts):
            d = od.proportion_null_inputs(data.k, data.n, data.target_p, data.deff, "asin")
            target = float(np.squeeze(d["target"]))
            return Estimates(d["y"], d["s0"], target, "asin", np.asarray(data.n, float) / data.deff)
        rates = (data.rate1, data.rate2)
        if data.rate1 is None or data.rate2 is None:
            rates = od.pooled_rates(data.k1, data.n1, data.k2, data.n2)
        target = float(np.squeeze(np.log(rates[0] / rates[1])))
        rl = relative_likelihood(*(np.atleast_1d(np.asarray(a, float)) for a in (data.k1, data.n1, data.k2, data.n2)))
        s = rl["se_log_rl"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            return Estimates(rl["log_rl"].to_numpy(), s, target, "log", 1 / s**2)

    def panel_z(self, data: RatioCounts | ProportionCounts) -> np.ndarray:
        """Adjusted deviates of stacked panels ``(reps, N)``, one panel at a time, each
        against its own target and with tau2 from however many organisations it has."""
        out = []
        for i in range(np.shape(data.k1 if isinstance(data, RatioCounts) else data.k)[0]):
            if isinstance(data, RatioCounts):
                one = RatioCounts(data.k1[i], data.n1[i], data.k2[i], data.n2[i])
            else:
                one = ProportionCounts(data.k[i], data.n[i], data.target_p[i], data.deff)
            out.append(self.fit(self.estimates(one), min_orgs=1, min_orgs_tau2=1).placed["z"].to_numpy())
        return np.vstack(out)

    def describe(self, fit: Mapping, minority_label: str = "") -> str:
        tau2 = float(fit["tau2"]) if pd.notna(fit.get("tau2")) else float("nan")
        scale = SCALE_WORDS.get(str(fit.get("transform", "")), "")
        widened = (
            f"the limits were widened by FunnelPlotR's method (τ² = {tau2:.3g} on the {scale})"
            if bool(fit.get("overdispersion")) and tau2 > 0
            else "the limits were not widened"
        )
        return (
            f"These limits follow the FunnelPlotR package (winsorised φ, each organisation's own standard error); "
            f"{widened}. This method flags more than its stated 5% by chance (see the calibration chapter)."
        )


METHOD = FunnelPlotR()
