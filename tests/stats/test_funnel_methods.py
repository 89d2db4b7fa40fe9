"""One conformance test over every funnel method (in the manner of scikit-learn's
``check_estimator``): whatever a method is, it must say what it assumes, describe a fit in
words, flag what it declares it flags on a seeded null panel shaped like the data, find
planted differences, and draw the limits worked out by hand for a tiny case.

What a method declares is asserted, not assumed: ``nominal_share`` ``"about"`` must flag
close to 5% / 0.2%, ``"at most about"`` no more than that, and a method that promises
nothing must over-flag wherever its ``calibration_expected`` says ``anti_conservative``
(the FunnelPlotR option, the unwidened and the multiplicative funnels, per the recorded
calibration, ``data/calibration/calibration.csv``).

Monte Carlo tolerance. Every null world has :data:`PANELS` panels of 200 organisations.
Organisations within a panel share one estimate of tau2 and one target, so the standard
error of a flagged share is taken from the spread of the per-panel shares (as the harness
does), not from a binomial over organisations; a share is "at nominal" when within 3 such
SE plus :data:`BIAS` of it. BIAS is the largest distance from nominal the additive method
shows in the recorded 2,000-panel calibration (disciplinary shape, 95%: 4.78% against 5%),
so the test allows the method's known, explained bias and no more; 3 SE makes a false
failure of a correct method about a 1 in 370 event per comparison.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wres.calibration import scenarios as sc
from wres.stats import funnels
from wres.stats.funnels.base import FunnelFit

PANELS = 100
POWER_PANELS = 40
BIAS = 0.0025
NOMINAL = {"95": 0.05, "998": 0.002}
CRIT = {"95": 1.959964, "998": 3.090232}
RECORDED = Path(__file__).resolve().parents[2] / "data" / "calibration" / "calibration.csv"
ALL = list(funnels.METHODS.values())
IDS = list(funnels.METHODS)


def _fit_inputs(method, panel):
    """The inputs ``method`` takes, built from one panel of counts (a dict of arrays)."""
    if "share" in panel:
        return funnels.MemberCounts(panel["k"], panel["n"], panel["share"], panel["ratio"])
    if "k1" in panel:
        counts = funnels.RatioCounts(panel["k1"], panel["n1"], panel["k2"], panel["n2"])
    else:
        counts = funnels.ProportionCounts(panel["k"], panel["n"], panel["target"], sc.syn.SURVEY_DEFF)
    return method.estimates(counts) if method.inputs == funnels.ESTIMATES else counts


def _panels(method, world: str, reps: int, seed: int, planted: bool = False) -> list[dict]:
    """``reps`` seeded panels of 200 organisations: relative likelihoods (appointment shape,
    tau2 0.05 between organisations, no special causes), survey percentages, or boards for a
    method on member counts. ``planted``: the harness's planted effects on the first 10."""
    rng = np.random.default_rng(seed)
    if method.inputs == funnels.MEMBERS:
        d = sc.senior_panels(rng, reps, "board")
        p0 = np.clip(d["share"] * d["ratio"], 0, 1)
        if planted:
            # Three times the members expected (capped at all of them): the exact test on
            # boards of 8-20 finds little less than that (harness: 6% of a factor 0.2).
            p1 = np.minimum(1.0, 3 * p0[:, : sc.N_PLANTED])
            d["k"][:, : sc.N_PLANTED] = rng.binomial(d["n"][:, : sc.N_PLANTED].astype(np.int64), p1)
        return [{"k": d["k"][i], "n": d["n"][i], "share": d["share"][i], "ratio": d["ratio"]} for i in range(reps)]
    if world == "rates":
        d = sc.rl_panels(rng, reps, sc.RATE_SHAPES[0], planted=np.log(2.0) if planted else 0.0)
        return [{c: d[c][i] for c in ("k1", "n1", "k2", "n2")} for i in range(reps)]
    d = sc.survey_panels(rng, reps, planted=0.7 if planted else 0.0)
    return [{"k": d["k"][i], "n": d["n"][i], "target": d["target"][i]} for i in range(reps)]


