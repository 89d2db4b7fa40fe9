"""The organisation gap trend (:mod:`wres.stats.gap_trend`) and its Benjamini-Hochberg family
in the harness: its own world and harder ones, every row with the full number of panels.

Each panel is 200 organisations followed for :data:`GAP_YEARS` years with fixed group sizes
(the simulated NHS of :mod:`wres.calibration.scenarios`). Worlds:

* its own: persistent organisation effects (spread 0.05), counts overdispersed
  multiplicatively (the dispersion the quasi-binomial scale corrects);
* year-specific organisation effects: the published spread (0.2) plus an additive wobble
  of each organisation's ratio drawn afresh every year (variance
  :data:`wres.calibration.worlds.YEAR_TAU2`), which a multiplicative scale does not model;
* common national year effects: every organisation's ratio moves with the same yearly
  wobble (SD :data:`NATIONAL_YEAR_SD`, no trend), so the organisations' tests are
  correlated, the case the Benjamini-Hochberg procedure is not proven for;
* very small organisations (5-30 people per group).

The fits are the book's model, batched (:mod:`wres.calibration.batched_gap_trend`).
"""

from __future__ import annotations

import numpy as np

from wres.calibration import scenarios as sc
from wres.calibration.batched_gap_trend import slope_p_values
from wres.calibration.worlds import PUBLISHED_TAU2, YEAR_TAU2, spread_words
from wres.stats import multiple

ALPHA = 0.05
#: Years each simulated organisation is followed (the book's organisation files run 2016-).
GAP_YEARS = 7
#: Multiplicative overdispersion of the yearly counts in the gap-trend worlds.
COUNT_DISPERSION = 1.5
#: Planted trend of the log RL (per year) on the planted organisations, for power.
GAP_TREND_EFFECT = 0.15
#: SD of the common yearly national wobble of every organisation's log ratio (about +/-5%
#: a year, the size of the year-to-year movement of the published national ratios).
NATIONAL_YEAR_SD = 0.05

EFFECT = (
    f"log RL slope +/-{GAP_TREND_EFFECT} per year in {sc.N_PLANTED} of {sc.N_ORGS}, {GAP_YEARS} years, "
    f"count dispersion {COUNT_DISPERSION}"
)


def counts(rng, reps: int, shape, *, slope: float, world: str) -> tuple[np.ndarray, ...]:
    """``(years, k1, n1, k2, n2)`` of ``reps`` panels of one world (see the module
    docstring): years shape (T,), counts and group sizes (reps, organisations, T)."""
    small = world == "small"
    orgs = sc.small_organisations(rng, reps) if small else sc.organisations(rng, reps)
    n1, n2 = sc.rate_denominators(orgs, shape)
    base = sc.base_logits(rng, reps, sc.N_ORGS, shape)
    tau2 = sc.TAU2 if world == "own" else PUBLISHED_TAU2
    u = sc.org_effects(rng, reps, sc.N_ORGS, tau2)
    trend = sc.planted_effects(reps, sc.N_ORGS, slope)
    k1 = np.empty((reps, sc.N_ORGS, GAP_YEARS))
    k2 = np.empty_like(k1)
    for t in range(GAP_YEARS):
        e = u + trend * (t - GAP_YEARS // 2)
        if world == "year_specific":
            e = e + np.sqrt(YEAR_TAU2) * rng.standard_normal(e.shape)
        elif world == "national_years":
            e = e + NATIONAL_YEAR_SD * rng.standard_normal((reps, 1))
        # The effect shared between the groups (sc.split_base), as in the other harder worlds.
        k1[..., t], k2[..., t] = sc.draw_counts(
            rng, n1, n2, sc.split_base(base, e), np.log(shape.rl) + e, COUNT_DISPERSION
        )
    years = 2016.0 + np.arange(GAP_YEARS)
    return years, k1, np.broadcast_to(n1[..., None], k1.shape), k2, np.broadcast_to(n2[..., None], k2.shape)


def _panels(rng, reps: int, shape, *, slope: float, world: str) -> np.ndarray:
    """p-values, shape (reps, organisations), of one world."""
    return slope_p_values(*counts(rng, reps, shape, slope=slope, world=world))


#: World code -> (scenario words, what each test is expected to do there).
WORLDS = {
    "own": ("organisation trends, spread 0.05, counts overdispersed x1.5", "at_most_nominal"),
    "year_specific": (
        f"{spread_words(PUBLISHED_TAU2)}, year-specific organisation effects (variance {YEAR_TAU2})",
        "at_most_nominal",
    ),
    "national_years": (
        f"{spread_words(PUBLISHED_TAU2)}, common national year effects (SD {NATIONAL_YEAR_SD})",
        "at_most_nominal",
    ),
    "small": (f"very small organisations (5-30 per group), {spread_words(PUBLISHED_TAU2)}", "at_most_nominal"),
}


def _shares(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per panel: share of testable organisations with p < alpha; and any BH discovery."""
    finite = np.isfinite(p)
    flagged = np.where(finite, p < ALPHA, False).sum(1) / np.maximum(finite.sum(1), 1)
    q = np.array([multiple.bh_adjust(r) for r in p])
    return flagged, np.where(np.isfinite(q), q < ALPHA, False).any(1).astype(float)


def gap_trend_rows(row, rng, reps: int) -> list[dict]:
    """Rows ``org_gap_trend`` (each organisation's test at 5%) and ``bh_org_gap_trend`` (any
    Benjamini-Hochberg discovery in a panel of 200 with no organisation trending) for the
    appointment and disciplinary shapes in every world of :data:`WORLDS`; ``reps`` panels a
    world, null and planted."""
    rows = []
    for shape in sc.RATE_SHAPES[:2]:
        for world, (words, expected) in WORLDS.items():
            null = _panels(rng, reps, shape, slope=0.0, world=world)
            planted = _panels(rng, reps, shape, slope=GAP_TREND_EFFECT, world=world)
            flagged, any_found = _shares(null)
            power = np.where(np.isfinite(planted[:, : sc.N_PLANTED]), planted[:, : sc.N_PLANTED] < ALPHA, False)
            q = np.array([multiple.bh_adjust(r) for r in planted])
            bh_power = np.where(np.isfinite(q[:, : sc.N_PLANTED]), q[:, : sc.N_PLANTED] < ALPHA, False)
            scen = f"{shape.name}; {words}"
            rows.append(row("org_gap_trend", scen, ALPHA, flagged, power.mean(1), EFFECT, expected))
            rows.append(row("bh_org_gap_trend", scen, ALPHA, any_found, bh_power.mean(1), EFFECT, expected))
    return rows
