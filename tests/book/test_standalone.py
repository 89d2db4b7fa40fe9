"""Notebooks outside the book (wres.book.standalone): charts Jupyter draws itself, MyST
roles as readable text; inside the book's kernels the site's own renderer, unchanged."""

from __future__ import annotations

import altair as alt
import pandas as pd

from wres.book import altair_offline, standalone


def _chart() -> alt.Chart:
    data = pd.DataFrame({"year": [2020, 2021, 2022], "value": [1.2, 1.1, 1.05]})
    return alt.Chart(data, title="A small chart").mark_line().encode(x="year:O", y="value:Q")


def test_roles_become_text_or_links():
    text = (
        "See {ref}`how we tested this <methods-trend-tests>` and {doc}`the reuse chapter </book/reuse>`; "
        "{doc}`/book/generated/data`; {ref}`methods-trend-tests`. {download}`Download as CSV <downloads/x.csv>`."
    )
    assert standalone.plain_markdown(text) == (
        "See how we tested this and the reuse chapter; the “data” page of the book; the “methods trend tests” "
        "section of the book. [Download as CSV](downloads/x.csv)."
    )


def test_the_hover_hint_is_left_out():
    text = 'Dashed lines are the trend. <span class="wres-hover-hint">Hover over a point for its year.</span>'
    assert standalone.plain_markdown(text) == "Dashed lines are the trend."


def test_a_chart_is_a_vega_lite_bundle_and_an_svg():
    bundle = standalone.renderer(_chart().to_dict())
    assert set(bundle) == {"application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"}
    spec = bundle["application/vnd.vegalite.v5+json"]
    assert spec["$schema"] == "https://vega.github.io/schema/vega-lite/v5.json"
    assert spec["mark"]["type"] == "line" if isinstance(spec["mark"], dict) else spec["mark"] == "line"
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg") and "A small chart" in svg and "2021" in svg
    assert bundle["text/plain"] == "<chart: A small chart>"
    assert "text/html" not in bundle  # nbconvert would prefer it to the SVG


def test_enable_picks_the_renderer_by_where_the_kernel_runs(monkeypatch):
    before = alt.renderers.active
    try:
        monkeypatch.delenv(standalone.BOOK_ENV, raising=False)
        altair_offline.enable()
        assert alt.renderers.active == standalone.RENDERER_NAME
        assert "image/svg+xml" in altair_offline.Unvalidated(_chart())._repr_mimebundle_()
        monkeypatch.setenv(standalone.BOOK_ENV, "1")
        altair_offline.enable()
        assert alt.renderers.active == altair_offline.RENDERER_NAME
        html = altair_offline.Unvalidated(_chart())._repr_mimebundle_()
        assert set(html) == {"text/html"} and 'class="wres-chart' in html["text/html"]
    finally:
        alt.renderers.enable(before)
