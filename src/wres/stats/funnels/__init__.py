"""Funnel (limit) methods as objects, one module per method, and their registry.

=================  ==========  ===================================================================
name               inputs      what it is
=================  ==========  ===================================================================
``additive``       counts      DerSimonian-Laird tau2 at the null, exact mid-p for small counts
                               (the book's default; flags about its nominal share)
``multiplicative`` counts      the same null SEs, limits widened by phi (an option)
``none``           counts      the same null SEs, not widened (an option)
``funnelplotr``    estimates   FunnelPlotR's method: own SE, winsorised phi (an option)
``exact_binomial`` members     exact binomial tails on member counts (representation)
=================  ==========  ===================================================================

Each method (:class:`~wres.stats.funnels.base.FunnelMethod`) has a ``name``, ``title``,
``assumptions`` in words, ``inputs`` (what it takes in), ``fit(data, min_orgs=...)`` (pure
arrays in, a :class:`~wres.stats.funnels.base.FunnelFit` out), ``limits(fit, num)`` and
``describe(fit)``, the sentences pages show about a fitted funnel. Code outside this package
asks a method object what it does instead of comparing its name.

Which method an indicator uses is its kind's (``wres.kinds``, ``funnel_method``) unless the
build asks for another that the kind can give inputs for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wres.stats.funnels import additive, exact_binomial, funnelplotr, multiplicative, none
from wres.stats.funnels.base import (
    ABOUT,
    AT_MOST,
    COUNTS,
    ESTIMATES,
    INPUTS,
    MEMBERS,
    Estimates,
    FunnelFit,
    FunnelMethod,
    MemberCounts,
    ProportionCounts,
    RatioCounts,
)

#: Every funnel method by name, in the order the calibration harness reports them.
METHODS: dict[str, FunnelMethod] = {
    m.name: m for m in (additive.METHOD, multiplicative.METHOD, none.METHOD, funnelplotr.METHOD, exact_binomial.METHOD)
}
#: The book's default for counts of people (the calibrated one).
DEFAULT = additive.METHOD.name
#: The method of fits recorded before results had a ``method`` column.
UNNAMED = funnelplotr.METHOD.name


class UnknownFunnelMethod(ValueError):
    """A funnel method name no module in this package provides."""


def get(name: str) -> FunnelMethod:
    """The method called ``name``; an unknown name raises :class:`UnknownFunnelMethod`
    naming the allowed ones."""
    try:
        return METHODS[name]
    except (KeyError, TypeError):
        raise UnknownFunnelMethod(
            f"unknown funnel method {name!r}; the funnel methods are {', '.join(METHODS)}"
        ) from None


def describe(fit: Mapping, minority_label: str = "") -> str:
    """The sentences a page shows about one fitted funnel (a ``trust_funnel_fits`` record),
    from the method that fitted it; "" for no fit."""
    if fit is None:
        return ""
    name = str(fit.get("method", "") or UNNAMED)
    if name not in METHODS:
        # A kind outside the package may place its organisations by a method of its own.
        return (
            f"The limits come from the indicator's own method ({name}), which the calibration harness has not checked."
        )
    return get(name).describe(fit, minority_label)


def chance_share(names: Iterable[str]) -> str | None:
    """How many figures chance alone puts outside the 95% limits when funnels of these
    methods are read together: ``"about"`` (1 in 20), ``"at most about"`` when any is an
    exact method on whole counts, None when any method does not keep its nominal share, is
    not a method of this registry (a results file from elsewhere), or there are none."""
    shares = [getattr(METHODS.get(str(n)), "nominal_share", None) for n in names]
    if not shares or any(s is None for s in shares):
        return None
    return AT_MOST if AT_MOST in shares else ABOUT


__all__ = [
    "ABOUT",
    "AT_MOST",
    "COUNTS",
    "DEFAULT",
    "ESTIMATES",
    "INPUTS",
    "MEMBERS",
    "METHODS",
    "UNNAMED",
    "Estimates",
    "FunnelFit",
    "FunnelMethod",
    "MemberCounts",
    "ProportionCounts",
    "RatioCounts",
    "UnknownFunnelMethod",
    "chance_share",
    "describe",
    "get",
]
