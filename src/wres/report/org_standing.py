"""Where one organisation's figure of an indicator stands, and whether it is better or worse
than England and than other organisations: the first three columns of every profile and of
the board report's first page, before the trend verdict.

One job: those facts and their words. The level uses the figure's confidence interval: a figure
is placed against the non-adverse range (relative likelihoods) or against parity (the gap
between the two figures the indicator compares) only as far as its interval allows, and is
"too uncertain to place" when the interval spans the whole range (or includes parity).
Better or worse follows the kind's direction (:meth:`wres.kinds.base.Kind.value_direction`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wres.kinds import Kind
from wres.registry import Indicator, Registry
from wres.report import settings_words
from wres.report.formats import interval
from wres.report.standing import IMPROVING, minority_words
from wres.report.tables import is_missing

#: The level's states, in the order a profile lists indicators: adverse first.
UNCERTAIN = "too uncertain to place"


@dataclass(frozen=True)
class OrgLevel:
    """Where a figure stands: ``words`` for a reader, ``state`` for ordering and duration
    (``worse``, ``probably worse``, ``uncertain``, ``probably fine``, ``fine``, ``none``)."""

    words: str
    state: str
    since: str = ""
    #: Who a figure outside the non-adverse range is worse for ("worse for BME staff").
    judgement: str = ""

    @property
    def adverse(self) -> bool:
        return self.state in ("worse", "probably worse")

    def phrase(self) -> str:
        return f"{self.words}{self.since}" + (f", {self.judgement}" if self.judgement else "")


def _side(lo: float, hi: float, v: float, a: float, b: float) -> tuple[str, bool]:
    """(side, certain) of an estimate ``v`` with interval ``lo``–``hi`` against ``a``–``b``
    (a == b: a single parity value): ``above``, ``below``, ``within`` or ``spans``."""
    if lo <= a and hi >= b:
        return ("spans", True) if a < b or lo < a < hi else ("within", True)
    if hi < a:
        return "below", True
    if lo > b:
        return "above", True
    if a <= lo and hi <= b:
        return "within", True
    return ("above" if v > b else "below" if v < a else "within"), False


def _level_inputs(kind: Kind, row: pd.Series) -> tuple[str, float, float, float, float, float] | None:
    """(what, value, lo, hi, a, b): the figure the level reads and the range it is placed
    against: the value against the kind's non-adverse range, else the gap between the groups
    against 0, else the value against the kind's parity value."""
    rng = kind.non_adverse
    if rng is not None and not is_missing(row.get("value")):
        return "range", float(row["value"]), float(row["ci_low"]), float(row["ci_high"]), rng[0], rng[1]
    if not is_missing(row.get("gap")) and not is_missing(row.get("gap_ci_low")):
        return "gap", float(row["gap"]), float(row["gap_ci_low"]), float(row["gap_ci_high"]), 0.0, 0.0
    p = kind.parity_value
    if p is not None and not is_missing(row.get("value")) and not is_missing(row.get("ci_low")):
        return "parity", float(row["value"]), float(row["ci_low"]), float(row["ci_high"]), p, p
    return None


def _state(kind: Kind, row: pd.Series) -> tuple[str, str] | tuple[str, str, str]:
    """(state, words[, judgement]) of one organisation-year's figure."""
    got = _level_inputs(kind, row)
    if got is None:
        # A figure of one group only (WDES metric 8 asks disabled staff alone) has nothing to
        # be placed against: say so rather than "no figure".
        return "none", "no figure" if is_missing(row.get("value")) else "no comparison between the groups"
    what, v, lo, hi, a, b = got
    side, certain = _side(lo, hi, v, a, b)
    if side == "spans":
        return "uncertain", UNCERTAIN
    up = kind.value_direction() == "up"
    minority, majority = minority_words(kind.registry)
    maybe = "" if certain else "probably "
    if what == "range":
        rng = f"the non-adverse range ({a:.2f}–{b:.2f})"
        if side == "within":
            return f"{maybe}fine".strip(), f"{maybe}within {rng}"
        worse_for = minority if (side == "above") != up else majority
        return f"{maybe}worse".strip(), f"{maybe}{side} {rng}", f"worse for {worse_for} staff"
    if side == "within":  # exactly on parity with a zero-width interval
        return "fine", "at parity"
    worse = (side == "below") == up
    if kind.versus_workforce:
        return (f"{maybe}worse" if worse else f"{maybe}fine").strip(), (
            f"{maybe}{minority} staff {'under' if side == 'below' else 'over'}-represented"
        )
    return (f"{maybe}worse" if worse else f"{maybe}fine").strip(), (
        f"{maybe}{'worse' if worse else 'better'} for {minority} staff than for {majority} staff"
    )


