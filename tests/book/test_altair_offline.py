"""The offline Altair renderer (wres.book.altair_offline)."""

import html as html_lib
import json
import re

import altair as alt
import pandas as pd

from wres.book import altair_offline

HOSTILE = '</script><script>alert(1)</script> "quoted" & <b>'


def chart(title="T"):
    df = pd.DataFrame({"year": [2016, 2017], "value": [1.5, 1.4]})
    return (
        alt.Chart(df, title=title, description="Ratio fell from 1.5 to 1.4").mark_line().encode(x="year:Q", y="value:Q")
    )


def data_block(fragment: str) -> dict:
    m = re.search(r'<script type="application/json" class="wres-chart-spec">(.*?)</script>', fragment, re.S)
    return json.loads(m.group(1))


def test_html_only_no_executable_script_and_text_alternative():
    altair_offline.reset_ids()
    bundle = altair_offline.renderer(chart().to_dict())
    assert set(bundle) == {"text/html"}
    html = bundle["text/html"]
    assert 'role="img"' in html and "Ratio fell from 1.5 to 1.4" in html
    assert '<noscript><p class="wres-chart-noscript">Ratio fell from 1.5 to 1.4</p></noscript>' in html
    # The only <script> is a JSON data block: nothing runs inline, nothing comes from the web.
    assert re.findall(r"<script\b[^>]*>", html) == ['<script type="application/json" class="wres-chart-spec">']
    assert "<script src" not in html and "cdn" not in html.lower()


def test_the_data_block_holds_the_spec_and_embed_options():
    altair_offline.reset_ids()
    spec = chart().to_dict()
    data = data_block(altair_offline.renderer(spec)["text/html"])
    # The spec as given, with ARIA roles on marks switched off (the wrapper carries the name)
    # and text sizes at their minimum (this chart sets none).
    expected = json.loads(json.dumps(spec))
    expected["config"]["aria"] = False
    expected["config"].update(
        axis={"labelFontSize": 12, "titleFontSize": 12},
        legend={"labelFontSize": 12, "titleFontSize": 12},
        title={"fontSize": 14, "subtitleFontSize": 12},
        header={"labelFontSize": 12, "titleFontSize": 12},
        text={"fontSize": 12},
    )
    expected["mark"] = {"type": expected["mark"]["type"], "aria": False}
    assert data["spec"] == expected
    assert data["opt"]["renderer"] == "svg" and data["opt"]["actions"] is False
    assert data["opt"]["tooltip"]["anchor"] == "mark"


def test_a_fixed_width_becomes_the_containers_width_on_the_site():
    altair_offline.reset_ids()
    spec = chart().properties(width=560, height=200).to_dict()
    drawn = data_block(altair_offline.renderer(spec)["text/html"])["spec"]
    assert drawn["width"] == "container" and drawn["height"] == 200
    assert drawn["autosize"] == {"type": "fit-x", "contains": "padding"}
    # Larger sizes a chart sets stay; smaller ones are raised; a text mark's own size too.
    spec = chart().mark_text(fontSize=9).properties(width=300).configure_title(fontSize=18, subtitleFontSize=10)
    drawn = data_block(altair_offline.renderer(spec.to_dict())["text/html"])["spec"]
    assert drawn["config"]["title"]["fontSize"] == 18 and drawn["config"]["title"]["subtitleFontSize"] == 12
    assert drawn["mark"]["fontSize"] == 12


def test_markup_in_a_title_cannot_leave_the_data_block():
    altair_offline.reset_ids()
    html = altair_offline.renderer(chart(HOSTILE).to_dict())["text/html"]
    assert "<script>alert" not in html and "</script><script>" not in html
    assert data_block(html)["spec"]["title"] == HOSTILE
    label = re.search(r'aria-label="([^"]*)"', html).group(1)
    assert html_lib.unescape(label) == f"Chart: {HOSTILE}"


def test_the_loader_draws_containers_with_the_interpreter():
    js = altair_offline.LOADER_JS
    assert ".wres-chart[data-wres-chart]" in js and "wres-chart-spec" in js
    assert "ast: true" in js and "window.vegaEmbed(" in js
    # The compiled Vega spec is fitted to the width (wrapped text) before it is drawn, and a
    # resize redraws it.
    assert "patch: function (vg)" in js and "ResizeObserver" in js
    assert "@SPEC@" not in js and "@CONTAINER@" not in js


def test_unvalidated_display_matches_the_validated_renderer():
    altair_offline.reset_ids()
    validated = altair_offline.renderer(chart().to_dict())["text/html"]
    altair_offline.reset_ids()
    fast = altair_offline.Unvalidated(chart())._repr_mimebundle_()["text/html"]
    assert fast == validated


def test_ids_are_deterministic_and_unique_within_a_page():
    altair_offline.reset_ids()
    a = altair_offline.renderer(chart().to_dict())["text/html"]
    b = altair_offline.renderer(chart().to_dict())["text/html"]
    altair_offline.reset_ids()
    again = altair_offline.renderer(chart().to_dict())["text/html"]
    assert a == again and a != b
    assert re.match(r'<div class="wres-chart" id="wres-chart-[0-9a-f]{16}" data-wres-chart="1">', a)
