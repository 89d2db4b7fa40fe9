"""A toy fifth indicator kind, for the tests: a 0-10 engagement score compared between two
groups, supplied as this one module plus a registry entry (``trust.kind: toy_score_gap``).

The value is the mean score of the kind's numerator group minus that of its comparison group
(score points; 0 = no difference). In the trust-level input contract a group's row carries
``numerator`` = the score points its respondents gave and ``denominator`` = 10 x its
respondents (the most they could give), so ``numerator <= denominator`` holds and the mean
score is ``10 x numerator / denominator``.

Interval: ``difference +/- z SD sqrt(1/r1 + 1/r2)`` with ``r`` the respondents and ``SD`` =
:data:`SD`, the spread of one person's score, an assumption this module states (a real kind
would take it from the survey). Funnel: the same normal approximation around the
precision-weighted mean difference, no overdispersion. No trend test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from wres.kinds.base import Kind

#: Highest score a respondent can give.
SCALE_MAX = 10
#: Standard deviation of one respondent's score, in score points (assumed).
SD = 2.0
_KEYS = ["year", "org_code"]


def _difference(k1, n1, k2, n2, alpha: float):
    """(difference, SE, low, high) of mean scores from points and 10 x respondents."""
    k1, n1, k2, n2 = (np.asarray(a, dtype=float) for a in (k1, n1, k2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (n1 > 0) & (n2 > 0) & np.isfinite(k1) & np.isfinite(k2)
        d = np.where(ok, SCALE_MAX * (k1 / n1 - k2 / n2), np.nan)
        se = np.where(ok, SD * np.sqrt(SCALE_MAX / n1 + SCALE_MAX / n2), np.nan)
    z = stats.norm.ppf(1 - alpha / 2)
    return d, se, d - z * se, d + z * se


class ScoreGap(Kind):
    name = "toy_score_gap"
    unit = "score points"
    measure = "score_gap"
    size_words = "respondents"
    funnel_method = "normal"
    versus_national_test = f"z-test on the difference of mean scores (SD {SD:g} points), national figure fixed"
    change_test = f"z-test on the change in the difference of mean scores (SD {SD:g} points)"
    change_scale = "score points"
    change_unit = "score points"
    value_format = "{:+.2f} points"
    parity_value = 0.0

    def value_label(self) -> str:
        g1, g2 = self.groups
        return f"Mean engagement score (0-10), {self.standard.label(g1)} minus {self.standard.label(g2)}"

    def value_direction(self) -> str:
        return self.ind.trust.improvement or "parity"

    def tested_words(self) -> str:
        g1, g2 = self.groups
        return f"difference in mean engagement score, {self.standard.label(g1)} minus {self.standard.label(g2)}"

    def value_axis_title(self, short: bool = False) -> str:
        return "Score difference (points)" if short else f"{self.value_label()} (points; 0 = no difference)"

    def size_axis_title(self, survey_deff: float) -> str:
        return "Organisation size: precision of the difference (1 / SE squared; log scale)"

    def funnel_caveats(self, survey_deff: float) -> list[str]:
        return [f"Intervals and limits assume each person's score varies with a standard deviation of {SD:g} points."]

    # -- analysis -----------------------------------------------------------------------

    def _wide(self, trusts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        """Points and 10 x respondents of both groups, summed over ``by``."""
        g1, g2 = self.groups
        sub = trusts[(trusts["indicator"] == self.ind.id) & trusts["group"].isin([g1, g2])]
        sub = sub.assign(
            numerator=pd.to_numeric(sub["numerator"], errors="coerce").astype(float),
            denominator=pd.to_numeric(sub["denominator"], errors="coerce").astype(float),
        )
        w = sub.pivot_table(index=by, columns="group", values=["numerator", "denominator"], aggfunc="sum")
        w.columns = [f"{q}_{g}" for q, g in w.columns]
        for g in (g1, g2):
            for q in ("numerator", "denominator"):
                if f"{q}_{g}" not in w.columns:
                    w[f"{q}_{g}"] = np.nan
        return w.reset_index()

    def _values(self, w: pd.DataFrame, alpha: float) -> pd.DataFrame:
        g1, g2 = self.groups
        k1, n1, k2, n2 = (w[f"{q}_{g}"].to_numpy(float) for g in (g1, g2) for q in ("numerator", "denominator"))
        d, se, lo, hi = _difference(k1, n1, k2, n2, alpha)
        w = w.assign(value=d, ci_low=lo, ci_high=hi, y=d, s=se)
        for g, k, n in ((g1, k1, n1), (g2, k2, n2)):
            with np.errstate(divide="ignore", invalid="ignore"):
                w[f"rate_{g}"] = np.where(n > 0, k / n, np.nan)
        with np.errstate(divide="ignore"):
            w["funnel_precision"] = 1.0 / se**2
        w["note"] = np.where(np.isfinite(d), "", "no respondents in one of the groups")
        w["indicator"] = self.ind.id
        w["band"] = ""
        return w

    def organisation_rows(self, trusts, *, deff, alpha):
        attrs = trusts[trusts["indicator"] == self.ind.id].drop_duplicates(_KEYS)
        w = self._values(self._wide(trusts, _KEYS), alpha)
        return w.merge(attrs[[*_KEYS, "org_name", "region", "org_type"]], on=_KEYS, how="left")

    def aggregate_rows(self, trusts, by, *, deff, alpha):
        w = self._values(self._wide(trusts, by), alpha)
        n_orgs = trusts[trusts["indicator"] == self.ind.id].groupby(by)["org_code"].nunique()
        return w.merge(n_orgs.rename("n_orgs").reset_index(), on=by, how="left")

    def trend_counts(self, trusts):
        return None

    def versus_national(self, num, national, *, deff, alpha, tau2=None):
        d, se, _, _ = _difference(*self.change_counts(num), alpha)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (d - national) / se
        return z, 2 * stats.norm.sf(np.abs(z)), z

    def change_test_result(self, earlier, later, *, deff, alpha):
        d0, se0, _, _ = _difference(*earlier, alpha)
        d1, se1, _, _ = _difference(*later, alpha)
        est, se = d1 - d0, np.sqrt(se0**2 + se1**2)
        z = stats.norm.ppf(1 - alpha / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = 2 * stats.norm.sf(np.abs(est / se))
        res = {"estimate": est, "se": se, "ci_low": est - z * se, "ci_high": est + z * se, "p_value": p}
        res["dispersion"] = np.ones(len(est))
        return res, est

    def funnel_year(self, rows, year, *, min_orgs, grid_points):
        d, se = rows["value"].to_numpy(float), rows["s"].to_numpy(float)
        ok = np.isfinite(d) & np.isfinite(se) & (se > 0)
        fit = {"indicator": self.ind.id, "year": year, "transform": "identity", "method": self.funnel_method}
        fit.update(min_orgs=min_orgs, n_orgs=int(ok.sum()), phi=np.nan, tau2=0.0, overdispersion=False, n_exact=0)
        if ok.sum() < min_orgs:
            fit.update(target=np.nan, target_transformed=np.nan, fitted=False, note="too few organisations")
            out = rows.assign(funnel_z=np.nan, funnel_p=np.nan, funnel_exact=False)
            out["funnel_position_95"] = out["funnel_position_998"] = "not estimable"
            return out, fit, pd.DataFrame()
        w = 1 / se[ok] ** 2
        target = float((w * d[ok]).sum() / w.sum())
        fit.update(target=target, target_transformed=target, fitted=True, note="")
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(ok, (d - target) / se, np.nan)

        def position(limit):
            return np.where(~ok, "not estimable", np.where(z > limit, "above", np.where(z < -limit, "below", "inside")))

        z95, z998 = stats.norm.ppf(0.975), stats.norm.ppf(0.999)
        out = rows.assign(
            funnel_precision=np.where(ok, 1 / se**2, np.nan),
            funnel_z=z,
            funnel_p=2 * stats.norm.sf(np.abs(z)),
            funnel_position_95=position(z95),
            funnel_position_998=position(z998),
            funnel_exact=False,
        )
        grid = np.geomspace(w.min(), w.max(), grid_points)
        limits = pd.DataFrame({"indicator": self.ind.id, "year": year, "precision": grid, "target": target})
        for name, zz in (("95", z95), ("998", z998)):
            limits[f"ll{name}"], limits[f"ul{name}"] = target - zz / np.sqrt(grid), target + zz / np.sqrt(grid)
        return out, fit, limits

    def synthetic_rows(self, orgs, years, seed):
        # The kind's own stream: the panel's other figures do not move.
        rng = np.random.default_rng([seed, self.ind.id])
        g1, g2 = self.groups
        n = len(orgs)
        size = orgs["size0"].to_numpy(float)
        base = 6.5 + rng.normal(0, 0.3, n)
        gap = -0.4 + rng.normal(0, 0.2, n)
        parts = []
        for y in years:
            for g, share, shift in ((g1, 0.15, gap), (g2, 0.85, 0.0)):
                resp = np.maximum(5, np.round(size * share * 0.4 * np.exp(rng.normal(0, 0.1, n)))).astype(int)
                mean = np.clip(base + shift + rng.normal(0, 0.1, n), 0, SCALE_MAX)
                points = np.clip(np.round(mean * resp), 0, SCALE_MAX * resp).astype(int)
                parts.append(
                    pd.DataFrame(
                        {
                            "year": y,
                            "org_code": orgs["org_code"].to_numpy(),
                            "org_name": orgs["org_name"].to_numpy(),
                            "region": orgs["region"].to_numpy(),
                            "org_type": orgs["org_type"].to_numpy(),
                            "indicator": self.ind.id,
                            "band": "",
                            "group": g,
                            "numerator": points,
                            "denominator": SCALE_MAX * resp,
                            "percent": np.nan,
                            "missing_reason": "",
                        }
                    )
                )
        return pd.concat(parts, ignore_index=True)


KIND = ScoreGap
