"""The share-in-range chart: the per cent of organisations whose figure lies in NHS
England's non-adverse range, by report year.

One job: that chart. Its "Show as table" view is
:func:`wres.report.organisation_section.share_table`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from wres.kinds import kind_of
from wres.registry import Indicator, Registry
from wres.report import palette
from wres.report.chart_parts import finish, title
from wres.report.charts import year_axis, year_axis_title


def share_in_range_chart(share: pd.DataFrame, ind: Indicator, registry: Registry) -> alt.Chart | None:
    """Per cent of organisations whose relative likelihood lies in the non-adverse range,
    by report year (bars), with the counts in the tooltip. None if there are no rows."""
    s = share[share["indicator"] == ind.id].sort_values("year").copy()
    if s.empty or not ind.non_adverse:
        return None
    lo, hi = ind.non_adverse
    s["pct"] = 100 * s["share"].astype(float)
    s["year"] = s["year"].astype(int)
    s["counts"] = [f"{int(a)} of {int(b)}" for a, b in zip(s["n_in_range"], s["n_orgs"], strict=True)]
    s["label"] = s["pct"].map(lambda v: "—" if pd.isna(v) else f"{v:.0f}%")
    years = [int(y) for y in s["year"]]
    x = alt.X("year:O", title=year_axis_title(ind), axis=year_axis(numbers=False))
    y_title = "Share of organisations (%)"
    tooltip = [
        alt.Tooltip("year:O", title=ind.words.year_words),
        alt.Tooltip("label:N", title="Share"),
        alt.Tooltip("counts:N", title="Organisations in range"),
        alt.Tooltip("n_not_estimable:Q", title="Without an estimate"),
    ]
    base = alt.Chart(s)
    bars = base.mark_bar(color=palette.IN_NON_ADVERSE_RANGE).encode(
        x=x, y=alt.Y("pct:Q", title=y_title, scale=alt.Scale(domain=[0, 100])), tooltip=tooltip
    )
    text = base.mark_text(dy=-6, fontSize=12).encode(x=x, y="pct:Q", text="label:N")
    desc = (
        f"Bar chart: share of organisations whose {kind_of(ind, registry).value_label()} lies in NHS England's "
        f"non-adverse range {lo:.2f}–{hi:.2f}, by {ind.words.year_words}. "
        + "; ".join(f"{y}: {c} ({lab})" for y, c, lab in zip(years, s["counts"], s["label"], strict=True))
        + "."
    )
    heading = title(f"{ind.name}: organisations in the non-adverse range ({lo:.2f}–{hi:.2f})", [year_axis_title(ind)])
    return finish(alt.layer(bars, text), heading, desc, height=260)
