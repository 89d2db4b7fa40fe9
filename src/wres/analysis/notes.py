"""Sentences for the results tables' note columns, composed from the statistics' codes.

``wres.stats`` returns codes and numbers only; the words written into results files (the
``verdict_note`` of ``national_trends.csv`` and the ``note`` of the organisation tables) are
made here, so that one module holds them.

The organisation statistics give ``note_codes``: codes joined by ``;``, each with its
arguments after ``:`` (``wres.stats.rates``, ``wres.stats.gap_trend`` and
``wres.stats.funnel`` list theirs). A group argument is a position, 1 for the numerator
group and 2 for the comparison group, named here by the caller's ``labels``. Sentences are
joined by ``"; "`` in the order of the codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from wres.stats.verdicts import Verdict

Labels = tuple[str, str]
Words = Mapping[str, Callable[..., str]]


def _group(labels: Labels, position: str) -> str:
    return labels[int(position) - 1]


def _groups(labels: Labels, positions: str) -> str:
    return ", ".join(_group(labels, p) for p in positions.split(","))


def _years(years: str) -> str:
    return ", ".join(years.split(","))


def compose(codes: str, words: Words, labels: Labels = ("", "")) -> str:
    """The sentences for one row's ``note_codes``; each word function takes the labels and
    the code's arguments. An unknown code is a programming error (KeyError)."""
    parts = []
    for item in codes.split(";") if codes else ():
        code, *args = item.split(":")
        parts.append(words[code](labels, *args))
    return "; ".join(parts)


def compose_all(codes: Iterable, words: Words, labels: Labels = ("", "")) -> np.ndarray:
    """:func:`compose` for every row (a missing code, e.g. after a left merge, says nothing)."""
    done: dict[str, str] = {}
    out = []
    for c in codes:
        c = c if isinstance(c, str) else ""
        if c not in done:
            done[c] = compose(c, words, labels)
        out.append(done[c])
    return np.array(out, dtype=object)


# ---------------------------------------------------------------------------------------
# Rates and relative likelihoods (wres.stats.rates)
# ---------------------------------------------------------------------------------------

NO_STAFF = "no staff/applicants in group"
WEIGHTED_LONG = (
    "weighted survey percent: count derived as percent x respondents; the Wilson interval "
    "ignores the survey weights and is too narrow unless deff reflects them"
)

RATE_WORDS: Words = {
    "no_row": lambda labels, g: f"no row for group {_group(labels, g)}",
    "no_staff": lambda labels, g: f"{NO_STAFF}: {_groups(labels, g)}",
    "missing": lambda labels, *g: "missing count" + "".join(f": {_group(labels, x)}" for x in g),
    "invalid": lambda labels: "invalid count (numerator < 0 or > denominator)",
    "no_events": lambda labels: "no events in either group: relative likelihood not estimable",
    "haldane": lambda labels: "zero or complete cell: Haldane-Anscombe +0.5 added to all four cells",
    "weighted": lambda labels, deff: f"{WEIGHTED_LONG} (deff={deff})",
}

#: The same, with the short weighted-survey sentence (it is on every survey row).
RATE_WORDS_SHORT_WEIGHTED: Words = {
    **RATE_WORDS,
    "weighted": lambda labels, deff: (
        f"weighted survey percent: count = percent x respondents, design effect {deff} assumed"
    ),
}


def rate_notes(codes: Iterable, labels: Labels, *, short_weighted: bool = False) -> np.ndarray:
    """The ``note`` of rate rows from their ``note_codes``; ``labels`` name groups 1 and 2."""
    return compose_all(codes, RATE_WORDS_SHORT_WEIGHTED if short_weighted else RATE_WORDS, labels)


# ---------------------------------------------------------------------------------------
# Organisation gap trends (wres.stats.gap_trend)
# ---------------------------------------------------------------------------------------

TREND_WORDS: Words = {
    "few_years": lambda labels, n, m: f"{n} year(s) with counts for both groups; at least {m} needed",
    "empty_years": lambda labels, g, years: f"{NO_STAFF} {_group(labels, g)} in {_years(years)}: year(s) left out",
    "bad_years": lambda labels, g, years: (
        f"missing or invalid count for group {_group(labels, g)} in {_years(years)}: year(s) left out"
    ),
    "no_events": lambda labels, g: (
        f"no events in group {_group(labels, g)} in any year: gap on the log-odds scale is infinite (separation)"
    ),
    "all_events": lambda labels, g: (
        f"every member of group {_group(labels, g)} had the event in every year: separation"
    ),
    "no_convergence": lambda labels, warning: (
        f"GLM fit did not converge cleanly ({warning}; e.g. a group's events all in its first or last "
        "years): not estimable"
    ),
    "non_finite": lambda labels: "non-finite estimate (near-separation): not estimable",
    "scale_floored": lambda labels: "Pearson dispersion below 1: binomial scale (1) used",
    "no_rows": lambda labels: "no rows",
    "no_group_rows": lambda labels: f"no rows for group {labels[0]} or {labels[1]}",
}


def trend_notes(codes: Iterable, labels: Labels) -> np.ndarray:
    """The ``note`` of organisation trend rows from their ``note_codes``."""
    return compose_all(codes, TREND_WORDS, labels)


