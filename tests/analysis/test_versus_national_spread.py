"""The comparison with England allows for ordinary differences between organisations
(issue 16): on a panel of 200 organisations whose relative likelihoods differ from the
national one only by an ordinary spread (tau2 = 0.2 on the log ratio, the spread the
published 2018 disciplinary figures imply) and no special causes, at most 6.5% of
organisation-years are "significantly different from England" on each relative-likelihood
indicator; the sampling-only test it replaces flags far more."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wres.analysis.organisations import analyse_trusts
from wres.kinds import kind_of
from wres.registry import load_registry

REG = load_registry()
LIKELIHOODS = [ind for ind in REG.indicators if kind_of(ind, REG).likelihood]
N_ORGS, YEARS, TAU2, NATIONAL = 200, (2022, 2023, 2024), 0.2, 1.5


def _panel(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-format counts for every relative-likelihood indicator, each organisation's true
    log ratio log 1.5 + N(0, tau2); the comparison group's rate and the denominators as the
    registry's synthetic spec says (shortlisted or headcount, its base rate)."""
    rng = np.random.default_rng(seed)
    rows, national = [], []
    size = rng.lognormal(np.log(4000), 0.6, N_ORGS).astype(int) + 200
    for ind in LIKELIHOODS:
        kind = kind_of(ind, REG)
        g1, g2 = kind.groups
        base = ind.trust.synthetic.base_rate
        for year in YEARS:
            national.append((ind.id, kind.national_series()[0], year, NATIONAL, "ratio"))
            log_rl = np.log(NATIONAL) + rng.normal(0, np.sqrt(TAU2), N_ORGS)
            n1 = np.maximum(20, (0.25 * size).astype(int))
            n2 = size - n1
            p2 = np.full(N_ORGS, base)
            p1 = np.clip(p2 * np.exp(log_rl), 0, 0.99)
            k1, k2 = rng.binomial(n1, p1), rng.binomial(n2, p2)
            for i in range(N_ORGS):
                for g, k, n in ((g1, k1[i], n1[i]), (g2, k2[i], n2[i])):
                    rows.append((year, f"ZQ{i:03d}", f"Org {i}", "Region", "Acute", ind.id, "", g, k, n, np.nan, ""))
    cols = ["year", "org_code", "org_name", "region", "org_type", "indicator", "band", "group"]
    trusts = pd.DataFrame(rows, columns=[*cols, "numerator", "denominator", "percent", "missing_reason"])
    nat = pd.DataFrame(national, columns=["indicator", "series", "report_year", "value", "unit"])
    return trusts, nat


@pytest.fixture(scope="module")
def compared():
    trusts, nat = _panel(20261207)
    return analyse_trusts(trusts, REG, trends=False, national=nat)["trust_versus_national"]


def test_ordinary_organisations_are_rarely_called_different_from_england(compared):
    flagged = compared["comparison"].isin(["higher", "lower"])
    share = flagged.groupby(compared["indicator"]).mean()
    assert set(share.index) == {ind.id for ind in LIKELIHOODS}
    assert (share <= 0.065).all(), share.to_dict()
    assert compared["tau2_source"].str.startswith("estimated from the organisations of the same year").all()
    # The spread it allowed for is the one the panel was built with, within estimation error.
    assert compared.groupby("indicator")["tau2"].mean().between(0.13, 0.27).all()


def test_the_sampling_only_test_would_flag_many_of_them(compared):
    # Recomputed here from the counts' Katz SE alone (no spread): z = (log RL - log 1.5) / SE.
    from scipy import stats

    z = np.log(compared["value"] / NATIONAL) / ((np.log(compared["ci_high"]) - np.log(compared["ci_low"])) / (2 * 1.96))
    flagged = pd.Series(2 * stats.norm.sf(np.abs(z)) < 0.05, index=compared.index).groupby(compared["indicator"]).mean()
    assert (flagged > 0.15).any(), flagged.to_dict()