def _worlds(method) -> list[str]:
    return ["boards"] if method.inputs == funnels.MEMBERS else ["rates", "survey"]


def _outside(fit: FunnelFit, level: str) -> np.ndarray:
    pos = fit.placed[f"position_{level}"].to_numpy()
    return (pos == "above") | (pos == "below")


# ------------------------------------------------------------------ the registry


def test_registry_names_every_method_once_and_rejects_unknown_names():
    assert list(funnels.METHODS) == [m.name for m in ALL]
    assert funnels.get(funnels.DEFAULT) is funnels.METHODS[funnels.DEFAULT]
    with pytest.raises(funnels.UnknownFunnelMethod) as err:
        funnels.get("winsorised")
    for name in funnels.METHODS:
        assert name in str(err.value)
    with pytest.raises(ValueError):  # an unknown name is still a ValueError to old callers
        funnels.get("")


def test_importing_the_methods_loads_no_scipy():
    # Pages read the words; scipy is imported when a method fits.
    code = "import sys, wres.stats.funnels; print(sorted(m for m in ('scipy', 'statsmodels') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_chance_share_reads_the_methods_declared_shares():
    assert funnels.chance_share(["additive", "additive"]) == "about"
    assert funnels.chance_share(["additive", "exact_binomial"]) == "at most about"
    assert funnels.chance_share(["additive", "funnelplotr"]) is None
    assert funnels.chance_share([]) is None
    assert funnels.chance_share(["additive", "nan"]) is None


def test_describe_uses_the_fits_method_and_old_fits_are_funnelplotrs():
    fit = {"method": "", "tau2": 0.01, "overdispersion": True, "n_orgs": 20, "transform": "log"}
    assert funnels.describe(fit) == funnels.get("funnelplotr").describe(fit)
    assert "FunnelPlotR" in funnels.describe(fit)
    assert funnels.describe(None) == ""


