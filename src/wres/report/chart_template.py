"""A chart written once as a template, and the small part each page fills it with.

One job: the form of that split. A profile draws the same chart for every organisation, with
only a few things its own (which organisation is highlighted, its own rows, its name in the
legend). The chart is built once per indicator with Altair, with *slots* where those things
go (a string ``"{{name}}"`` anywhere in the specification) and named datasets ``page-…`` for
the page's own rows; each page carries a :class:`ChartPart`: the template's name, what fills
each slot and the page's datasets. The book writes the templates into the shared data file
of the indicator (:mod:`wres.book.shared_data`) and the chart loader
(:mod:`wres.book.altair_offline`) fills a template in the browser; :func:`fill` is the same
filling in Python (the tests prove the two agree with the chart built whole).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

#: A slot's name: letters, digits and underscores (the loader fills exactly these).
_SLOT = re.compile(r"^\{\{([A-Za-z0-9_]+)\}\}$")
#: The prefix of a dataset a page carries itself (never shared).
PAGE_DATA = "page-"


def slot(name: str) -> str:
    """The placeholder of slot ``name``: a whole JSON string value of the template."""
    return "{{" + name + "}}"


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame`` as the records Altair writes into a chart (a missing or infinite number as
    null, numpy numbers as Python ones), without a chart object and without Altair's
    sanitiser, which costs more than a profile's small frames are worth (the tests compare
    the two)."""
    columns = [[_plain(v) for v in frame[c].tolist()] for c in frame.columns]
    return [dict(zip(frame.columns, row, strict=True)) for row in zip(*columns, strict=True)]


def columns(rows: list[dict]) -> dict:
    """A page's dataset in the short form the loader expands: ``{"rows": n, "columns":
    {field: values}}``, a field's values written once when every row has the same (an
    organisation's name on each of its points), not repeated in every row."""
    fields = list(rows[0]) if rows else []
    cols = {}
    for f in fields:
        values = [r[f] for r in rows]
        cols[f] = values[0] if all(v == values[0] and type(v) is type(values[0]) for v in values) else values
    return {"rows": len(rows), "columns": cols}


def expand(data: list | dict) -> list[dict]:
    """The rows of a dataset given as rows or in the form of :func:`columns`."""
    if isinstance(data, list):
        return data
    cols = data["columns"]
    return [{f: (v[i] if isinstance(v, list) else v) for f, v in cols.items()} for i in range(data["rows"])]


def _plain(v: Any) -> Any:
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    return v


@dataclass
class ChartPart:
    """What one page holds of a chart drawn from a template: ``template`` (its name),
    ``shared`` (the name of the data file holding it), ``fill`` (slot name → JSON value),
    ``datasets`` (the page's own ``page-…`` datasets), and the words the page shows itself:
    ``heading`` (the chart's title, ``{"text": …, "subtitle": […]}``, for its name and its
    table) and ``description`` (its text alternative)."""

    template: str
    shared: str
    fill: dict[str, Any]
    datasets: dict[str, list]
    heading: dict
    description: str

    @property
    def title(self) -> str:
        """The chart's title text (as :func:`wres.report.tables.chart_title` reads it)."""
        return self.heading["text"]

    def to_dict(self) -> dict:
        """What the page's JSON block carries (the words are written as HTML around it)."""
        return {"template": self.template, "shared": self.shared, "fill": self.fill, "datasets": self.datasets}


def slots_allowed():
    """A context in which Altair takes a slot where it checks a value's type as it is given
    (a scale's domain, a mark's alignment): build templates inside it."""
    return debug_mode(False)


def template_spec(chart: alt.TopLevelMixin) -> dict:
    """The template of an Altair chart built with slots: its specification without
    validation (a slot is not a valid value) and without a description (the page writes
    its own)."""
    spec = chart.to_dict(validate=False, context={"pre_transform": False})
    spec.pop("description", None)
    return spec


def _filled(node: Any, values: dict[str, Any]) -> Any:
    if isinstance(node, str):
        m = _SLOT.match(node)
        return copy.deepcopy(values[m.group(1)]) if m and m.group(1) in values else node
    if isinstance(node, dict):
        return {k: _filled(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_filled(v, values) for v in node]
    return node


def fill(template: dict, part: dict, shared_data: dict[str, list] | None = None, description: str = "") -> dict:
    """The whole specification: ``template`` with its slots filled from ``part["fill"]``
    (outside its ``datasets``, which hold data, not slots), the page's datasets and the
    shared datasets added, and the page's ``description``. What the chart loader does in
    the browser."""
    spec = {k: (v if k == "datasets" else _filled(v, part["fill"])) for k, v in template.items()}
    own = {k: expand(v) for k, v in part["datasets"].items()}
    spec["datasets"] = {**(template.get("datasets") or {}), **(shared_data or {}), **own}
    if description:
        spec["description"] = description
    return spec