def org_level(kind: Kind, history: pd.DataFrame) -> OrgLevel:
    """Where the organisation's latest figure stands and since when (``history``: its rows
    of one indicator, any years)."""
    h = history.sort_values("year")
    h = h[h["value"].notna()] if len(h) else h
    if h.empty:
        return OrgLevel("no figure", "none")
    states = [(int(r["year"]), *_state(kind, r)) for _, r in h.iterrows()]
    year, state, words, *judged = states[-1]
    judgement = judged[0] if judged else ""
    if state in ("uncertain", "none") or len(states) == 1:
        return OrgLevel(words, state, "", judgement)
    core = state.removeprefix("probably ")
    start = len(states) - 1
    while start > 0 and states[start - 1][1].removeprefix("probably ") == core:
        start -= 1
    first = states[start][0]
    when = f"the {first - kind.ind.survey_lag} survey" if kind.ind.is_survey else str(first)
    since = f" in every year since {when}" if start == 0 else f" since {when}"
    return OrgLevel(words, state, since, judgement)


def better_or_worse(kind: Kind, side: str, value: object) -> str | None:
    """``better`` or ``worse`` for a figure significantly ``higher``/``above`` or
    ``lower``/``below`` a comparison, by the kind's direction; None when the kind has no
    direction. A relative likelihood below the non-adverse range is never called better:
    it is adverse the other way (then ``worse``, for the other group)."""
    direction = kind.value_direction()
    if direction == "none":
        return None
    higher = side in ("higher", "above")
    better = higher == (direction == "up")
    rng = kind.non_adverse
    if better and rng and not is_missing(value) and not (rng[0] <= float(value) <= rng[1]):  # type: ignore[arg-type]
        return "worse"
    return "better" if better else "worse"


def versus_england(kind: Kind, versus: pd.Series | None, missing: str) -> str:
    """The latest figure against England's of the same year: "worse than England (1.59)",
    "no different from England (1.59)", or ``missing`` (why there is no England figure)."""
    if versus is None:
        return missing
    national = kind.fmt(versus["national_value"])
    comparison = versus["comparison"]
    if comparison in ("higher", "lower"):
        judged = better_or_worse(kind, comparison, versus["value"])
        word = judged or comparison
        return f"{word} than England ({national})" if judged else f"{comparison} than England ({national})"
    if comparison == "not_significant":
        return f"no different from England ({national})"
    return f"not compared with England ({national}): no estimate"


def versus_peers(kind: Kind, position: object, value: object, enough_peers: bool) -> str:
    """The latest figure against other organisations (its 95% funnel position), in words."""
    if position in ("above", "below"):
        judged = better_or_worse(kind, str(position), value)
        return (
            f"{judged} than other organisations"
            if judged
            else f"{'higher' if position == 'above' else 'lower'} than other organisations"
        )
    if position == "inside":
        return "no different from other organisations"
    return "not compared: " + ("no peers to compare with" if not enough_peers else "no estimate")


@dataclass(frozen=True)
class OrgStanding:
    """One indicator of one organisation: level, against England, against peers, trend."""

    ind: Indicator
    value: str
    level: OrgLevel
    england: str
    peers: str
    trend: str
    verdict: str
    #: The year of the latest figure (the WRES report year), for the note on England's figure.
    year: int = 0

    @property
    def order(self) -> tuple[int, int, int]:
        worse = ("worse" in self.england) + ("worse" in self.peers)
        rank = {"worse": 0, "probably worse": 1, "uncertain": 3, "probably fine": 4, "fine": 5, "none": 6}
        return (rank.get(self.level.state, 2), -worse, self.ind.id)


