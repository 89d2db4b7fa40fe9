"""What every funnel (limit) method is: its inputs, its fit, its words.

A funnel method places every organisation of one cross-section (one indicator in one year)
against a common target and draws 95% and 99.8% limits around it (Spiegelhalter 2005,
"Funnel plots for comparing institutional performance", Stat Med 24:1185-1202). Methods
differ in what they take in (:data:`INPUTS`), in how they widen the limits for real
differences between organisations, and so in how often they flag an organisation when
nothing is going on (measured by the calibration harness, ``data/calibration/``).

Pure: arrays in, a :class:`FunnelFit` out, and words about the method's own assumptions
and results (no indicator, file or registry). Importing the package loads numpy and pandas
only; scipy is imported when a method fits, so pages can read the words cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

#: 95% and 99.8% two-sided normal deviates (the same as ``wres.stats.funnel``).
Z95 = 1.959964
Z998 = 3.090232
LEVELS = {"95": Z95, "998": Z998}

#: What a method takes in. ``counts``: events and denominators, judged against the
#: variance an organisation would have on target (:class:`RatioCounts`,
#: :class:`ProportionCounts`); ``estimates``: an estimate on a normal scale with its own
#: standard error (:class:`Estimates`); ``members``: the members of a small group against
#: a known share (:class:`MemberCounts`).
COUNTS, ESTIMATES, MEMBERS = "counts", "estimates", "members"
INPUTS = (COUNTS, ESTIMATES, MEMBERS)

#: What a method's limits flag when no organisation differs from the target, as its
#: calibration shows: about the nominal share, at most that share (exact tests on whole
#: counts), or more (None: not promised).
ABOUT, AT_MOST = "about", "at most about"


@dataclass(frozen=True)
class RatioCounts:
    """Counts behind a ratio of two groups' rates, per organisation (log scale).

    ``k1, n1``: events and people in the numerator group; ``k2, n2``: in the comparison
    group (counts; organisations on the last axis, so panels can be stacked on the first).
    ``rate1, rate2``: the target rate of each group (proportions 0-1), e.g. the pooled rates
    of all organisations; None: pooled over the organisations given. Target ratio
    ``rate1 / rate2``.
    """

    k1: Any
    n1: Any
    k2: Any
    n2: Any
    rate1: Any = None
    rate2: Any = None


@dataclass(frozen=True)
class ProportionCounts:
    """One group's count ``k`` out of ``n`` per organisation, against a target proportion.

    ``k`` may be a weighted percent x ``n`` / 100; ``target_p``: proportion 0-1 (an array
    ``(reps, 1)`` for stacked panels); ``deff``: design effect, effective size ``n / deff``
    (1 = simple random sample).
    """

    k: Any
    n: Any
    target_p: Any
    deff: float = 1.0


@dataclass(frozen=True)
class Estimates:
    """Estimates on a normal scale with their own standard errors.

    ``y``, ``s``: estimate and standard error per organisation (same units: natural log of a
    ratio, or ``asin(sqrt(p))`` radians); ``target``: same scale (None: the inverse-variance
    mean); ``transform``: ``"log"`` or ``"asin"`` (how limits return to the natural scale);
    ``precision``: the funnel's x per organisation (``1/s^2`` on the log scale, the
    effective number of respondents on the arcsine scale).
    """

    y: Any
    s: Any
    target: float | None
    transform: str
    precision: Any


@dataclass(frozen=True)
class MemberCounts:
    """Minority members ``k`` of a group of ``n`` (a board, senior managers) per organisation.

    ``share``: the minority share of the organisation's whole workforce (0-1, treated as
    known); ``ratio``: the national (pooled) representation ratio, so the target share of an
    organisation is ``share x ratio`` (dimensionless; NaN: no target).
    """

    k: Any
    n: Any
    share: Any
    ratio: float


@dataclass
class FunnelFit:
    """One method fitted to one cross-section.

    ``placed`` has one row per organisation in input order: ``precision`` (the funnel's x,
    NaN where the organisation is not placed), ``z`` (the method's adjusted deviate; NaN for
    exact methods), ``p`` (two-sided), ``position_95``, ``position_998`` (``"above"``,
    ``"below"``, ``"inside"``, ``"not estimable"``), ``exact`` (placed by an exact test),
    and any columns a method adds. ``target`` is on the transformed scale; ``tau2`` as
    estimated (NaN when not), ``tau2_used`` the additive variance the limits carry (0: not
    widened); ``overdispersion`` whether the method widened the limits.
    """

    method: str
    transform: str
    target: float
    phi: float
    tau2: float
    tau2_used: float
    overdispersion: bool
    n_orgs: int
    n_exact: int
    fitted: bool
    placed: pd.DataFrame
    note_codes: str = ""
    limit_data: dict = field(default_factory=dict)


def positions(z) -> dict[str, np.ndarray]:
    """``position_95`` and ``position_998`` codes of adjusted deviates; a point on a limit is
    inside, as in FunnelPlotR's ``outliers_func``."""
    z = np.asarray(z, dtype=float)
    out = {}
    for name, crit in LEVELS.items():
        pos = np.where(z > crit, "above", np.where(z < -crit, "below", "inside")).astype(object)
        pos[~np.isfinite(z)] = "not estimable"
        out[f"position_{name}"] = pos
    return out


