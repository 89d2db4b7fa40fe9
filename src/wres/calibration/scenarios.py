"""Simulated worlds shaped like the WRES data, for the calibration harness.

Every generator takes a ``numpy.random.Generator`` and a number of replicates ``reps`` and
returns arrays whose first axis is the replicate, so a whole Monte Carlo run is a few array
operations (no loop over replicates where the test itself is vectorised).

Organisations (:func:`organisations`) follow :mod:`wres.inputs.synthetic`: type mix
(:data:`~wres.inputs.synthetic.TYPE_SHARES`), headcount per type
(:data:`~wres.inputs.synthetic.TYPE_SIZE`: acute about 6,000, community down to 450),
minority share by region and type, people shortlisted ``0.4 x headcount x lognormal(0.35)``
with the minority over-represented among them (+0.5 on the logit), boards of 8-20 and very
senior manager groups of 5-60 (``0.0022 x headcount x lognormal(0.3)``), staff-survey
respondents 30-60% of staff (minority 0.85 times as likely to respond).

Relative-likelihood shapes (:data:`RATE_SHAPES`) mimic the three count-based indicators:
appointment from shortlisting (about 10%), formal disciplinary (about 1.2% of headcount) and
non-mandatory training (about 45% of headcount). In each organisation the comparison
group's rate varies (logit SD 0.3) and the log RL is the national value plus a
between-organisation effect ``N(0, tau2)``, tau2 = :data:`TAU2` (no special causes), plus
planted effects where asked for power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

from wres.inputs import synthetic as syn

#: Between-organisation variance of the log RL with no special causes (natural-log units^2).
TAU2 = 0.05
N_ORGS = 200
#: Organisations given a planted effect in the power worlds (the first ones of each panel).
N_PLANTED = 10
#: Logit SD of the comparison group's rate between organisations (as wres.inputs.synthetic).
BASE_RATE_SD = 0.3


@dataclass(frozen=True)
class RateShape:
    """A count-based relative-likelihood indicator: which denominator, which rates.

    ``base_rate``: comparison group's national rate (proportion); ``rl``: national RL of the
    numerator group against it; ``numerator_minority``: whether the numerator group is the
    minority group (else the majority group).
    """

    name: str
    denominator: str
    base_rate: float
    rl: float
    numerator_minority: bool


RATE_SHAPES = (
    RateShape("appointment", "shortlisted", 0.10, 1.6, False),
    RateShape("disciplinary", "headcount", 0.012, 1.14, True),
    RateShape("training", "headcount", 0.45, 1.1, False),
)
#: National representation ratios (senior share / workforce share) of the two senior groups.
SENIOR_RATIO = {"board": 0.59, "vsm": 0.45}
#: Staff-survey shape: national percent (as a proportion), logit SD between organisations.
SURVEY_P0 = 0.28
SURVEY_LOGIT_SD = 0.2


def _choice(rng, shares: dict, size) -> np.ndarray:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(size)), keys


def organisations(rng: np.random.Generator, reps: int, n_orgs: int = N_ORGS) -> dict[str, np.ndarray]:
    """Denominators of ``reps`` panels of ``n_orgs`` organisations (arrays ``(reps, n_orgs)``).

    Keys: ``minority``, ``majority`` (headcounts), ``shortlisted_minority``,
    ``shortlisted_majority``, ``share`` (minority share of the workforce, 0-1), ``board``,
    ``vsm`` (group sizes), ``respondents_minority``, ``respondents_majority``.
    """
    shape = (reps, n_orgs)
    t_idx, types = _choice(rng, syn.TYPE_SHARES, shape)
    r_idx, regions = _choice(rng, syn.REGION_SHARES, shape)
    med, sd, lo, hi = (np.array([syn.TYPE_SIZE[t][j] for t in types], dtype=float)[t_idx] for j in range(4))
    size = np.round(np.clip(med * np.exp(sd * rng.standard_normal(shape)), lo, hi))
    lin = (
        logit(np.array([syn.REGION_BME_SHARE[r] for r in regions])[r_idx])
        + np.array([syn.TYPE_BME_LOGIT[t] for t in types])[t_idx]
        + rng.normal(0, 0.35, shape)
    )
    minority = np.round(size * expit(lin))
    majority = size - minority
    shortlisted = np.round(size * 0.4 * np.exp(rng.normal(0, 0.35, shape)))
    sl_min = np.round(shortlisted * expit(lin + 0.5 + rng.normal(0, 0.2, shape)))
    response = rng.uniform(*syn.RESPONSE_RATE, shape)
    return {
        "minority": minority,
        "majority": majority,
        "share": minority / size,
        "shortlisted_minority": sl_min,
        "shortlisted_majority": shortlisted - sl_min,
        "board": rng.integers(8, 21, shape).astype(float),
        "vsm": np.clip(np.round(size * 0.0022 * np.exp(rng.normal(0, 0.3, shape))), 5, 60),
        "respondents_minority": np.round(minority * response * syn.MINORITY_RESPONSE),
        "respondents_majority": np.round(majority * response),
    }


def planted_effects(reps: int, n_orgs: int, effect: float) -> np.ndarray:
    """``+effect`` / ``-effect`` alternately on the first :data:`N_PLANTED` organisations."""
    e = np.zeros((reps, n_orgs))
    if effect:
        e[:, :N_PLANTED] = effect * np.where(np.arange(N_PLANTED) % 2 == 0, 1.0, -1.0)
    return e


def rate_denominators(orgs: dict, shape: RateShape) -> tuple[np.ndarray, np.ndarray]:
    """``(n1, n2)``: numerator group's and comparison group's denominators."""
    pre = "shortlisted_" if shape.denominator == "shortlisted" else ""
    mino, majo = orgs[pre + "minority"], orgs[pre + "majority"]
    return (mino, majo) if shape.numerator_minority else (majo, mino)


#: Shapes of the between-organisation effects: normal, or Student t with 3 df scaled to the
#: same variance (t3 has variance 3, so it is multiplied by sqrt(tau2 / 3)); the t world has
#: the same spread but many more organisations far out (heavy tails).
EFFECT_SHAPES = ("normal", "t3")


def org_effects(rng, reps: int, n_orgs: int, tau2: float, planted: float = 0.0, shape: str = "normal") -> np.ndarray:
    """Log-RL effect of every organisation: ``N(0, tau2)`` (or t3 with variance ``tau2``, see
    :data:`EFFECT_SHAPES`) plus planted ``+/- planted``."""
    if shape == "normal":
        u = np.sqrt(tau2) * rng.standard_normal((reps, n_orgs))
    elif shape == "t3":
        u = np.sqrt(tau2 / 3.0) * rng.standard_t(3, (reps, n_orgs))
    else:
        raise ValueError(f"effect shape must be one of {EFFECT_SHAPES}")
    return u + planted_effects(reps, n_orgs, planted)


def small_organisations(rng, reps: int, n_orgs: int = N_ORGS, low: int = 5, high: int = 30) -> dict[str, np.ndarray]:
    """Panels of very small organisations: every group (minority, majority, shortlisted of
    each) of ``low``-``high`` people, uniform on the whole numbers (issue 16: 5-30 per group,
    as small community and ambulance services have in some years). Same keys as
    :func:`organisations` for the rate shapes."""
    shape = (reps, n_orgs)
    draw = {k: rng.integers(low, high + 1, shape).astype(float) for k in ("minority", "majority")}
    draw["shortlisted_minority"] = rng.integers(low, high + 1, shape).astype(float)
    draw["shortlisted_majority"] = rng.integers(low, high + 1, shape).astype(float)
    draw["share"] = draw["minority"] / (draw["minority"] + draw["majority"])
    return draw


def base_logits(rng, reps: int, n_orgs: int, shape: RateShape) -> np.ndarray:
    """Logit of each organisation's comparison-group rate."""
    return logit(shape.base_rate) + rng.normal(0, BASE_RATE_SD, (reps, n_orgs))


