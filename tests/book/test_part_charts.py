"""A profile chart drawn from a template (wres.book.part_charts): the page writes its part
in a JSON block and its text alternative once, as escaped text."""

from __future__ import annotations

import json
import re

from wres.book.altair_offline import reset_ids
from wres.book.part_charts import render_part_html, template_entry
from wres.report.chart_template import ChartPart

EVIL = 'Evil </script><script>alert("x")</script> & Trust'


def _part() -> ChartPart:
    return ChartPart(
        template="funnel-x-over-time",
        shared="funnel-x",
        fill={"who": EVIL},
        datasets={"page-rows": {"rows": 1, "columns": {"year": [2024], "series": EVIL}}},
        heading={"text": "Indicator 1: Pay", "subtitle": ["Ratio; report year"]},
        description=f"Ratio for {EVIL} by report year.",
    )


def test_the_description_is_written_once_as_text_and_names_the_chart():
    reset_ids()
    html = render_part_html(_part())
    after_block = html.split("</script>", 1)[1]
    assert "<noscript" not in html and "<script" not in after_block  # the name is text, not a tag
    escaped = 'Ratio for Evil &lt;/script&gt;&lt;script&gt;alert("x")&lt;/script&gt; &amp; Trust by report year.'
    assert html.count("by report year.") == 1 and escaped in html
    cid = re.search(r'<div class="wres-chart" id="([^"]+)"', html).group(1)
    assert (
        f'aria-describedby="{cid}-desc"' in html
        and f'<p id="{cid}-desc" class="wres-chart-desc wres-chart-about">' in html
    )
    assert 'aria-label="Chart: Indicator 1: Pay"' in html


def test_the_json_block_holds_the_part_only_and_cannot_be_closed_by_a_name():
    reset_ids()
    html = render_part_html(_part())
    block = re.search(r'<script type="application/json" class="wres-chart-spec">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    assert json.loads(block) == {"part": _part().to_dict()}
    assert "by report year" not in block  # the description is not repeated in it


def test_a_template_entry_is_in_the_site_form_with_the_embed_options():
    entry = template_entry({"width": 560, "mark": "point", "config": {"axis": {"labelFontSize": 9}}})
    assert entry["spec"]["width"] == "container" and entry["spec"]["mark"] == {"type": "point", "aria": False}
    assert entry["spec"]["config"]["axis"]["labelFontSize"] == 12 and entry["opt"]["renderer"] == "svg"
