"""A profile's funnel plot as one template per indicator and a small part per organisation.

One job: the funnel of :func:`wres.report.organisation_charts.funnel_chart` (lean, shared,
highlighted), split so that Altair builds it once per indicator (:func:`funnel_template`)
and each profile holds only what is its own (:func:`funnel_part`: its ring's row, its name
in the legend, the side of its label, its words), worked out with pandas alone. See
:mod:`wres.report.chart_template` for how a page's part fills the template.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from wres.kinds import kind_of
from wres.registry import Indicator, Registry
from wres.report.chart_template import ChartPart, records, slots_allowed, template_spec
from wres.report.organisation_charts import (
    PAGE_HIGHLIGHT,
    describe_funnel,
    detail_fields,
    detail_rows,
    funnel_chart,
    funnel_heading,
    funnel_target,
    highlight_frame,
    label_side,
    placed_rows,
    ringed_words,
    shared_funnel_name,
)


def funnel_template_name(ind: Indicator) -> str:
    """The name of the indicator's profile funnel template (in its shared data file)."""
    return f"{shared_funnel_name(ind)}-funnel"


@dataclass(frozen=True, eq=False)
class FunnelYear:
    """One indicator's funnel in one year: what its whole chart, its template and each
    profile's part are drawn from. ``rows``: the indicator's ``organisation_indicators``
    rows; ``limits``: its funnel limits; ``fit``: its fitted model's row for ``year``."""

    rows: pd.DataFrame
    limits: pd.DataFrame
    ind: Indicator
    registry: Registry
    year: int
    fit: pd.Series | dict | None

    def chart(self, **options) -> alt.LayerChart:
        """:func:`~wres.report.organisation_charts.funnel_chart` of this funnel; ``options``:
        its other keywords."""
        return funnel_chart(self.rows, self.limits, self.ind, self.registry, year=self.year, fit=self.fit, **options)


def funnel_template(funnel: FunnelYear, *, survey_deff: float, profile_link: str | None) -> dict:
    """The specification every profile's ``funnel`` shares: the chart of
    :func:`~wres.report.organisation_charts.funnel_chart` with the slots ``who``, ``align``
    and ``dx`` and the page's dataset of its own organisation."""
    with slots_allowed():
        chart = funnel.chart(
            survey_deff=survey_deff, profile_link=profile_link, lean=True, shared=True, highlight_slots=True
        )
        return template_spec(chart)


def funnel_part(funnel: FunnelYear, *, highlight: str, profile_link: str | None) -> ChartPart:
    """What the profile of ``highlight`` holds of its ``funnel`` (the template of
    :func:`funnel_template` draws the rest): the same row, legend entry, label side as the
    whole chart, and its description but for the model's words."""
    rows, limits, ind, year, fit = funnel.rows, funnel.limits, funnel.ind, funnel.year, funnel.fit
    kind = kind_of(ind, funnel.registry)
    r = rows[rows["year"] == year]
    lim = limits[limits["year"] == year] if len(limits) else limits
    precision = r["funnel_precision"].astype(float)
    drawn = np.isfinite(r["value"].astype(float)) & np.isfinite(precision) & (precision > 0)
    # Row by row, so the organisation's own row is all that is worked out.
    mine = placed_rows(r[drawn & (r["org_code"] == highlight)], profile_link)
    detail, fields = detail_rows(mine, kind)
    hl, who = highlight_frame(detail, highlight, detail_fields([f for f, _ in fields]), profile_link)
    side = label_side(float(hl["funnel_precision"].iloc[0]), [*precision[drawn], *lim.get("precision", [])])
    text, subtitle = funnel_heading(ind, kind, year)
    # Not the fitted model's words (the spread between organisations, the test used): the
    # profile shows them nowhere beside the chart, so its text alternative says what the
    # chart shows, as a sighted reader sees it; the indicator's page gives them, with every
    # organisation.
    words = describe_funnel(r, kind, year, funnel_target(fit, lim), "", int((~drawn).sum()))
    return ChartPart(
        template=funnel_template_name(ind),
        shared=shared_funnel_name(ind),
        fill={"who": who, **side},
        datasets={PAGE_HIGHLIGHT: records(hl)},
        heading={"text": text, "subtitle": subtitle},
        description=words + ringed_words(detail.iloc[0]),
    )