def split_base(base_logit, u):
    """The comparison group's logit when an organisation's log-RL effect ``u`` is shared
    between the groups: its rate times ``exp(-u / 2)``, so the numerator group's rate moves
    by ``exp(u / 2)`` and the ratio still by ``exp(u)``.

    Why: with the whole effect on the numerator group, a common indicator (training, about
    45%, RL 1.1) cannot have a spread of tau2 = 0.2 without rates above 100%: about 6% of
    organisations would be capped at :func:`draw_counts`' 0.999, which is a different world
    (their ratio is not the one drawn). Shared, the cap touches about 0.1% at tau2 = 0.2 and
    1-2% at 0.4 (training only; the rare-event shapes never reach it).
    """
    return logit(np.clip(expit(base_logit) * np.exp(-np.asarray(u) / 2), 1e-9, 0.999))


def draw_counts(rng, n1, n2, base_logit, log_rl, dispersion: float = 1.0):
    """Binomial event counts ``(k1, k2)`` for the given rates.

    ``dispersion`` > 1 gives multiplicative overdispersion of the log RL estimate: each
    group's rate is multiplied by ``exp(e)``, ``e ~ N(0, (phi - 1) (1/mu - 1/n))`` with
    ``mu`` the expected count, so the variance of each log rate is about ``phi`` times its
    binomial (Katz) variance (a clustered-events model).
    """
    p2 = expit(base_logit)
    p1 = np.clip(p2 * np.exp(log_rl), 0.0, 0.999)
    if dispersion > 1:
        p1, p2 = (
            np.clip(
                p
                * np.exp(
                    np.sqrt((dispersion - 1) * np.maximum(1 / np.maximum(n * p, 1e-9) - 1 / np.maximum(n, 1), 0))
                    * rng.standard_normal(p.shape)
                ),
                0.0,
                0.999,
            )
            for p, n in ((p1, n1), (p2, n2))
        )
    return rng.binomial(n1.astype(np.int64), p1).astype(float), rng.binomial(n2.astype(np.int64), p2).astype(float)