def value_with_interval(kind: Kind, row: pd.Series) -> str:
    """``1.39 (95% CI 1.11–1.74)``, at the registry's confidence level."""
    ci = interval(row.get("ci_low"), row.get("ci_high"), kind.fmt, missing="")
    return kind.fmt(row.get("value")) + (f" ({settings_words.ci(kind.registry)} {ci})" if ci else "")


def worst_and_improving_org(standings: list[OrgStanding], registry: Registry) -> str:
    """A profile's two opening sentences: what is worst, what is improving (names, adverse first)."""
    n = len(standings)
    bad = [s for s in sorted(standings, key=lambda s: s.order) if s.level.adverse]
    if bad:
        names = [s.ind.title for s in bad]
        listed = names[0] if len(names) == 1 else "; ".join(names[:-1]) + "; and " + names[-1]
        worst = f"**What is worst:** {len(bad)} of its {n} indicators are adverse in the latest year: {listed}."
    else:
        uncertain = sum(s.level.state == "uncertain" for s in standings)
        worst = f"**What is worst:** none of its {n} indicators is clearly adverse in the latest year" + (
            f" ({uncertain} too uncertain to place)." if uncertain else "."
        )
    up = [s for s in standings if s.verdict in IMPROVING]
    better = (
        "**What is improving:** " + "; ".join(s.ind.title for s in up) + " (statistically significant trends)."
        if up
        else "**What is improving:** no indicator has a statistically significant improving trend."
    )
    return f"{worst} {better}"


def profile_standings(profile) -> list[OrgStanding]:
    """Every indicator of an organisation's profile (:class:`wres.report.organisation_page.
    OrgProfile`) as an :class:`OrgStanding`, adverse first."""
    from wres.report.profile_words import VERDICTS
    from wres.report.source_words import missing_national_words

    out = []
    versus = profile.versus
    for ind in profile.indicators():
        kind = profile.kind(ind)
        last = profile.latest_row(ind)
        if last is None:
            continue
        year = int(last["year"])
        history = profile.rows[profile.rows["indicator"] == ind.id]
        v = (
            versus[(versus["indicator"] == ind.id) & (versus["year"] == year)]
            if versus is not None and len(versus)
            else pd.DataFrame()
        )
        england = versus_england(
            kind, v.iloc[0] if len(v) else None, missing_national_words(profile.sources, year, ind.year_phrase(year))
        )
        fit = (
            profile.fits[(profile.fits["indicator"] == ind.id) & (profile.fits["year"] == year)]
            if len(profile.fits)
            else []
        )
        enough = len(fit) > 0 and int(fit["n_orgs"].iloc[0]) >= profile.min_orgs
        peers = versus_peers(kind, last.get("funnel_position_95"), last.get("value"), enough)
        t = profile.trend_row(ind)
        verdict = str(t["verdict"]) if t is not None else ""
        out.append(
            OrgStanding(
                ind,
                value_with_interval(kind, last),
                org_level(kind, history),
                england,
                peers,
                VERDICTS.get(verdict, verdict) or "not tested",
                verdict,
                year,
            )
        )
    return sorted(out, key=lambda s: s.order)


def england_note(standings: list[OrgStanding], sources: pd.DataFrame | None) -> str:
    """The one note for the rows whose England figure is not yet transcribed ("" if none)."""
    from wres.report.source_words import NOT_TRANSCRIBED, transcription_note

    return transcription_note(sources, {s.year for s in standings if s.england == NOT_TRANSCRIBED})


def standing_lines(standings: list[OrgStanding], escape) -> str:
    """One Markdown bullet per indicator, adverse first: name, figure, level, against
    England, against other organisations, then the trend (``escape``: the Markdown escaper)."""
    return "\n".join(
        f"- **{escape(s.ind.title)}**: {escape(s.value)} — {escape(s.level.phrase())}; {escape(s.england)}; "
        f"{escape(s.peers)}; trend: {escape(s.trend)}."
        for s in standings
    )
