"""Where each national indicator stands, before whether it is changing: its level against
parity or the non-adverse range, for how long, and whether that is worse for one group.

One job: those facts and their words, for every page that gives a verdict (landing page,
overview, indicator headline, what changed, the national PDF). Read from the
``national_series`` and ``national_summary`` results tables; which side of parity is worse
comes from the registry's improvement directions (a relative likelihood's from its kind),
never from a list of indicators.

The level series of an indicator is its headline series when the registry gives it a
non-adverse range, else its derived gap between the two figures it compares (0 = parity).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from wres.kinds import kind_of
from wres.registry import Indicator, Registry
from wres.report.words import VERDICT_ICON, as_number, fmt_value

#: A trend verdict that says the series is getting better.
IMPROVING = ("improving",)


@dataclass(frozen=True)
class Level:
    """Where one indicator's latest figure stands (see :func:`national_level`)."""

    #: "outside the non-adverse range (0.80–1.25)", "worse for BME staff than for White staff" …
    words: str
    #: True: adverse (outside the non-adverse range, or worse for one group); False: not;
    #: None: cannot be placed.
    adverse: bool | None
    #: " in every published year since 2016", " since 2019", "" …
    since: str
    #: True when the figure has been on the same side in every year with a figure.
    always: bool
    #: The figures the level is read from ("1.59"; "BME staff 30.0%, White staff 26.8%").
    detail: str
    #: The report year the level describes.
    year: int | None
    #: Who the level is worse for, when ``words`` does not say ("worse for BME staff").
    judgement: str = ""

    def phrase(self) -> str:
        """``words`` with how long and for whom, e.g. "above the non-adverse range
        (0.80–1.25) in every published year since 2016, worse for <minority> staff"."""
        return f"{self.words}{self.since}" + (f", {self.judgement}" if self.judgement else "")


def _pct(v: float, unit: str) -> str:
    return f"{fmt_value(v, unit)}{'%' if unit == 'percent' else ''}"


def _when(ind: Indicator, year: int) -> str:
    """A year as the duration words write it: the report year, or the survey's year."""
    return f"the {year - ind.survey_lag} survey" if ind.is_survey else str(year)


def _run(states: list[tuple[int, str]], ind: Indicator) -> tuple[str, bool]:
    """How long the latest state has held: (words, whether in every year with a figure)."""
    if len(states) == 1:
        return f" (the only year with a figure: {_when(ind, states[0][0])})", False
    last = states[-1][1]
    start = len(states) - 1
    while start > 0 and states[start - 1][1] == last:
        start -= 1
    first_year = states[start][0]
    if start == 0:
        return f" in every published year since {_when(ind, first_year)}", True
    return f" since {_when(ind, first_year)}", False


def minority_words(registry: Registry) -> tuple[str, str]:
    """The minority and majority groups' labels, as the registry gives them."""
    std = registry.standard
    return std.label(std.minority_group), std.label(std.majority_group)


def _range_level(ind: Indicator, rows: pd.DataFrame, registry: Registry) -> Level | None:
    lo, hi = ind.non_adverse  # type: ignore[misc]
    rows = rows[rows["series"] == ind.headline_series].dropna(subset=["value"]).sort_values("report_year")
    if rows.empty:
        return None
    down = kind_of(ind, registry).value_direction() == "down"
    minority, majority = minority_words(registry)
    states = [
        (int(y), "above" if v > hi else "below" if v < lo else "within")
        for y, v in zip(rows["report_year"], rows["value"], strict=True)
    ]
    state = states[-1][1]
    rng = f"the non-adverse range ({lo:.2f}–{hi:.2f})"
    judgement = ""
    if state == "within":
        words, adverse = f"within {rng}", False
    else:
        # Above the range is worse for the group the registry's direction protects (lower is
        # better: the ratio's top group is favoured above it); below, the other group.
        worse_for = minority if (state == "above") == down else majority
        words, adverse, judgement = f"{state} {rng}", True, f"worse for {worse_for} staff"
    since, always = _run(states, ind)
    return Level(words, adverse, since, always, f"{float(rows['value'].iloc[-1]):.2f}", states[-1][0], judgement)


