"""The exact binomial funnel on member counts (:mod:`wres.stats.representation`).

A group of ``n`` (a board, senior managers) with ``k`` minority members is compared with
``Binomial(n, share x ratio)``: the organisation's workforce share times the national
representation ratio (the organisation as representative as the country), and, needing no
peers, with ``Binomial(n, share)`` (parity with its own workforce). Exact tails (Clopper &
Pearson 1934, Biometrika 26:404-413), two-sided p by doubling. Counts are whole numbers, so
the limits flag at most their nominal share (for small groups well under it); they are not
widened for differences between organisations, because each organisation is compared with
its own workforce share.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wres.stats.funnels.base import AT_MOST, MEMBERS, FunnelFit, FunnelMethod, MemberCounts


class ExactBinomial(FunnelMethod):
    name = "exact_binomial"
    title = "Exact binomial limits on the number of members"
    assumptions = (
        "Each member of an organisation's group is, independently, from the minority group with probability "
        "equal to the organisation's workforce share times the national representation ratio; the workforce "
        "share is treated as known, since it comes from thousands of staff and the group from a dozen. Limits "
        "are exact binomial tails, so no normal approximation is needed for small groups, and they are not "
        "widened for differences between organisations."
    )
    inputs = MEMBERS
    nominal_share = AT_MOST

    def fit(self, data: MemberCounts, *, min_orgs: int) -> FunnelFit:
        """Place every group against parity (``parity_*`` columns, always) and, with at least
        ``min_orgs`` usable organisations and a finite ratio, against ``share x ratio``
        (``p``, ``expected`` members, ``position_*``). ``precision`` is the group's size."""
        from wres.stats import representation as rep

        if not isinstance(data, MemberCounts):
            raise TypeError(f"the {self.name} funnel takes MemberCounts, not {type(data).__name__}")
        k, n, share = (np.asarray(a, dtype=float) for a in (data.k, data.n, data.share))
        parity = rep.representation_funnel(k, n, share, view="parity")
        ok = parity["position_95"].to_numpy() != "not estimable"
        n_ok = int(ok.sum()) if np.isfinite(data.ratio) else 0
        fitted = n_ok >= min_orgs
        table = pd.DataFrame(
            {
                "precision": np.where(ok, n, np.nan),
                "parity_p": parity["p_two_sided"].to_numpy(),
                "parity_expected": parity["expected"].to_numpy(),
                "parity_position_95": parity["position_95"].to_numpy(),
                "parity_position_998": parity["position_998"].to_numpy(),
            }
        )
        if fitted:
            nat = rep.representation_funnel(k, n, share, national_ratio=data.ratio, view="national_ratio")
            table = table.assign(
                z=np.nan,
                p=nat["p_two_sided"].to_numpy(),
                expected=nat["expected"].to_numpy(),
                position_95=nat["position_95"].to_numpy(),
                position_998=nat["position_998"].to_numpy(),
                exact=ok,
            )
        else:
            table = table.assign(
                z=np.nan,
                p=np.nan,
                expected=np.nan,
                position_95="not estimable",
                position_998="not estimable",
                exact=False,
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            wf_share = float(np.nansum(np.where(ok, share * n, 0)) / np.nansum(np.where(ok, n, 0)))
        return FunnelFit(
            method=self.name,
            transform="binomial",
            target=float(np.log(data.ratio)) if data.ratio > 0 else np.nan,
            phi=np.nan,
            tau2=np.nan,
            tau2_used=0.0,
            overdispersion=False,
            n_orgs=n_ok,
            n_exact=n_ok,
            fitted=fitted,
            placed=table,
            limit_data={"sizes": n[ok], "share": wf_share, "ratio": data.ratio},
        )

    def limits(self, fit: FunnelFit, num: int) -> pd.DataFrame:
        """Ratio limits for groups of each size, drawn at the size-weighted workforce share of
        the placed organisations (each is placed at its own share, so a point near a drawn
        limit may lie on the other side of its own): ``q / (n share)`` with ``q`` the
        quantile of ``Binomial(n, share x ratio)`` at ``alpha / 2`` and ``1 - alpha / 2``."""
        return binomial_limits(fit.limit_data["sizes"], fit.limit_data["share"], fit.limit_data["ratio"], num)

    @staticmethod
    def panel_tails(data: MemberCounts) -> dict[str, np.ndarray]:
        """Exact tails ``lower = P(X <= k)``, ``upper = P(X >= k)`` of stacked panels
        against ``share x ratio`` (the calibration harness)."""
        from wres.stats import representation as rep

        return rep.tails(data.k, data.n, rep.expected_share(data.share, data.ratio))

    def describe(self, fit: Mapping, minority_label: str = "") -> str:
        who = f"{minority_label} members" if minority_label else "members"
        return (
            "The limits are exact binomial limits on the number of " + who + " of each senior group; because "
            "counts are whole numbers, with no real differences at most about 5% (usually fewer) would lie "
            "outside the 95% limits by chance, and at most 0.2% outside the 99.8% limits. They are not "
            "widened: each organisation is compared with its own workforce share."
        )

    def calibration_expected(self, level: str, side: str) -> str:
        return "at_most_nominal"


def binomial_limits(sizes, workforce_share: float, ratio: float, num: int) -> pd.DataFrame:
    """Exact binomial limits on the representation ratio: ``precision`` (group sizes, people,
    at most ``num`` whole numbers over the range of ``sizes``), ``target`` (the ratio) and
    ``ll95, ul95, ll998, ul998`` (ratios)."""
    from scipy import stats

    from wres.stats.representation import LEVELS

    lo, hi = int(max(1, np.nanmin(sizes))), int(max(1, np.nanmax(sizes)))
    grid = np.unique(np.round(np.linspace(lo, hi, min(num, hi - lo + 1))).astype(int))
    p0 = min(1.0, workforce_share * ratio)
    out = {"precision": grid.astype(float), "target": ratio}
    for name, a in LEVELS.items():
        out[f"ll{name}"] = stats.binom.ppf(a / 2, grid, p0) / (grid * workforce_share)
        out[f"ul{name}"] = stats.binom.isf(a / 2, grid, p0) / (grid * workforce_share)
    return pd.DataFrame(out)


METHOD = ExactBinomial()
