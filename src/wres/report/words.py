"""Plain-English sentences generated from the data: a chapter's first paragraph and the
overview table's verdict words. The words about groups come from the registry."""

from __future__ import annotations

import math
import unicodedata

import pandas as pd

from wres.registry import Indicator, Registry
from wres.report import settings_words

METHODS_REF = "{ref}`how we tested this <methods-trend-tests>`"
METHODS_CORRELATED_REF = "{ref}`if years are correlated <methods-correlated-years>`"

# Shown beside each verdict so it reads without colour too.
VERDICT_ICON = {
    "improving": "▲ improving",
    "worsening": "▼ worsening",
    "increasing": "↗ increasing",
    "decreasing": "↘ decreasing",
    "crossed parity": "⇄ crossed parity",
    "no significant change": "● no significant change",
    "too few years": "○ too few years to test",
}


def quality_words(flags: object) -> str:
    """Quality flags as words: ``"approximate;label_inferred"`` -> ``"approximate, label inferred"``
    (what each means is in the data page's key)."""
    return ", ".join(f.strip().replace("_", " ") for f in str(flags).split(";") if f.strip())


def quality_flag_words(flags: object, registry: Registry) -> list[str]:
    """The flags of a figure a reader must see wherever it is quoted (the registry's
    ``quality.shown_with_figure``), each as "provisional figure", "illustrative figure: not
    published"; [] for none."""
    shown = set(registry.quality.shown_with_figure)
    words = {"illustrative": "illustrative figure, not published by the source"}
    return [
        words.get(f, f"{f.replace('_', ' ')} figure")
        for f in (x.strip() for x in str(flags or "").split(";"))
        if f in shown
    ]


def fmt_p(p: object, name: str = "p") -> str:
    """A p-value (or, with ``name="q"``, a q-value) as a reader sees it: ``p < 0.001``,
    ``p = 0.005``, ``p = 0.03``, ``p = 0.21``; missing: ``—``."""
    if p is None or p is pd.NA or (isinstance(p, float) and math.isnan(p)):
        return "—"
    p = float(p)
    if p < 0.001:
        return f"{name} < 0.001"
    return f"{name} = {p:.2f}" if p >= 0.01 else f"{name} = {p:.3f}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """``plural(1, "file")`` -> ``"1 file"``; ``plural(2, "file")`` -> ``"2 files"``."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def fmt_value(v: float, unit: str) -> str:
    if unit == "percent":
        return f"{v:.1f}"
    if unit == "percentage points":
        return f"{v:.1f}"
    return f"{v:.2f}"


def _slope_number(v: float, unit: str, sign: str) -> tuple[str, str]:
    """(number, unit words) of a slope: the one rounding every page and the print report use
    (``% per year``: one decimal; percentage points: two; anything else: three)."""
    if unit.startswith("%"):
        return f"{v:{sign}.1f}%", " a year"
    if "percentage points" in unit:
        return f"{v:{sign}.2f}", " percentage points a year"
    return f"{v:{sign}.3f}", " a year"


def slope_value(v: object, unit: str, *, signed: bool = True) -> str:
    """A slope with its unit, as every table writes it: ``+0.4% a year``, ``-0.08 percentage
    points a year``; ``—`` when missing."""
    x = as_number(v)
    if math.isnan(x):
        return "—"
    number, words = _slope_number(x, str(unit), "+" if signed else "")
    return number + words


def slope_range(lo: object, hi: object, unit: str) -> str:
    """A slope's interval with its unit once: ``-1.3% to +2.1% a year``; ``—`` when missing."""
    a, b = slope_value(lo, unit), slope_value(hi, unit)
    if "—" in (a, b):
        return "—"
    _, words = _slope_number(0.0, str(unit), "+")
    return f"{a.removesuffix(words)} to {b}"


def slope_words(trend: pd.Series, registry: Registry | None = None) -> str:
    """A national trend's slope and its interval at the registry's confidence level:
    ``+0.4% a year (95% CI -1.3% to +2.1% a year), over 8 years``."""
    unit = str(trend["slope_unit"])
    ci = settings_words.ci(registry)
    return (
        f"{slope_value(trend['slope'], unit)} ({ci} {slope_range(trend['slope_ci_low'], trend['slope_ci_high'], unit)})"
        f", over {int(trend['n_years'])} years"
    )


def fmt_slope(v: float, unit: str) -> str:
    """A slope magnitude with its unit in words (``% per year`` → ``3.1% a year``)."""
    return slope_value(abs(v), unit, signed=False)


def ci_label(registry: Registry | None = None) -> str:
    """How every slope interval is labelled: a plain interval at the registry's confidence
    level, while the verdict is judged on a q-value adjusted across the family of headline
    series. ``"95% confidence interval, not adjusted for multiple comparisons"``."""
    return f"{settings_words.confidence(registry)} confidence interval, not adjusted for multiple comparisons"