# ------------------------------------------------------------------ every method


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_method_says_what_it_is(method):
    assert method.name and method.title
    assert method.inputs in funnels.INPUTS
    assert method.nominal_share in (funnels.ABOUT, funnels.AT_MOST, None)
    # Assumptions are the method's own sentences, not a copy of another method's.
    assert len(method.assumptions.split(". ")) >= 2
    assert sum(m.assumptions == method.assumptions for m in ALL) == 1
    fits = [
        {"method": method.name, "tau2": 0.05, "phi": 2.0, "n_exact": 3, "n_orgs": 200, "transform": "log"},
        {"method": method.name, "tau2": 0.0, "phi": 0.9, "n_exact": 0, "n_orgs": 40, "transform": "asin"},
    ]
    words = [method.describe(f, "BME") for f in fits]
    assert all(w.endswith(".") and len(w) > 40 for w in words)
    if method.nominal_share is None:
        assert "5%" not in words[0] or "more than" in words[0]


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_declared_calibration_matches_the_recorded_run(method):
    table = pd.read_csv(RECORDED, keep_default_na=False)
    prefix = "representation_" if method.inputs == funnels.MEMBERS else f"funnel_{method.name}_"
    rows = table[table["test"].str.startswith(prefix) & ~table["scenario"].str.startswith("min_orgs")]
    assert len(rows)
    for r in rows.itertuples():
        level, side = r.test.removeprefix(prefix).split("_")
        assert r.expected == method.calibration_expected(level, side), r.test
    promised = {
        funnels.ABOUT: {"approximately_nominal", "nominal"},
        funnels.AT_MOST: {"at_most_nominal"},
        None: {"anti_conservative", "informative"},
    }[method.nominal_share]
    assert set(rows["expected"]) <= promised


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_null_panel_flags_what_the_method_declares(method):
    for world in _worlds(method):
        shares = {level: [] for level in NOMINAL}
        for panel in _panels(method, world, PANELS, seed=20261207):
            fit = method.fit(_fit_inputs(method, panel), min_orgs=20)
            assert fit.fitted and fit.method == method.name and len(fit.placed) == 200
            placed = fit.placed["position_95"].to_numpy() != "not estimable"
            for level in NOMINAL:
                shares[level].append(_outside(fit, level)[placed].mean())
        for level, nominal in NOMINAL.items():
            r = np.asarray(shares[level])
            rate, se = r.mean(), r.std(ddof=1) / math.sqrt(r.size)
            expected = method.calibration_expected(level, "outside")
            where = f"{method.name} {world} {level}: {rate:.4f} (MC SE {se:.4f})"
            if method.nominal_share == funnels.ABOUT:
                assert abs(rate - nominal) <= 3 * se + BIAS, where
            elif method.nominal_share == funnels.AT_MOST:
                assert rate <= nominal + 3 * se, where
            elif expected == "anti_conservative":
                assert rate > nominal + 3 * se, where


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_planted_differences_are_found(method):
    # Guards the null test: a method that placed everybody inside would pass "at most".
    for world in _worlds(method):
        found = []
        for panel in _panels(method, world, POWER_PANELS, seed=7, planted=True):
            fit = method.fit(_fit_inputs(method, panel), min_orgs=20)
            found.append(_outside(fit, "95")[: sc.N_PLANTED].mean())
        # Recorded power at 95% is 0.48-0.84 for rates and survey (harness, 2,000 panels);
        # 0.3 is over 5 SE (about 0.025 here) below the weakest.
        assert np.mean(found) > 0.3, (method.name, world, np.mean(found))


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_too_few_organisations_place_nobody(method):
    panel = _panels(method, "rates", 1, seed=3)[0]
    few = {k: (v[:5] if np.ndim(v) else v) for k, v in panel.items()}
    fit = method.fit(_fit_inputs(method, few), min_orgs=20)
    assert not fit.fitted
    assert set(fit.placed["position_95"]) == {"not estimable"}


# ------------------------------------------------------------------ limits by hand


def _fit(method, precision, target, tau2_used, transform) -> FunnelFit:
    placed = pd.DataFrame({"precision": precision})
    return FunnelFit(method.name, transform, target, np.nan, tau2_used, tau2_used, tau2_used > 0, 2, 0, True, placed)


def test_additive_limits_at_tau2_zero_by_hand():
    # Every organisation exactly on target: rates 0.1 and 0.1 in both groups, so log RL = 0
    # = target, Q = 0 and tau2 = max(0, (0 - (N - 1)) / ...) = 0. The smallest organisation
    # (500 + 500 people, 50 + 50 expected events): s0^2 = 1/50 - 1/500 + 1/50 - 1/500 = 0.036,
    # s0 = 0.189737, 1.959964 x 0.189737 = 0.371877: limits exp(-/+0.371877) = 0.689439 and
    # 1.450455; at 99.8%, 3.090232 x 0.189737 = 0.586331: 0.556365 and 1.797380. The largest
    # (2,000 + 2,000): s0^2 = 1/200 - 1/2000 + 1/200 - 1/2000 = 0.009, limits 0.830325, 1.204348.
    n = np.array([500.0, 1000.0, 2000.0] * 7)
    method = funnels.get("additive")
    fit = method.fit(funnels.RatioCounts(n / 10, n, n / 10, n), min_orgs=20)
    assert fit.tau2 == 0.0 and fit.tau2_used == 0.0 and not fit.overdispersion
    assert fit.target == pytest.approx(0.0, abs=1e-12)
    assert (fit.placed["position_95"] == "inside").all()
    lim = method.limits(fit, 5)
    first, last = lim.iloc[0], lim.iloc[-1]
    assert first["precision"] == pytest.approx(1 / 0.036)
    assert (first["ll95"], first["ul95"]) == pytest.approx((0.689439, 1.450455), abs=1e-6)
    assert (first["ll998"], first["ul998"]) == pytest.approx((0.556365, 1.797380), abs=1e-6)
    assert last["precision"] == pytest.approx(1 / 0.009)
    assert (last["ll95"], last["ul95"]) == pytest.approx((0.830325, 1.204348), abs=1e-6)