def _gap_level(ind: Indicator, rows: pd.DataFrame, registry: Registry) -> Level | None:
    gap = next((d for d in ind.derived if d.op == "gap"), None)
    if gap is None:
        return None
    g = rows[rows["series"] == gap.key].dropna(subset=["value"]).sort_values("report_year")
    if g.empty:
        return None
    a, b = ind.series_by_key(gap.a), ind.series_by_key(gap.b)
    # Which side of 0 is worse: the first figure's own direction (a share that should rise,
    # harassment that should fall).
    worse_below = a.improvement == "up"
    minority, majority = minority_words(registry)
    same_group = getattr(a, "group", None) == getattr(b, "group", None)

    def state(v: float) -> str:
        if v == 0:
            return "parity"
        return "worse" if (v < 0) == worse_below else "better"

    states = [(int(y), state(float(v))) for y, v in zip(g["report_year"], g["value"], strict=True)]
    year, now = states[-1]
    if same_group:  # one group's share in two places: under- or over-represented
        group = a.label.split(" ")[0]
        words = {
            "worse": f"{group} staff under-represented",
            "better": f"{group} staff over-represented",
            "parity": "at parity",
        }[now]
    else:
        words = {
            "worse": f"worse for {minority} staff than for {majority} staff",
            "better": f"better for {minority} staff than for {majority} staff",
            "parity": f"the same for {minority} and {majority} staff",
        }[now]
    both = rows[rows["report_year"] == year].set_index("series")["value"]
    unit_a = str(rows.loc[rows["series"] == gap.a, "unit"].iloc[0]) if (rows["series"] == gap.a).any() else "percent"
    detail = (
        f"{a.label} {_pct(float(both[gap.a]), unit_a)}, {b.label} {_pct(float(both[gap.b]), unit_a)}"
        if gap.a in both.index and gap.b in both.index
        else f"{float(g['value'].iloc[-1]):+.1f} points"
    )
    since, always = _run(states, ind)
    latest = rows["report_year"].max()
    if len(states) == 1:
        since = f" (the only year with both figures: {_when(ind, year)})"
    elif year < latest:
        # The groups' comparison is older than the latest figure: say which year it is.
        since += f" (latest year with both figures: {_when(ind, year)})"
    return Level(words, now == "worse", since, always, detail, year)


def national_level(ind: Indicator, series: pd.DataFrame, registry: Registry) -> Level | None:
    """Where indicator ``ind`` stands nationally in the latest year of its level series
    (``series``: the ``national_series`` rows, any indicators), or None without figures."""
    if series is None or series.empty or "indicator" not in series.columns:
        return None
    rows = series[series["indicator"] == ind.id]
    if ind.non_adverse is not None:
        return _range_level(ind, rows, registry)
    return _gap_level(ind, rows, registry)


def _first_last(rows: pd.DataFrame, key: str) -> tuple[int, float, int, float] | None:
    s = rows[rows["series"] == key].dropna(subset=["value"]).sort_values("report_year")
    if len(s) < 2:
        return None
    return (
        int(s["report_year"].iloc[0]),
        float(s["value"].iloc[0]),
        int(s["report_year"].iloc[-1]),
        float(s["value"].iloc[-1]),
    )