def rl_panels(
    rng,
    reps: int,
    shape: RateShape,
    *,
    n_orgs: int = N_ORGS,
    tau2: float = TAU2,
    planted: float = 0.0,
    orgs: dict | None = None,
    effects: str = "normal",
    split_effect: bool = False,
) -> dict[str, np.ndarray]:
    """One year of counts of ``reps`` panels: ``k1, n1, k2, n2`` (``(reps, n_orgs)``) and
    ``target`` (pooled RL per panel, ratio scale, as the analysis layer computes it).
    ``effects``: shape of the between-organisation effects (:data:`EFFECT_SHAPES`);
    ``split_effect``: share each organisation's effect between the two groups
    (:func:`split_base`)."""
    orgs = organisations(rng, reps, n_orgs) if orgs is None else orgs
    n1, n2 = rate_denominators(orgs, shape)
    u = org_effects(rng, reps, n_orgs, tau2, planted, effects)
    base = base_logits(rng, reps, n_orgs, shape)
    if split_effect:
        base = split_base(base, u)
    k1, k2 = draw_counts(rng, n1, n2, base, np.log(shape.rl) + u)
    target = (k1.sum(1) / n1.sum(1)) / (k2.sum(1) / n2.sum(1))
    return {"k1": k1, "n1": n1, "k2": k2, "n2": n2, "target": target}


