"""Relative likelihood: one group's rate divided by another's (the WRES likelihood indicators: being
appointed from shortlisting, entering formal disciplinary process, accessing non-mandatory
training). Both rates come from counts of people (numerator out of denominator); 1.0 is
parity and NHS England's non-adverse range (the four-fifths rule) applies.
"""

from __future__ import annotations

from wres.kinds.base import Kind


class RelativeLikelihood(Kind):
    name = "relative_likelihood"
    unit = "ratio"
    measure = "relative_likelihood"
    likelihood = True
    # The axis is the statistical precision of the ratio, which grows with the staff in the
    # comparison; its numbers mean nothing to a reader, so the tooltip gives the counts.
    size_axis_numbers = False
    size_words = "staff in the comparison"
    versus_national_test = (
        "z-test on the log relative likelihood (Katz SE) against the spread of ordinary organisations "
        "(prediction interval with the funnel's tau2), national figure fixed"
    )
    # Published: only 23.8% of trusts had a disciplinary ratio within 0.80-1.25 in 2018 with
    # the national figure at 1.24 (data/raw/published), which needs a total SD of about 0.7
    # on the log scale (0.49 in variance); sampling error explains 0.1-0.3 of it, so about
    # 0.2 is spread between organisations, the lower end (a larger value would flag fewer).
    default_tau2 = 0.2
    default_tau2_source = (
        "default 0.2 (log scale): fewer organisations than a funnel needs; from the published 2018 share of "
        "trusts within 0.80-1.25 on the disciplinary indicator (23.8%)"
    )
    change_unit = "% change in the relative likelihood"

    def spread_inputs(self, num, *, deff):
        # The log relative likelihood and its Katz variance: the funnel's scale.
        from wres.stats.overdispersion import katz

        return katz(*self.change_counts(num))

    def value_label(self) -> str:
        return self.ind.series[0].label

    def value_direction(self) -> str:
        return self.ind.trust.improvement or self.ind.series[0].improvement

    def tested_words(self) -> str:
        g1, g2 = self.groups
        std = self.standard
        return f"{std.label(g1)} vs {std.label(g2)} rate ({self.ind.rate_words or 'odds ratio'})"

    def value_axis_title(self, short: bool = False) -> str:
        if short:
            return "Ratio (log scale; 1 = parity)"
        return f"{self.value_label()} (ratio, log scale; 1 = parity)"

    def size_axis_title(self, survey_deff: float) -> str:
        return "Organisation size: staff in the comparison (log scale; larger organisations further right)"

    # -- analysis -----------------------------------------------------------------------

    change_test = (
        "change in the log relative likelihood beyond the common change, against ordinary movement between "
        "organisations (DerSimonian-Laird random effects), Katz variance"
    )
    change_scale = "log relative likelihood"


KIND = RelativeLikelihood
