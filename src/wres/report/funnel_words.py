"""What a fitted funnel says about chance and widening, in words.

One job: the sentences that explain a funnel's limits from its fit (``method``, ``tau2``,
``phi``, ``n_exact`` of ``organisation_funnel_fits``), for the funnel's subtitle, the
chapter's introduction to it and the text alternative.
"""

from __future__ import annotations

import pandas as pd


def _tau2_scale(fit) -> str:
    return {"log": "log scale", "asin": "arcsine square-root scale"}.get(str(fit.get("transform", "")), "")


def funnel_model_words(fit, minority_label: str = "") -> str:
    """What the funnel fitted to this page's data says about chance and widening.

    Every sentence follows the fit's ``method``, ``tau2``, ``phi`` and ``n_exact``
    (``trust_funnel_fits``): "additive" limits keep their stated share by chance (the
    calibration chapter); "exact_binomial" limits on whole counts flag at most that share;
    "funnelplotr" limits (an option) flag more."""
    if fit is None:
        return ""
    method = str(fit.get("method", "") or "funnelplotr")
    tau2 = float(fit["tau2"]) if pd.notna(fit.get("tau2")) else float("nan")
    n_exact = int(fit["n_exact"]) if pd.notna(fit.get("n_exact")) else 0
    scale = _tau2_scale(fit)
    if method == "exact_binomial":
        who = f"{minority_label} members" if minority_label else "members"
        return (
            "The limits are exact binomial limits on the number of " + who + " of each senior group; because "
            "counts are whole numbers, with no real differences at most about 5% (usually fewer) would lie "
            "outside the 95% limits by chance, and at most 0.2% outside the 99.8% limits. They are not "
            "widened: each organisation is compared with its own workforce share."
        )
    n_orgs = int(fit["n_orgs"]) if pd.notna(fit.get("n_orgs")) else 0
    exact = (
        ""
        if not n_exact
        else " Every organisation was placed by the exact binomial test used when events are rare or expected "
        "counts small."
        if n_exact >= n_orgs
        else f" {n_exact} organisation{'s' if n_exact != 1 else ''} with few expected events "
        f"{'were' if n_exact != 1 else 'was'} placed by an exact binomial test."
    )
    if method == "additive":
        chance = (
            "With no real differences between organisations about 5% would lie outside the 95% limits by "
            "chance, and about 0.2% outside the 99.8% limits"
        )
        if tau2 > 0:
            return (
                f"{chance}; the limits were widened for real differences between organisations "
                f"(τ² = {tau2:.3g} on the {scale}, DerSimonian–Laird).{exact}"
            )
        return (
            f"{chance}; the organisations differ no more than chance explains (τ² = 0), so the limits were not "
            f"widened.{exact}"
        )
    if method == "multiplicative":
        phi = max(1.0, float(fit["phi"])) if pd.notna(fit.get("phi")) else 1.0
        return (
            f"The limits were widened by a multiplicative factor (φ = {phi:.3g}) for differences between "
            f"organisations.{exact}"
        )
    if method == "none":
        return "The limits are not widened for differences between organisations, so they flag more than 5% by chance."
    widened = (
        f"the limits were widened by FunnelPlotR's method (τ² = {tau2:.3g} on the {scale})"
        if bool(fit.get("overdispersion")) and tau2 > 0
        else "the limits were not widened"
    )
    return (
        f"These limits follow the FunnelPlotR package (winsorised φ, each organisation's own standard error); "
        f"{widened}. This method flags more than its stated 5% by chance (see the calibration chapter)."
    )
