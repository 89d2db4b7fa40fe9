"""Percentage by group: the share of each group's staff answering yes in the NHS Staff
Survey (WRES indicators 5-8). Figures are weighted survey estimates, so the counts are
``percent x respondents`` and intervals and limits allow for a design effect (an assumption:
the survey does not publish one; ``docs/design.md``).
"""

from __future__ import annotations

from wres.kinds.base import Kind


class Percentage(Kind):
    name = "percentage"
    unit = "percent"
    measure = "percentage"
    weighted_survey = True
    accepts_percent = True
    size_words = "respondents"
    versus_national_test = "score test on the effective sample size (design effect), national figure fixed"
    change_unit = "percentage points"

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
            f"{survey_deff:g} (the survey does not publish one), so treat positions near a limit with care."
        ]

    def change_counts(self, num):
        # The change test compares the first group's percentage between years.
        g1 = self.standard.minority_group
        return num(f"numerator_{g1}"), num(f"denominator_{g1}")

    # -- report --

    unit_axis_title = "Per cent (%)"
    value_bounds = (0.0, 100.0)
    value_format = "{:.1f}%"


KIND = Percentage
