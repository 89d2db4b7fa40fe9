"""What one organisation's page says in sentences: the headline, where each figure lies
against its peers and against England, the funnels' introduction and the method notes.

One job: those words. :class:`ProfileWords` is the sentence-writing half of
:class:`wres.report.organisation_page.OrgProfile`, which holds the facts it reads (the
organisation's rows, trends, funnel fits and comparisons with the national figures).
Text from data is escaped before it reaches Markdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from wres.kinds import Kind, kind_of
from wres.report import formats, settings_words
from wres.report.formats import interval
from wres.report.html import md_escape
from wres.report.source_words import report_for_year
from wres.report.words import VERDICT_ICON, plural, survey_ids
from wres.stats.funnels import chance_share

if TYPE_CHECKING:
    from wres.registry import Indicator, Registry


def ci_words(registry: Registry | None = None) -> str:
    """What a confidence interval is, in words, where a profile first names one: ``"95% CI:
    the range that would hold the true figure 95 times in 100"`` at the registry's level."""
    level = settings_words.confidence(registry)
    return f"{level} CI: the range that would hold the true figure {level.removesuffix('%')} times in 100"


#: The funnel plots' 95% limits in words, for the profile's first screen.
CHANCE_RANGE = "within the range that chance alone would give an organisation of its size"
VERDICTS = {**VERDICT_ICON, "not estimable": "○ not estimable", "crossed parity": "⇄ crossed parity"}
#: How the published national figures are named on the page.
NATIONAL_NAME = "England"
#: ``comparison`` codes of ``trust_versus_national`` in words.
VERSUS_WORDS = {
    "higher": "significantly higher",
    "lower": "significantly lower",
    "not_significant": "not significantly different",
    "not_estimable": "not compared (no estimate)",
}


def position_words(kind: Kind, position: str, value: float | None = None) -> str:
    """'higher than peers (worse)' and the like, judged by the kind's direction.

    A value outside the kind's non-adverse range is never called better: it is adverse
    the other way."""
    words = formats.position_words(position, peers=True, side=False)
    if position not in formats.OUTSIDE:
        return words
    direction = kind.value_direction()
    if direction == "none":
        return words
    better = (position == "above") == (direction == "up")
    rng = kind.non_adverse
    if better and rng and value is not None and pd.notna(value) and not (rng[0] <= value <= rng[1]):
        return words
    return f"{words} ({'better' if better else 'worse'})"


def versus_words(r, kind: Kind) -> str:
    """'1.50, 95% CI 1.31 to 1.71; England 1.59: not significantly different' for one
    ``trust_versus_national`` row."""
    return (
        f"{kind.fmt(r.value)}, {settings_words.ci(kind.registry)} {interval(r.ci_low, r.ci_high, kind.fmt)}; "
        f"{NATIONAL_NAME} {kind.fmt(r.national_value)}: {VERSUS_WORDS.get(r.comparison, r.comparison)}"
    )