# ---------------------------------------------------------------------------------------
# Funnels (wres.stats.funnel) and the organisation rows placed on them
# ---------------------------------------------------------------------------------------

FUNNEL_WORDS: Words = {
    "no_estimates": lambda labels: "no organisation with an estimate",
    "few_orgs": lambda labels, n, m: (
        f"only {n} organisation(s), fewer than {m}: overdispersion not estimated, unadjusted limits used"
    ),
    "equal_precision": lambda labels: "equal precision in every organisation: tau2 not estimable",
    "adjustment_off": lambda labels: "overdispersion adjustment switched off",
}


def funnel_note(codes: str) -> str:
    """The ``note`` of a funnel fit from its ``note_codes``."""
    return compose(codes, FUNNEL_WORDS)


def few_orgs_for_funnel(n: int, m: int) -> str:
    """Why a year's organisations are not placed on a funnel at all."""
    return (
        f"only {n} organisation(s) with an estimate in this year, fewer than {m}: "
        "no peers to compare with, so no funnel position"
    )


NOT_PLACED = "no estimate: not placed on the funnel"


def not_computed(needs: str) -> str:
    """Why an organisation-year in the input has no figure of an indicator: what it needs."""
    return f"no figure: the input's rows for this indicator do not give {needs}"


def no_workforce_figure(band: str) -> str:
    return f"no whole-workforce ({band}) figure for this organisation and year"


#: How the whole workforce is named in a representation row's notes.
WHOLE_WORKFORCE = "whole workforce"


def fmt_p(p: float, alpha: float) -> str:
    """Two decimals, more if rounding would put p on the other side of alpha."""
    if not np.isfinite(p):
        return "not available"
    if p < 0.001:
        return "< 0.001"
    for d in (2, 3, 4):
        r = round(p, d)
        if (r < alpha) == (p < alpha) and r > 0:
            return f"= {r:.{d}f}"
    return f"= {p:.4f}"


def _change(sign: int) -> str:
    return "rise" if sign > 0 else "fall"


#: What the regression and the Mann–Kendall cross-check said, by the verdict's reason (one
#: table rather than a chain of ifs: the sentences share their shape and must stay parallel).
_CROSS_CHECK_SENTENCES = {
    "no_cross_check": "The regression finds {found} ({ols}); the Mann–Kendall test was not available.",
    "contradict": (
        "The regression finds a significant {change} ({ols}) but the Mann–Kendall test finds {cross}; "
        "the two tests contradict each other."
    ),
    "both_significant": "The regression finds a significant {change} ({ols}); the Mann–Kendall test agrees.",
    "unconfirmed": "The regression finds a significant {change} ({ols}) but the Mann–Kendall test does not confirm it.",
    "cross_check_only": (
        "The regression finds no significant change ({ols}); the Mann–Kendall test finds {cross}, which alone is "
        "not enough to report one."
    ),
}


def verdict_note(
    v: Verdict,
    *,
    n_years: int,
    min_years: int,
    p_value: float,
    alpha: float = 0.05,
    p_label: str = "p",
    rolling: bool = False,
) -> str:
    """What the regression and the Mann–Kendall cross-check said, in one or two sentences.

    One q-value per verdict: the sentence gives the regression's (``p_label`` names it,
    ``"q"`` for a Benjamini–Hochberg q-value), the one that decides the verdict; the
    Mann–Kendall check is said in words (agrees, does not confirm, contradicts), so a reader
    never sees two q-values for one verdict. ``rolling``: a rolling-average series, tested by
    GLS and with no Mann–Kendall test (it assumes independent years)."""
    if v.reason == "too_few_years":
        return (
            f"Only {n_years} year{'s' if n_years != 1 else ''} of data; at least "
            f"{min_years} are needed before a trend is tested, so no p-value is given."
        )
    if v.reason == "no_estimate":
        return "The regression p-value could not be computed, so no change is reported."
    ols = f"{p_label} {fmt_p(p_value, alpha)}"
    found = f"a significant {_change(v.sign)}" if p_value < alpha else "no significant change"
    if rolling and v.reason == "no_cross_check":
        return (
            f"The regression, by generalised least squares allowing for the overlap of the two-year rolling "
            f"averages, finds {found} ({ols}); the Mann–Kendall test is not used because it assumes "
            "independent years."
        )
    cross = f"a significant {_change(v.cross_sign)}" if v.cross_sign else "a significant trend"
    sentence = _CROSS_CHECK_SENTENCES.get(v.reason)
    if sentence:
        return sentence.format(found=found, ols=ols, change=_change(v.sign), cross=cross)
    return f"The regression finds no significant change ({ols}); the Mann–Kendall test agrees."


# ---------------------------------------------------------------------------------------
# Organisation funnels and comparisons with the national figure (organisation wording)
# ---------------------------------------------------------------------------------------

#: A funnel row placed by the exact conditional binomial test (small or rare counts).
EXACT_PLACED = "rare events or few expected: placed by the exact (mid-p) binomial test"

#: A row compared with no national figure although one exists for its year.
NOT_COMPARED_NATIONAL = "no estimate: not compared with the national figure"
