"""Percentage by group: the share of each group's staff answering yes in the NHS Staff
Survey (in the WRES, the staff-survey indicators). Figures are weighted survey estimates,
so the counts are
``percent x respondents`` and intervals and limits allow for a design effect (an assumption:
the survey does not publish one; ``docs/design.md``).
"""

from __future__ import annotations

import numpy as np

from wres.kinds.base import Kind, relative_to_common


class Percentage(Kind):
    name = "percentage"
    unit = "percent"
    measure = "percentage"
    weighted_survey = True
    accepts_percent = True
    size_words = "respondents"
    versus_national_test = (
        "z-test on the arcsine square-root scale with the effective sample size (design effect) against the "
        "spread of ordinary organisations (prediction interval with the funnel's tau2), national figure fixed"
    )
    change_unit = "percentage points"
    # The value is the first group's percent, not a difference: no value of it means parity.
    parity_value = None

    def value_label(self) -> str:
        g1, _ = self.groups
        s = self.series_for_group(g1)
        return f"% of {s.label if s else self.standard.label(g1) + ' staff'}"

    def value_direction(self) -> str:
        return self.ind.trust.improvement or self.ind.series_by_key(self.ind.headline_series).improvement

    def value_axis_title(self, short: bool = False) -> str:
        return "Per cent of staff (%)" if short else f"{self.value_label()} (per cent, %)"

    def size_axis_title(self, survey_deff: float) -> str:
        g1, _ = self.groups
        return (
            f"Organisation size: {self.standard.label(g1)} respondents to the survey "
            f"(effective number, respondents ÷ {survey_deff:g}; log scale)"
        )

    def funnel_caveats(self, survey_deff: float) -> list[str]:
        return [
            f"These are weighted staff-survey estimates; the intervals and limits assume a design effect of "
            f"{survey_deff:g} (the survey does not publish one), so treat positions near a limit with care: if "
            "the true design effect were 2.0, about 9 in 100 unchanged organisations would show a "
            "'significant' change before the false-discovery-rate correction, and at 2.5 about 13 in 100; at "
            "1.2, about 3 in 100 (calibration chapter)."
        ]

    def change_counts(self, num):
        # The change test compares the first group's percentage between years.
        g1 = self.standard.minority_group
        return num(f"numerator_{g1}"), num(f"denominator_{g1}")

    # -- funnels --

    funnel_one_group = True

    # -- analysis -----------------------------------------------------------------------

    rates_measure = "percentage"
    value_format = "{:.1f}%"
    change_test = (
        "change beyond the common change, percentage points, against ordinary movement between organisations "
        "(DerSimonian-Laird random effects), pooled null variance with the survey design effect"
    )
    change_scale = "percentage points"

    def versus_national(self, num, national, *, deff, alpha, tau2=None):
        # Score test of the first group's percent on the effective sample size, one national
        # value at a time (the test takes a scalar).
        from wres.stats import versus_national as vn

        g1, _ = self.groups
        k, n = num(f"numerator_{g1}"), num(f"denominator_{g1}")
        z, p = np.full(len(k), np.nan), np.full(len(k), np.nan)
        for year_value in np.unique(national[(national > 0) & (national < 100)]):
            at = national == year_value
            spread = None if tau2 is None else np.asarray(tau2, dtype=float)[at]
            r = vn.percentage_versus_national(k[at], n[at], float(year_value), deff=deff, alpha=alpha, tau2=spread)
            z[at], p[at] = r["z"], r["p_value"]
        return z, p, z

    def spread_inputs(self, num, *, deff):
        # The arcsine square-root scale the funnels and the comparison with England use:
        # y = asin(sqrt(p)), variance 1 / (4 n_eff).
        g1, _ = self.groups
        k, n = num(f"numerator_{g1}"), num(f"denominator_{g1}")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.arcsin(np.sqrt(k / n)), deff / (4 * n)

    def change_test_result(self, earlier, later, *, deff, alpha):
        # Percentage points on the effective sizes n / deff; ``dispersion`` records the deff.
        # The test: the change beyond the common one against ordinary movement between
        # organisations (additive), with each change's null variance (pooled proportion).
        from wres.stats.change_test import percentage_change

        res = percentage_change(earlier, later, deff=deff, alpha=alpha)
        res["dispersion"] = np.full(len(np.asarray(later[0])), deff)
        (ka, na), (kb, nb) = ((np.asarray(x, dtype=float) for x in pair) for pair in (earlier, later))
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = (ka + kb) / (na + nb)
            null_variance = 100**2 * pooled * (1 - pooled) * deff * (1 / na + 1 / nb)
        relative_to_common(res, null_variance, alpha)
        return res, res["estimate"]

    def relative_change(self, relative):
        return relative

    # -- report --

    unit_axis_title = "Per cent (%)"
    value_bounds = (0.0, 100.0)


KIND = Percentage
