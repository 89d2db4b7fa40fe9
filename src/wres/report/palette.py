"""The colours of every chart (site and print) and of the print stylesheet, by role.

One job: say which colour stands for what. Charts name a role (``THIS_ORGANISATION``,
``MINORITY``, ``OUTSIDE_998`` …), never a hex code, so a series is recoloured by changing
its role here. The hues are Okabe–Ito's colour-blind-safe set; greys carry context (limits,
pooled lines, fitted trends). ``src/wres/book/pdf_report.css`` repeats the colours it
shares with the charts, marked ``/* palette: ROLE */``; ``tests/report/test_palette.py``
checks they match.
"""

from __future__ import annotations

# -- the hues (Okabe–Ito) -----------------------------------------------------------------
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
PINK = "#CC79A7"
SKY = "#56B4E9"
VERMILLION = "#D55E00"
#: In order, for series that have no role of their own (several indicators on one chart,
#: the years of a breakdown); a chart takes them from the start.
CATEGORICAL = (BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION)

# -- who a mark is -------------------------------------------------------------------------
#: The organisation a page or report is about (its points and interval bars).
THIS_ORGANISATION = BLUE
#: The ring round this organisation's point on a funnel plot: black, so it stands out
#: whatever colour its position gives the point.
THIS_ORGANISATION_RING = "#000000"
#: The groups an indicator compares: the minority group and the majority group.
MINORITY = BLUE
MAJORITY = ORANGE
#: All organisations pooled, drawn as a dashed line beside one organisation's points (site).
ALL_ORGANISATIONS = "#666666"
#: The same line in print, a shade darker for paper.
ALL_ORGANISATIONS_PRINT = "#555555"
#: A pooled estimate for a group of organisations (a region, a type): point and interval.
POOLED_ESTIMATE = BLUE
#: The pooled value of all organisations as a reference rule on a breakdown chart.
POOLED_REFERENCE = "#555555"
#: The funnel's target line: the pooled value of all organisations.
FUNNEL_TARGET = "#222222"
#: The funnel's 95% and 99.8% limit curves.
FUNNEL_LIMITS = "#555555"
#: The published national series (print charts: first of the national card's series).
NATIONAL = VERMILLION

# -- where a mark lies ---------------------------------------------------------------------
#: An organisation's point on a funnel plot, by its position against the limits.
WITHIN_LIMITS = BLUE
OUTSIDE_95 = ORANGE
OUTSIDE_998 = VERMILLION
#: NHS England's non-adverse range (a shaded band) and the organisations inside it (bars).
NON_ADVERSE = GREEN
IN_NON_ADVERSE_RANGE = GREEN
#: Parity (a ratio of 1) and other dotted reference rules.
PARITY = "#555"

# -- fitted trends (print) -----------------------------------------------------------------
#: The headline series' fitted line and its 95% band on a national print chart.
FITTED_LINE = "#555555"
FITTED_BAND = "#999999"

# -- text and legend marks -----------------------------------------------------------------
#: Chart subtitles, and the outline of legend symbols that stand for a shape, not a colour.
SUBTITLE = "#333333"
LEGEND_OUTLINE = "#333333"

# -- the calibration chapter ---------------------------------------------------------------
#: Tests the book does not use and tests it uses; Vega sorts the legend's words, so the
#: scale's range lists "Not used …" first.
CALIBRATION_NOT_USED = BLUE
CALIBRATION_USED = VERMILLION

# -- the print stylesheet --------------------------------------------------------------------
#: The rule under each section heading of the board report.
PRINT_HEADING_RULE = BLUE


def series_colours(groups: list[object], minority: str, majority: str) -> list[str]:
    """Colours of a chart's series in order, from each series' group code: the minority and
    the majority group by their roles when each appears once, else the categorical colours
    in order (two series of one group, ratios, several indicators)."""
    distinct = len(set(groups)) == len(groups)
    if distinct and set(groups) <= {minority, majority}:
        return [MINORITY if g == minority else MAJORITY for g in groups]
    return list(CATEGORICAL[: len(groups)])