def share_and_gap_sentence(ind: Indicator, series: pd.DataFrame) -> str:
    """For an indicator comparing a senior group's share with the workforce's: the share's
    change and the gap's in one sentence, so a rising share and a widening gap cannot read as
    a contradiction. The gap is always the senior share minus the workforce share (negative:
    under-represented), and said in words. "" when the indicator compares no shares."""
    gap = next((d for d in ind.derived if d.op == "gap"), None)
    if ind.comparison is None or gap is None or series.empty or "indicator" not in series.columns:
        return ""
    rows = series[series["indicator"] == ind.id]
    share, g = _first_last(rows, ind.comparison.senior), _first_last(rows, gap.key)
    if share is None or g is None:
        return ""
    who = ind.comparison.senior_label
    rose = "rose" if share[3] > share[1] else "fell" if share[3] < share[1] else "stayed"
    wider = abs(g[3]) > abs(g[1])
    narrower = abs(g[3]) < abs(g[1])
    side = "below" if g[3] < 0 else "above"
    gap_move = (
        f"{'widened' if wider else 'narrowed' if narrower else 'stayed'} from {abs(g[1]):.1f} to {abs(g[3]):.1f} "
        "percentage points"
    )
    joiner = "but" if (rose == "rose") == wider else "and"
    return (
        f"The share of {who} who are {ind.series_by_key(ind.comparison.senior).label.split(' ')[0]} {rose} from "
        f"{share[1]:.1f}% to {share[3]:.1f}% ({share[0]}–{share[2]}), {joiner} the gap to the whole workforce "
        f"{gap_move}: in {g[2]} their share was {abs(g[3]):.1f} points {side} the workforce's."
    )


@dataclass(frozen=True)
class Standing:
    """One indicator's level, then its trend: a row of the first screens."""

    ind: Indicator
    level: Level | None
    verdict: str

    @property
    def order(self) -> tuple[int, int]:
        """Adverse first (in every year before recently), then not placed, then the rest."""
        lv = self.level
        rank = 3 if lv is None or lv.adverse is None else (0 if lv.always else 1) if lv.adverse else 4
        return (rank, self.ind.id)

    def level_phrase(self) -> str:
        return self.level.phrase() if self.level else "not placed: no comparison between the groups in the data"

    def trend_phrase(self) -> str:
        return VERDICT_ICON.get(self.verdict, self.verdict)


def national_standings(registry: Registry, summary: pd.DataFrame, series: pd.DataFrame) -> list[Standing]:
    """Every registry indicator's :class:`Standing`, adverse first."""
    verdicts = {int(r.indicator): str(r.verdict) for r in summary.itertuples()} if len(summary) else {}
    out = [
        Standing(ind, national_level(ind, series, registry), verdicts.get(ind.id, "too few years"))
        for ind in registry.indicators
    ]
    return sorted(out, key=lambda s: s.order)


def _names(items: list[Standing]) -> str:
    # Semicolons: indicator names hold commas ("Harassment, bullying or abuse …").
    names = [s.ind.title for s in items]
    return names[0] if len(names) == 1 else "; ".join(names[:-1]) + "; and " + names[-1]


def worst_and_improving(standings: list[Standing], registry: Registry, *, of: str = "") -> str:
    """Two sentences for a first screen: what is worst (adverse now, and for how long), and
    what is improving (a significant improving trend). ``of``: whose figures ("" nationally)."""
    n = len(standings)
    adverse = [s for s in standings if s.level and s.level.adverse]
    always = [s for s in adverse if s.level and s.level.always]
    minority, _ = minority_words(registry)
    if not adverse:
        worst = f"**What is worst:** none of the {n} {registry.site.plural}{of} is adverse for either group in its latest figure."
    elif always and len(always) < len(adverse):
        worst = (
            f"**What is worst:** {len(adverse)} of the {n} {registry.site.plural}{of} are adverse in their latest figure; "
            f"{len(always)} of them in every year with a figure: {_names(always)}."
        )
    elif always:
        worst = (
            f"**What is worst:** {len(adverse)} of the {n} {registry.site.plural}{of} are adverse in their latest figure, "
            f"and have been in every year with a figure: {_names(adverse)}."
        )
    else:
        worst = f"**What is worst:** {len(adverse)} of the {n} {registry.site.plural}{of} are adverse in their latest figure: {_names(adverse)}."
    up = [s for s in standings if s.verdict in IMPROVING]
    if up:
        placed = "; ".join(
            f"{s.ind.title} (now {s.level.words.split(' (')[0]})" if s.level else s.ind.title for s in up
        )
        better = f"**What is improving:** {placed}, a statistically significant trend."
    else:
        better = "**What is improving:** no indicator has a statistically significant improving trend."
    return f"{worst} {better}"


def is_finite(v: object) -> bool:
    return math.isfinite(as_number(v))
