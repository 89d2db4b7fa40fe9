"""Charts compiled from Vega-Lite to Vega when a page is written (wres.book.chart_compile):
checked against what Vega-Lite's documented compilation of a hand-written chart gives (a
point mark is drawn as Vega's symbol mark from a data set holding the same rows)."""

from __future__ import annotations

import json
import re

from wres.book.chart_compile import all_vega, compilable, compile_page

VL = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
    "title": "Rates </script> by year",
    "data": {"values": [{"year": 2021, "rate": 1.5}, {"year": 2022, "rate": 1.25}]},
    "mark": "point",
    "encoding": {
        "x": {"field": "year", "type": "quantitative"},
        "y": {"field": "rate", "type": "quantitative"},
    },
}
OPT = {"renderer": "svg", "actions": False}


def _block(spec: dict, opt: dict = OPT) -> str:
    text = json.dumps({"spec": spec, "opt": opt}).replace("<", "\\u003c")
    return (
        '<div class="wres-chart" id="c" data-wres-chart="1">'
        f'<script type="application/json" class="wres-chart-spec">{text}</script>'
        '<div class="wres-chart-vis"></div></div>'
    )


def _specs(body: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/json" class="wres-chart-spec">(.*?)</script>', body, re.S)
    return [json.loads(b) for b in blocks]


def test_a_page_of_vega_lite_charts_is_written_in_vega_with_the_same_rows_and_options():
    body = "<p>Before</p>" + _block(VL) + _block({**VL, "mark": "line"})
    assert compilable(body) and not all_vega(body)
    out = compile_page(body)
    first, second = _specs(out)
    assert first["spec"]["$schema"] == "https://vega.github.io/schema/vega/v6.json"
    assert first["opt"] == OPT and out.startswith("<p>Before</p>")
    assert [m["type"] for m in first["spec"]["marks"]] == ["symbol"]
    assert [m["type"] for m in second["spec"]["marks"]] == ["line"]
    rows = [d["values"] for d in first["spec"]["data"] if "values" in d]
    assert rows == [[{"year": 2021, "rate": 1.5}, {"year": 2022, "rate": 1.25}]]
    assert first["spec"]["title"]["text"] == "Rates </script> by year"
    # The title's "</script>" cannot end the data block early.
    assert out.count("</script>") == 2
    assert all_vega(out)


def test_a_page_with_a_chart_completed_in_the_browser_is_left_as_it_is():
    shared = {**VL, "usermeta": {"wresShared": "funnel-indicator-2"}}
    body = _block(VL) + _block(shared)
    assert not compilable(body) and compile_page(body) == body


def test_a_container_without_its_data_block_leaves_the_page_as_it_is():
    body = _block(VL) + '<div class="wres-chart" data-wres-chart="1"></div>'
    assert compile_page(body) == body and not all_vega(body)