def survey_panels(
    rng,
    reps: int,
    *,
    n_orgs: int = N_ORGS,
    deff: float = syn.SURVEY_DEFF,
    logit_sd: float = SURVEY_LOGIT_SD,
    planted: float = 0.0,
) -> dict[str, np.ndarray]:
    """Minority-group survey percentages: ``k`` (weighted percent x n / 100), ``n``
    (respondents), ``target`` (pooled proportion per panel). The percent is a beta draw with
    variance ``deff p (1 - p) / n`` (as :mod:`wres.inputs.synthetic`)."""
    orgs = organisations(rng, reps, n_orgs)
    n = np.maximum(orgs["respondents_minority"], 2.0)
    p = expit(
        logit(SURVEY_P0) + logit_sd * rng.standard_normal((reps, n_orgs)) + planted_effects(reps, n_orgs, planted)
    )
    m = np.maximum(n / deff - 1, 1.0)
    k = rng.beta(p * m, (1 - p) * m) * n
    return {"k": k, "n": n, "target": k.sum(1) / n.sum(1)}


def senior_panels(
    rng,
    reps: int,
    group: str,
    *,
    n_orgs: int = N_ORGS,
    factor: float = 1.0,
    logit_sd: float = 0.0,
    years: int = 1,
    ratio: float | None = None,
) -> dict[str, np.ndarray]:
    """Minority members ``k`` of boards or VSM groups of size ``n``, drawn from
    ``Binomial(n, share x national ratio)``; ``factor`` scales that probability for the
    first :data:`N_PLANTED` organisations (power). Also ``share`` and ``ratio``, and the
    workforce counts ``wf_k`` (minority staff) and ``wf_n`` (headcount).

    ``logit_sd`` > 0: each organisation's member probability is moved by ``N(0, logit_sd^2)``
    on the logit scale (boards are chosen, not drawn: some organisations appoint more
    minority members than their workforce share suggests, others fewer); the same shift in
    every year. ``years`` > 1: ``k`` is ``(years, reps, n_orgs)``, the same boards' members
    redrawn each year from the same probabilities (no change). ``ratio``: the national
    representation ratio of the world (default :data:`SENIOR_RATIO`; 1 is a world at parity,
    the null of the parity view)."""
    orgs = organisations(rng, reps, n_orgs)
    n = orgs[group]
    ratio = SENIOR_RATIO[group] if ratio is None else ratio
    p = np.clip(orgs["share"] * ratio, 0, 1)
    if logit_sd > 0:
        p = expit(logit(np.clip(p, 1e-6, 1 - 1e-6)) + logit_sd * rng.standard_normal(p.shape))
    p[:, :N_PLANTED] *= factor
    k = np.stack([rng.binomial(n.astype(np.int64), p).astype(float) for _ in range(years)])
    return {
        "k": k[0] if years == 1 else k,
        "n": n,
        "share": orgs["share"],
        "ratio": ratio,
        "wf_k": orgs["minority"],
        "wf_n": orgs["minority"] + orgs["majority"],
    }


def national_series(
    rng,
    reps: int,
    n_points: int,
    *,
    window: int = 1,
    slope: float = 0.0,
    noise_sd: float = 0.03,
    level: float = np.log(1.3),
    rho: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """``reps`` national series on the log scale: ``(years, z)`` with ``z`` ``(reps, n)``.

    Annual values ``level + slope t + e_t``, ``e_t ~ N(0, noise_sd^2)`` independent; with
    ``window = 2`` each published point is the mean of two adjacent annual values (a
    two-year rolling average, so neighbours share a year). ``rho`` != 0: the annual noise is
    a stationary AR(1), ``e_t = rho e_{t-1} + sqrt(1 - rho^2) eta_t`` with the same marginal
    SD (national figures carry policy and reporting cycles over from one year to the next).
    """
    t = np.arange(n_points + window - 1, dtype=float)
    eta = rng.standard_normal((reps, t.size))
    if rho:
        for j in range(1, t.size):
            eta[:, j] = rho * eta[:, j - 1] + np.sqrt(1 - rho**2) * eta[:, j]
    annual = level + slope * t + noise_sd * eta
    z = sum(annual[:, j : j + n_points] for j in range(window)) / window
    return 2015.0 + np.arange(n_points) + (window - 1), z