def slope_ci(lo: float, hi: float, unit: str, registry: Registry | None = None) -> str:
    """A slope's interval with its label, in the slope's unit a year."""
    shown = slope_range(lo, hi, unit)
    return "not available" if shown == "—" else f"{ci_label(registry)}: {shown}"


def _parity_value(v: float, unit: str) -> str:
    return f"{v:.2f}" if unit.startswith("%") else f"{v:+.1f} percentage points"


def _judgement(trend: pd.Series) -> str:
    """What a significant trend means for the reader, by the registry's direction."""
    verdict = trend["verdict"]
    if trend.get("improvement") == "parity":
        unit = str(trend["slope_unit"])
        ends = (
            f"the fitted line runs from {_parity_value(float(trend['fitted_first']), unit)} to "
            f"{_parity_value(float(trend['fitted_last']), unit)}"
        )
        return {
            "improving": f", towards parity ({ends}), and is an improvement",
            "worsening": f", away from parity ({ends}), and is a deterioration",
            "crossed parity": f" and has crossed parity ({ends}): the gap has reversed rather than closed",
        }.get(verdict, "")
    return {"improving": " and is an improvement", "worsening": " and is a deterioration"}.get(verdict, "")


def verdict_sentence(trend: pd.Series | None, registry: Registry) -> str:
    """One or two sentences on whether the trend is real, for the headline paragraph."""
    if trend is None:
        return "There are no comparable published figures to test a trend."
    verdict = trend["verdict"]
    n = int(trend["n_years"])
    if verdict == "too few years":
        return (
            f"There are too few years of comparable published figures ({n}; the test needs at least "
            f"{registry.trend_tests.min_years}) to say whether this trend is real — too few years to test ({METHODS_REF})."
        )
    unit = str(trend["slope_unit"])
    if verdict == "no significant change":
        mds = as_number(trend.get("min_detectable_slope_family", trend["min_detectable_slope"]))
        detect = ""
        if not math.isnan(mds):
            detect = (
                f" With {n} years of figures, only a steady change of about {fmt_slope(mds, unit)} or more "
                "could have been detected with 80% power by the rule that decides the verdict (the test "
                f"controls the {settings_words.controls(registry)} across the headline indicators), so this is "
                "not evidence of no change."
            )
        text = (
            f"The change over {n} years is not statistically significant: it cannot be told apart from "
            f"year-to-year variation.{detect} See {METHODS_REF}."
        )
    else:
        direction = "rise" if trend["slope"] > 0 else "fall"
        text = (
            f"The {direction} — on average {fmt_slope(trend['slope'], unit)} "
            f"({slope_ci(trend['slope_ci_low'], trend['slope_ci_high'], unit, registry)}) — is statistically "
            f"significant{_judgement(trend)} ({METHODS_REF})."
        )
    if str(trend.get("method", "ols")) != "ols":
        text += (
            " Because each figure is a two-year rolling average, neighbouring years share data; the trend was "
            "tested by generalised least squares allowing for that overlap, not by ordinary least squares."
        )
    text += correlated_years_sentence(trend)
    if trend.get("tests_agree") is False and trend.get("verdict_note"):
        text += f" Note: {trend['verdict_note']}"
    return text


def as_number(v: object) -> float:
    """``v`` as a float; NaN when it is missing or not a number (a results cell read as text)."""
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def correlated_years_sentence(trend: pd.Series) -> str:
    """Whether a significant verdict survives if neighbouring years are correlated
    (``verdict_if_correlated``, tested with correlation 0.5 between years); "" otherwise."""
    verdict, robust = trend.get("verdict"), trend.get("verdict_if_correlated")
    q = as_number(trend.get("q_value_ar1_05"))
    if verdict in (None, "too few years", "no significant change") or robust is None or math.isnan(q):
        return ""
    if robust == verdict:
        return (
            f" The verdict holds even if neighbouring years' figures are correlated (re-tested allowing a "
            f"correlation of 0.5 between years: {fmt_p(q, 'q')}; {METHODS_CORRELATED_REF})."
        )
    return (
        f" It holds only if the years are independent: allowing a correlation of 0.5 between neighbouring "
        f"years, as slowly moving workforce figures may have, the change is not significant ({fmt_p(q, 'q')}; "
        f"{METHODS_CORRELATED_REF})."
    )