def two_sided_p(z) -> np.ndarray:
    """Two-sided normal p of a deviate, ``2 P(Z > |z|)`` (NaN where ``z`` is not finite)."""
    from scipy import stats

    z = np.asarray(z, dtype=float)
    return np.where(np.isfinite(z), 2 * stats.norm.sf(np.abs(z)), np.nan)


#: The scale a fit's ``tau2`` is on, in words, by ``transform``.
SCALE_WORDS = {"log": "log scale", "asin": "arcsine square-root scale"}


def _number(fit: Mapping, key: str, default: float = float("nan")) -> float:
    v = fit.get(key)
    return float(v) if v is not None and pd.notna(v) else default


def exact_words(fit: Mapping) -> str:
    """The sentence saying how many organisations an exact binomial test placed ("" if none)."""
    n_exact = int(_number(fit, "n_exact", 0))
    n_orgs = int(_number(fit, "n_orgs", 0))
    if not n_exact:
        return ""
    if n_exact >= n_orgs:
        return (
            " Every organisation was placed by the exact binomial test used when events are rare or expected counts "
            f"small.{EXACT_CONSERVATIVE}"
        )
    return (
        f" {n_exact} organisation{'s' if n_exact != 1 else ''} with few expected events "
        f"{'were' if n_exact != 1 else 'was'} placed by an exact binomial test.{EXACT_CONSERVATIVE}"
    )


#: What the harness shows of exact placement (very small organisations: 0.04-2.7% outside the
#: 95% limits, data/calibration/calibration.csv): it errs towards placing them inside.
EXACT_CONSERVATIVE = (
    " With a handful of events that test flags fewer organisations than the stated share, so a very small "
    "organisation inside the limits is weak evidence that it is typical."
)


class FunnelMethod:
    """A funnel method: class attributes describe it, methods fit it and say what it found.

    For the calibration harness, a method on counts or estimates also fits many stacked
    panels at once (``panel_z(data)``: adjusted deviates ``(reps, N)``), and a method on
    members gives their exact tails (``panel_tails(data)``)."""

    #: The name a build and the results' ``method`` column use.
    name: ClassVar[str] = ""
    #: The method in a few words.
    title: ClassVar[str] = ""
    #: What the method assumes, in words (for the methods chapter and its tests).
    assumptions: ClassVar[str] = ""
    #: One of :data:`INPUTS`.
    inputs: ClassVar[str] = COUNTS
    #: :data:`ABOUT`, :data:`AT_MOST` or None (flags more than its nominal share).
    nominal_share: ClassVar[str | None] = None
    #: Whether :meth:`panel_z` fits many stacked panels at once (else one at a time, slowly).
    vectorised: ClassVar[bool] = True

    def __repr__(self) -> str:
        return f"<funnel method {self.name}>"

    def fit(self, data, *, min_orgs: int) -> FunnelFit:
        """Place the organisations of one cross-section (``data``: this method's inputs).
        Fewer than ``min_orgs`` usable organisations: ``fitted`` False, nobody placed."""
        raise NotImplementedError

    def limits(self, fit: FunnelFit, num: int) -> pd.DataFrame:
        """Limit curves for drawing: ``precision`` (``num`` points over the placed
        organisations' range) and ``ll95, ul95, ll998, ul998`` on the natural scale (a ratio,
        or a proportion 0-1)."""
        raise NotImplementedError

    def describe(self, fit: Mapping, minority_label: str = "") -> str:
        """What this method, fitted to a page's data, says about chance and widening: the
        sentences pages show. ``fit``: a fits record (``method, tau2, phi, n_exact, n_orgs,
        transform, overdispersion``); ``minority_label``: the group counted, for methods on
        member counts."""
        raise NotImplementedError

    def calibration_expected(self, level: str, side: str) -> str:
        """What the calibration harness expects of this method's rows (its ``expected``
        column) at ``level`` ("95", "998") and ``side`` ("above", "below", "outside")."""
        return "anti_conservative"
