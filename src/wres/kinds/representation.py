"""Representation: a group's share of a senior band (very senior managers, the board)
against its share of the organisation's whole workforce (in the WRES: very senior
managers and board members). The value is the ratio of the two shares (1 = in proportion); senior groups are small, so
placement uses exact binomial limits rather than a normal approximation.
"""

from __future__ import annotations

import numpy as np

from wres.kinds.base import Kind


class Representation(Kind):
    name = "representation"
    unit = "ratio"
    measure = "representation"
    funnel_method = "exact_binomial"
    parity_words = True
    # The trend follows the representation ratio's direction (senior share against workforce).
    trend_series_op = "ratio"
    versus_national_test = (
        "exact binomial test of the senior group's members against workforce share x national "
        "representation ratio, national figure fixed"
    )
    change_unit = "% change in the representation ratio"
    default_tau2_source = "none: exact binomial test of the members (for boards sampling error dominates)"

    @property
    def groups(self) -> tuple[str, str]:
        # The senior share is always the minority group's, against the majority.
        return (self.standard.minority_group, self.standard.majority_group)

    @property
    def needs_words(self) -> str:  # type: ignore[override]
        spec = self.ind.trust
        return f"the {spec.band} band and the whole workforce ({spec.workforce_band}) with the minority group's counts"

    @property
    def senior_label(self) -> str:
        """The senior band in words (the registry's comparison label, else the band code)."""
        return self.ind.comparison.senior_label if self.ind.comparison else str(self.ind.trust.band)

    @property
    def size_words(self) -> str:  # type: ignore[override]
        return f"members of the {self.senior_label}"

    def value_label(self) -> str:
        d = self.derived("ratio")
        return d.label if d else "Representation ratio"

    def value_direction(self) -> str:
        if self.ind.trust.improvement:
            return self.ind.trust.improvement
        d = self.derived("ratio")
        return d.improvement if d else "none"

    def tested_words(self) -> str:
        m = self.standard.label(self.groups[0])
        return f"{m} share of {self.senior_label} relative to the {m} share of the whole workforce (odds ratio)"

    def national_series(self) -> tuple[str, str] | None:
        d = self.derived("ratio")
        return (d.key, "ratio") if d else None

    def value_axis_title(self, short: bool = False) -> str:
        if short:
            return "Ratio (log scale; 1 = in proportion)"
        return "Representation ratio (log scale; 1 = in proportion)"

    def size_axis_title(self, survey_deff: float) -> str:
        return f"Organisation size: members of the {self.senior_label} (log scale)"

    def count_columns(self) -> list[tuple[str, str, str]]:
        m = self.groups[0]
        label = self.standard.label(m)
        return [
            (f"{label}, {self.senior_label}", f"numerator_{m}", f"denominator_{m}"),
            (f"{label}, whole workforce", f"workforce_numerator_{m}", f"workforce_denominator_{m}"),
        ]

    def size_columns(self) -> list[str]:
        return [f"denominator_{self.groups[0]}"]

    def funnel_caveats(self, survey_deff: float) -> list[str]:
        return [
            "A ratio of 1 means the group is represented in proportion to its share of the "
            "organisation's whole workforce. Senior groups are small, so intervals are wide and few "
            "organisations can be told apart from the pooled value. The limits treat each board as drawn "
            "at random from its workforce; boards are chosen, and where they genuinely vary between "
            "organisations up to about 4 in 100 lie above the upper 95% limit by chance (calibration chapter)."
        ]

    def allowed_bands(self, pay_bands: tuple[str, ...]) -> tuple[str, ...]:
        spec = self.ind.trust
        own = tuple(b for b in (spec.band, spec.workforce_band) if b)
        # The indicator whose rows hold the whole workforce (pay bands) takes every band; one
        # that borrows its workforce from another (board) only its own band.
        if self.holds_workforce:
            return pay_bands + own
        return (spec.band,) if spec.band else ("",)

    @property
    def row_band(self) -> str | None:
        return self.ind.trust.band

    def change_counts(self, num):
        m = self.groups[0]
        return (
            num(f"numerator_{m}"),
            num(f"denominator_{m}"),
            num(f"workforce_numerator_{m}"),
            num(f"workforce_denominator_{m}"),
        )

    # -- funnels --

    # Senior groups are too small for the normal approximation the counts methods need: the
    # exact binomial funnel on member counts, or an estimate with its standard error for the
    # FunnelPlotR-compatible option.
    funnel_inputs = ("members", "estimates")

    def funnel_pooled_counts(self, rows) -> tuple[float, float, float, float]:
        # The senior and whole-workforce counts of the organisations that have both
        # (``_wf_k``/``_wf_n`` are attached by analyse_trusts while the funnel is built).
        m = self.groups[0]
        if "_wf_k" not in rows.columns:
            return (float("nan"),) * 4
        both = rows["_wf_n"].notna() & rows[f"denominator_{m}"].notna()
        return (
            rows.loc[both, f"numerator_{m}"].sum(),
            rows.loc[both, f"denominator_{m}"].sum(),
            rows.loc[both, "_wf_k"].sum(),
            rows.loc[both, "_wf_n"].sum(),
        )

    # -- analysis -----------------------------------------------------------------------

    versus_workforce = True
    change_test = (
        "change in the log representation ratio beyond the common change, against ordinary movement between "
        "organisations (DerSimonian-Laird random effects), Katz variance"
    )
    change_scale = "log representation ratio"

    @property
    def holds_workforce(self) -> bool:
        return bool(self.ind.trust.workforce_band) and self.workforce_indicator == self.ind.id

    def senior_and_workforce(self, trusts):
        """The minority group's senior and workforce counts as a two-"group" long frame: the
        group codes are the two band codes; ``numerator`` = minority-group headcount,
        ``denominator`` = everyone in the band (all groups, as the contract gives it). Only
        organisation-years with a senior row are kept."""
        import pandas as pd

        minority = self.standard.minority_group
        senior_band, wf_band = self.ind.trust.band, self.ind.trust.workforce_band
        senior = trusts[
            (trusts["indicator"] == self.ind.id) & (trusts["band"] == senior_band) & (trusts["group"] == minority)
        ]
        work = trusts[
            (trusts["indicator"] == self.workforce_indicator)
            & (trusts["band"] == wf_band)
            & (trusts["group"] == minority)
        ]
        work = work[work.set_index(["year", "org_code"]).index.isin(senior.set_index(["year", "org_code"]).index)]
        out = pd.concat([senior.assign(group=senior_band), work.assign(group=wf_band)], ignore_index=True)
        return out.assign(indicator=self.ind.id, band="")

    def trend_counts(self, trusts):
        # The two "groups" are the senior band and the whole workforce: the slope is the
        # yearly change in the log odds ratio of being in the minority group among senior
        # staff vs among all staff.
        spec = self.ind.trust
        return self.senior_and_workforce(trusts), (spec.band, spec.workforce_band), {"band": ""}

    def spread_inputs(self, num, *, deff):
        return None  # exact binomial on the members: no spread allowed for (see versus_national)

    def versus_national(self, num, national, *, deff, alpha, tau2=None):
        # Exact binomial: the senior group's minority members against workforce share x the
        # published ratio; the signed difference of the ratios decides the side. No spread
        # between organisations is allowed for (the funnel on counts estimates none): boards
        # are small, so sampling error dominates; the harness measures the cost.
        from wres.stats import representation as rep

        m = self.groups[0]
        k, n, share = num(f"numerator_{m}"), num(f"denominator_{m}"), num(f"workforce_rate_{m}")
        value = num("value")
        z, p = np.full(len(k), np.nan), np.full(len(k), np.nan)
        for year_value in np.unique(national[np.isfinite(national) & (national >= 0)]):
            at = national == year_value
            f = rep.representation_funnel(k[at], n[at], share[at], national_ratio=float(year_value))
            p[at] = f["p_two_sided"].to_numpy()
            z[at] = np.sign(value[at] - year_value)
        # A national ratio of 0 cannot be compared with.
        return np.full(len(k), np.nan), np.where(national > 0, p, np.nan), z


KIND = Representation