def headline(
    ind: Indicator,
    summary: pd.Series | None,
    trend: pd.Series | None,
    registry: Registry,
    *,
    level: str = "",
    flags: str = "",
    share_gap: str = "",
) -> str:
    """The chapter's first paragraph, level before trend: latest value and its year with
    where it stands (``level``: against parity or the non-adverse range, and for how long),
    what a reader must know about the figure's origin (``flags``), change since the first
    year tested (the summary's figures are those that can enter the test), for a share
    compared with the workforce the share's and the gap's change in one sentence
    (``share_gap``), then the trend verdict.

    ``summary`` is the indicator's row of ``national_summary`` (None or ``n_years`` 0: no figure)."""
    if summary is None or int(summary["n_years"]) == 0:
        return f"No national figure for this indicator is in the data yet. {verdict_sentence(None, registry)}"
    unit = str(summary["unit"])
    first_year = int(summary["first_year"])
    latest, first = float(summary["latest_value"]), float(summary["first_value"])
    first_when = ind.year_phrase(first_year) if ind.is_survey else str(first_year)
    if int(summary["n_years"]) > 1:
        change = "up" if latest > first else "down" if latest < first else "unchanged"
        pct = "%" if unit == "percent" else ""
        shown_first = f"{first:+.1f}" if unit == "percentage points" else fmt_value(first, unit)
        since = f"{change.capitalize()} from {shown_first}{pct} in {first_when}, the first comparable year{_parity_move(ind, first, latest)}."
        if change == "unchanged":
            since = f"The same as in {first_when}, the first comparable year."
    else:
        since = "This is the only comparable published year."
    stands = f" — {level}" if level else ""
    origin = f" ({flags.capitalize()}.)" if flags else ""
    extra = ""
    if share_gap:
        # The share and the gap in one sentence say what "up from -10.6" would leave ambiguous.
        since, extra = "", share_gap + " "
    else:
        since += " "
    return f"**{latest_sentence(ind, summary)}{stands}.**{origin} {since}{extra}{verdict_sentence(trend, registry)}"


def latest_sentence(ind: Indicator, summary: pd.Series) -> str:
    """The registry's sentence for the indicator's latest national figure, filled from its
    ``national_summary`` row, with its year in the indicator's year language and the other
    group's figure where the registry asks for it (no final full stop)."""
    unit = str(summary["unit"])
    year = int(summary["latest_year"])
    latest = float(summary["latest_value"])
    extra = {}
    if ind.comparison is not None:
        for name, col in (("workforce", "workforce_value"), ("senior", "senior_value")):
            v = summary.get(col)
            extra[name] = "(no figure)" if v is None or pd.isna(v) else fmt_value(float(v), "percent")
    shown = f"{latest:+.1f}" if unit == "percentage points" else fmt_value(latest, unit)
    sentence = ind.sentence.format(value=shown, year=year, **extra)
    when = f" in the {ind.year_phrase(year)}" if ind.is_survey else ("" if "{year}" in ind.sentence else f" in {year}")
    comparison = ""
    if ind.comparison_phrase and pd.notna(summary["comparison_value"]):
        comparison = ", " + ind.comparison_phrase.format(value=fmt_value(float(summary["comparison_value"]), unit))
    return f"{sentence}{when}{comparison}"


def _parity_move(ind: Indicator, first: float, latest: float) -> str:
    """ ", further from parity" or ", closer to parity" for a headline judged by parity."""
    spec = ind.series_by_key(ind.headline_series)
    if spec.improvement != "parity" or (spec.transform == "log" and min(first, latest) <= 0):
        return ""
    far = (lambda v: abs(math.log(v))) if spec.transform == "log" else abs
    if far(latest) == far(first):
        return ""
    return ", further from parity" if far(latest) > far(first) else ", closer to parity"


def count_words(n: int) -> str:
    """A count as a sentence writes it: below ten in words, larger counts as digits (the
    usual newspaper practice), ``0`` as "no".

    The words come from the Unicode names of the digits (``DIGIT SEVEN``), not a table of
    literals, so no number word is spelt in code."""
    if n == 0:
        return "no"
    return unicodedata.name(str(n)).split()[-1].lower() if 0 < n < 10 else str(n)


def id_list(ids: list[int]) -> str:
    """Indicator numbers as a reader writes them: runs joined by an en dash (``[2, 3, 4]`` ->
    ``"2–4"``, ``[1, 2, 9]`` -> ``"1, 2 and 9"``)."""
    ids = sorted(ids)
    runs: list[list[int]] = []
    for i in ids:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    text = ", ".join(parts)
    if len(runs) > 1 or (len(runs) == 1 and len(runs[0]) == 2):
        head, _, tail = text.rpartition(", ")
        text = f"{head} and {tail}"
    return text


def indicator_numbers(registry: Registry, ids: list[int]) -> str:
    """Indicator numbers as :func:`id_list` writes them, or the registry's codes where it gives
    them (``"4a(i), 4b and 5"``: codes do not form runs)."""
    codes = [registry.indicator(i).code for i in sorted(ids)]
    if not any(codes):
        return id_list(ids)
    shown = [c or str(i) for c, i in zip(codes, sorted(ids), strict=True)]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def survey_ids(registry: Registry) -> str:
    """The staff-survey indicators' numbers (``"5–8"`` for WRES), or their codes where the
    registry gives them (``"4a(i), 5"``)."""
    survey = [i for i in registry.indicators if i.is_survey]
    if any(i.code for i in survey):
        return ", ".join(i.code or str(i.id) for i in survey)
    return id_list([i.id for i in survey])