def test_additive_limits_widen_by_tau2_by_hand():
    # Precision 25 (s^2 = 0.04) and tau2 0.04: sd = sqrt(0.08) = 0.282843,
    # 1.959964 x 0.282843 = 0.554363, limits exp(-/+0.554363) = 0.574439 and 1.740829 around RL 1.
    method = funnels.get("additive")
    lim = method.limits(_fit(method, [25.0, 25.0], 0.0, 0.04, "log"), 3)  # grid 12.5, 25, 50
    mid = lim.iloc[1]
    assert mid["precision"] == pytest.approx(25.0)
    assert (mid["ll95"], mid["ul95"]) == pytest.approx((0.574439, 1.740829), abs=1e-6)


def test_proportion_limits_by_hand():
    # p0 = 0.25: target asin(sqrt(0.25)) = pi/6; 100 effective respondents: s = 1/(2 x 10) =
    # 0.05; limits sin^2(pi/6 -/+ 1.959964 x 0.05) = sin^2(0.425601), sin^2(0.621597)
    # = 0.170460 and 0.339113 (FunnelPlotR "PR").
    for name in ("additive", "funnelplotr"):
        method = funnels.get(name)
        lim = method.limits(_fit(method, [100.0, 100.0], math.pi / 6, 0.0, "asin"), 3)
        mid = lim.iloc[1]
        assert (mid["ll95"], mid["ul95"]) == pytest.approx((0.170460, 0.339113), abs=1e-6), name


def test_exact_binomial_limits_and_positions_by_hand_and_against_scipy():
    # Boards of 10, workforce share 0.3, national ratio 0.5: p0 = 0.15. P(X = 0) = 0.85^10 =
    # 0.196874 > 0.025, so the lower 95% quantile is 0; P(X <= 3) = 0.196874 + 0.347425 +
    # 0.275896 + 0.129834 = 0.950030 < 0.975 <= P(X <= 4) = 0.990126, so the upper is 4:
    # ratio limits 0 / (10 x 0.3) = 0 and 4 / 3. At 99.8%: upper quantile 6 (P(X > 5) = 0.00138
    # > 0.001), limit 2.
    method = funnels.get("exact_binomial")
    k = np.array([0.0, 1, 2, 5, 7] * 5)
    data = funnels.MemberCounts(k, np.full(k.size, 10.0), np.full(k.size, 0.3), 0.5)
    fit = method.fit(data, min_orgs=20)
    lim = method.limits(fit, 50)
    assert list(lim["precision"]) == [10.0]
    row = lim.iloc[0]
    assert (row["ll95"], row["ul95"], row["ul998"]) == pytest.approx((0.0, 4 / 3, 2.0))
    assert row["ul95"] == pytest.approx(stats.binom.isf(0.025, 10, 0.15) / 3)
    assert row["ll998"] == pytest.approx(stats.binom.ppf(0.001, 10, 0.15) / 3)
    # 5 members: P(X >= 5) = 1 - 0.990126 = 0.009874 < 0.025 (above at 95%) but > 0.001.
    by_k = fit.placed.assign(k=k).drop_duplicates("k").set_index("k")
    assert by_k.loc[5.0, "position_95"] == "above" and by_k.loc[5.0, "position_998"] == "inside"
    assert by_k.loc[0.0, "position_95"] == "inside"  # 0.196874 is no evidence of too few
    assert by_k.loc[5.0, "p"] == pytest.approx(2 * stats.binom.sf(4, 10, 0.15))
    assert by_k.loc[0.0, "expected"] == pytest.approx(1.5)