class ProfileWords:
    """The sentences of an organisation's page, from the facts of its :class:`OrgProfile`."""

    registry: Registry
    versus: pd.DataFrame
    trends: pd.DataFrame
    fits: pd.DataFrame
    meta: dict
    n_orgs_total: int

    def kind(self, ind: Indicator) -> Kind:
        return kind_of(ind, self.registry)

    def versus_national_markdown(self) -> str:
        """Each indicator against the published national figure of the same year: the latest
        year in words, and how many of its years differed significantly."""
        v = self.versus
        if v is None or v.empty:
            return (
                f"No published national figure of the same year and measure is in the data for this "
                f"organisation's indicators, so none is compared with {NATIONAL_NAME}."
            )
        items = []
        for ind in self.indicators():
            r = v[v["indicator"] == ind.id].sort_values("year")
            if r.empty:
                continue
            last = r.iloc[-1]
            own = self.latest_row(ind)
            own_year = int(own["year"]) if own is not None else int(last["year"])
            report = report_for_year(getattr(self, "sources", None), own_year)
            # Short: it repeats for every indicator; the note above the section names the report.
            missing = "not yet transcribed (see note)" if report else "not in the data"
            older = (
                f" {NATIONAL_NAME}'s figure for the {ind.year_phrase(own_year)}, the organisation's latest, is "
                f"{missing}: the comparison is of the latest year with both."
                if own_year != int(last["year"])
                else ""
            )
            years = r[r["comparison"] != "not_estimable"]
            hi, lo = int((years["comparison"] == "higher").sum()), int((years["comparison"] == "lower").sum())
            span = (
                f" In {len(years)} years with a national figure it was significantly higher in {hi} and lower in {lo}."
                if len(years) > 1
                else ""
            )
            items.append(
                f"- **{md_escape(ind.title)}**, {ind.year_phrase(int(last['year']))}: "
                f"{versus_words(last, self.kind(ind))}.{span}{older}"
            )
        intro = (
            f"Each figure is compared with the published national figure for {NATIONAL_NAME} of the same year "
            "and indicator, treated as fixed, never with another year's. Organisations differ from "
            f"{NATIONAL_NAME} by more than chance even when nothing is unusual about them, so a figure is "
            f"called different from {NATIONAL_NAME} only when it lies outside the range where ordinary "
            "organisations lie (a prediction interval, allowing for the usual spread between organisations; "
            "relative likelihoods on the log scale, staff-survey percentages allowing for the design effect; "
            "representation ratios by an exact binomial test of the senior group's members)."
        )
        return intro + "\n\n" + "\n".join(items)

    def indicators_intro(self) -> str:
        return (
            f"Each indicator's latest figure with its {settings_words.confidence(self.registry)} confidence "
            f"interval ({ci_words(self.registry)}), the pooled figure "
            "of all organisations in the same year, and whether the figure stands out from the range chance alone "
            "would give an organisation of its size. The year "
            f"column says which year a figure means: the staff-survey indicators ({survey_ids(self.registry)}) "
            f"come from the NHS Staff Survey of the year before the {self.registry.site.report_name}."
        )

    def headline(self) -> str:
        """The profile's opening, level before trend: what is worst and what is improving, one
        line per indicator (adverse first: where it stands, against England, against other
        organisations, trend), then the paragraph on funnel positions, England and trends."""
        from wres.report.org_standing import england_note, profile_standings, standing_lines, worst_and_improving_org

        standings = profile_standings(self)
        first = worst_and_improving_org(standings, self.registry)
        if any(settings_words.ci(self.registry) in s.value for s in standings):
            # The lines abbreviate the interval: say what it is before them, on the first screen.
            first += f"\n\nOne line per indicator, adverse first ({ci_words(self.registry)}):"
        first += "\n\n" + standing_lines(standings, md_escape)
        note = england_note(standings, getattr(self, "sources", None))
        if note:
            first += "\n\n" + md_escape(note)
        return first + "\n\n" + self.details()

    def details(self) -> str:
        """Plain-English paragraph: funnel positions in the latest year, England, significant trends."""
        lat = self.latest()
        parts = []
        placed = lat[lat["position_95"] != "not estimable"]
        if placed.empty:
            most = int(lat["funnel_orgs"].max()) if len(lat) else 0
            parts.append(
                f"Comparing organisations needs at least {self.min_orgs} with an estimate; the data hold "
                f"{plural(self.n_orgs_total, 'organisation')} ({most} with an estimate at most for any indicator), so this "
                "organisation has no peers to be compared with and no funnel position is shown."
                + (
                    " It is compared instead with the published national figures below."
                    if self.versus is not None and len(self.versus)
                    else ""
                )
            )
        else:
            out95 = placed[placed["position_95"].isin(["above", "below"])]
            out998 = placed[placed["position_998"].isin(["above", "below"])]
            yr = sorted(set(placed["year"]))
            when = f"{self.registry.site.report_name} {yr[-1]}" if len(yr) == 1 else "its latest figures"
            if self._has_survey(placed):
                when += " (the staff-survey indicators come from the previous year's NHS Staff Survey)"
            if out95.empty:
                parts.append(
                    f"In {when}, **none of its {len(placed)} indicators** compared with other organisations "
                    f"stands out: each lies {CHANCE_RANGE}."
                )
            else:
                items = "; ".join(
                    f"{md_escape(r.title)} "
                    f"{position_words(self.kind(self.registry.indicator(int(r.indicator))), r.position_95, r.value)}"
                    for r in out95.itertuples()
                )
                verb = "lies" if len(out95) == 1 else "lie"
                parts.append(
                    f"In {when}, **{len(out95)} of its {len(placed)} indicators** compared with other organisations "
                    f"{verb} outside {CHANCE_RANGE.removeprefix('within ')}: {items}."
                )
                if len(out998):
                    parts.append(
                        f"{len(out998)} of them {'is' if len(out998) == 1 else 'are'} far outside it, a strong signal."
                    )
                else:
                    parts.append("None is far outside it. " + self._chance_words(placed))
        vs = self.versus
        if vs is not None and len(vs):
            # Only each indicator's latest figure, against England's figure of the same year: an
            # older comparison would be counted here as if it were about the figure shown.
            latest_years = {int(r.indicator): int(r.year) for r in lat.itertuples()}
            same = vs[[latest_years.get(int(i)) == int(y) for i, y in zip(vs["indicator"], vs["year"], strict=True)]]
            compared = set(vs["indicator"].astype(int))
            without = sorted(i for i in latest_years if i in compared and i not in set(same["indicator"].astype(int)))
            cur = same[same["comparison"] != "not_estimable"]
            diff = cur[cur["comparison"].isin(["higher", "lower"])]
            what = f"{len(cur)} compared indicator{'s' if len(cur) != 1 else ''}"
            if without:
                names = "; ".join(md_escape(self.registry.indicator(i).title) for i in without)
                year = max(latest_years[i] for i in without)
                report = report_for_year(getattr(self, "sources", None), year)
                why = "not yet transcribed (see note)" if report else "not in the data"
                parts.append(
                    f"{NATIONAL_NAME}'s figure for the latest year is {why} for: {names}; so "
                    f"{'they are' if len(without) > 1 else 'it is'} not compared with {NATIONAL_NAME} here."
                )
            if cur.empty:
                pass  # nothing compared: the sentence above, or the table's "no estimate", says why
            elif diff.empty:
                parts.append(
                    f"Against the published national figures of the same year, "
                    f"**none of its {what}** differs significantly from {NATIONAL_NAME}."
                )
            else:
                which = "; ".join(
                    f"{md_escape(self.registry.indicator(int(r.indicator)).title)} "
                    f"{self._england_words(int(r.indicator), r)}"
                    for r in diff.itertuples()
                )
                parts.append(
                    f"Against the published national figures of the same year, "
                    f"**{len(diff)} of its {what}** differ{'s' if len(diff) == 1 else ''} significantly "
                    f"from {NATIONAL_NAME}: {which}."
                )
        tr = self.trends
        if tr is None or tr.empty:
            parts.append("No trend could be tested.")
        else:
            sig = tr[tr["verdict"].isin(["improving", "worsening", "crossed parity", "increasing", "decreasing"])]
            n_tests = int(tr["q_value"].notna().sum())
            corrected = (
                f"After allowing for testing all {self.n_orgs_total} organisations at once, "
                if self.n_orgs_total > 1
                else "With a single organisation in the data there is nothing to correct across organisations: "
            )
            if sig.empty:
                parts.append(
                    f"{corrected}**none of its {n_tests} tested trends** (in the gap between the groups each "
                    "indicator compares) is statistically significant. That is not evidence of no change: a single "
                    "organisation's counts can detect only large changes."
                )
            else:
                items = "; ".join(
                    f"{md_escape(self.registry.indicator(int(r.indicator)).title)} {r.verdict}"
                    for r in sig.itertuples()
                )
                parts.append(
                    f"{corrected}"
                    f"**{len(sig)} of its {n_tests} tested trends** {'is' if len(sig) == 1 else 'are'} "
                    f"statistically significant: {items}."
                )
        return " ".join(parts)

    def _england_words(self, indicator: int, r) -> str:
        """'significantly higher (worse)' against England, by the kind's direction."""
        from wres.report.org_standing import better_or_worse

        judged = better_or_worse(self.kind(self.registry.indicator(indicator)), r.comparison, r.value)
        return f"{VERSUS_WORDS[r.comparison]}" + (f" ({judged})" if judged else "")

    def _chance_words(self, placed: pd.DataFrame) -> str:
        """What chance alone would put outside the 95% limits, from the fitted funnels' methods."""
        f = self.fits
        if f is None or f.empty or "method" not in f.columns:
            return ""
        used = f.merge(placed[["indicator", "year"]], on=["indicator", "year"])["method"].astype(str)
        share = chance_share(used)
        if share is None:
            return ""
        return f"Even with no real differences between organisations, {share} 1 figure in 20 would lie outside that range by chance."

    def _has_survey(self, df: pd.DataFrame) -> bool:
        return any(self.registry.indicator(int(i)).is_survey for i in df["indicator"])

    def peers_note(self) -> str:
        """Why peer comparisons are missing, or "" when they are there."""
        lat = self.latest()
        if len(lat) and (lat["position_95"] != "not estimable").any():
            return ""
        return (
            f"**No peer comparison.** Funnel positions need at least {self.min_orgs} organisations with an "
            f"estimate in the same year; the data hold {self.n_orgs_total}."
        )

    def peer_words(self, ind: Indicator, r) -> str:
        """Where one latest figure lies against its peers, in words."""
        if r.position_95 == "not estimable":
            return "not compared: " + ("no peers to compare with" if r.funnel_orgs < self.min_orgs else "no estimate")
        if r.position_95 == "inside":
            return "within the range expected by chance"
        far = "far " if r.position_998 in ("above", "below") else ""
        return f"{position_words(self.kind(ind), r.position_95, r.value)}: {far}outside the range expected by chance"

    def funnels_intro(self, n_funnels: int) -> str:
        """What the funnel plots below show, in words (or why there are none)."""
        if not n_funnels:
            return (
                f"No funnel plot places this organisation: a plot needs at least {self.min_orgs} organisations "
                "with a figure in the same year, and this organisation needs a figure of its own."
            )
        return (
            f"Each plot shows every organisation as a point, by its figure (up) and its size (across); "
            f"{md_escape(self.name)} is the large labelled point. The curves mark how far from the pooled figure "
            "of all organisations chance alone would take an organisation of that size: about 1 organisation in "
            "20 lies outside the inner (dashed) curves by chance, the 95% limits, and about 1 in 500 outside "
            "the outer (dotted) curves, the 99.8% limits. Smaller organisations scatter more, so the curves "
            "narrow to the right. Select a point to open that organisation's page."
        )

    def _funnel_sentence(self, ind: Indicator, year: int, me: pd.Series, fit: pd.Series, n: int) -> str:
        """One plain sentence: where the organisation's figure lies among all organisations."""
        kind = self.kind(ind)
        pos95, pos998 = me["funnel_position_95"], me["funnel_position_998"]
        if pos95 == "inside":
            where = "within the range that chance alone would give an organisation of its size"
        else:
            side = "higher" if pos95 == "above" else "lower"
            judged = position_words(kind, pos95, me["value"])
            judgement = judged[judged.index("(") :] if "(" in judged else ""
            where = (
                f"far {side} than chance alone would give an organisation of its size, a strong signal"
                if pos998 in ("above", "below")
                else f"{side} than chance alone would usually give an organisation of its size "
                "(about 1 organisation in 20 lies this far out by chance)"
            ) + (f" {judgement}" if judgement else "")
        return (
            f"**{md_escape(ind.name)}: {md_escape(ind.title)}**, {ind.year_phrase(year)}. "
            f"The figure of {md_escape(self.name)}, {kind.fmt(me['value'])}, lies {where}; "
            f"the pooled figure of the {n:,} organisations on the plot is {kind.fmt(float(fit['target']))}."
        )

    def methods_markdown(self) -> str:
        deff = float(self.meta["survey_deff"])
        return (
            "- **Funnel limits.** An organisation is compared with the pooled value of all organisations in the same "
            "year. The 95% and 99.8% limits show where an organisation of its size would fall by chance alone, with "
            "the spread computed as if it were on target; they are widened when organisations differ more than "
            f"chance explains (additive between-organisation variance τ², DerSimonian–Laird). No funnel is drawn "
            f"with fewer than {self.min_orgs} organisations. Representation indicators use exact binomial limits on "
            "the senior group's members.\n"
            f"- **Against {NATIONAL_NAME}** compares each figure with the published national figure of the same "
            "year, which needs no other organisations.\n"
            "- **Higher or lower than peers** says which side of the limits a figure lies; *better* or *worse* follows the "
            "direction the indicator registry counts as improvement. A relative likelihood below the non-adverse range "
            "is not called better: it is adverse the other way.\n"
            f"- **Staff-survey indicators** are weighted estimates; their intervals assume a design effect of {deff:g}.\n"
            "- **Trends** test whether the gap between the two groups changed, with a quasi-binomial model of the "
            "yearly counts; the q-value corrects for testing every organisation (Benjamini–Hochberg). *Improving* "
            "means the gap closing towards parity (an odds ratio of 1), *worsening* the gap widening, whichever "
            "group is ahead; a gap that changed sides is *crossed parity*."
        )
