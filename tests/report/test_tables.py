"""The one table renderer: captions, header scopes, escaping, formats, links, notes."""

import math
import re

import pandas as pd

from wres.report.tables import Column, html_table, number

EVIL = '<script>alert("x")</script> & Co'


def test_table_is_accessible_and_escapes_every_value():
    df = pd.DataFrame(
        {
            "name": [EVIL, "Plain"],
            "url": ['https://x.example/?a=1&b="2"', ""],
            "v": [1.23456, math.nan],
            "sub": ["line one\nline two", None],
            "cls": ["a b", "c"],
        }
    )
    out = html_table(
        df,
        [
            Column("name", "Name <1>", link="url", note="sub"),
            Column("v", "Value", fmt=number("{:+.2f}"), css="text-right"),
        ],
        caption="Caption & more",
        css="wres-x",
        row_header=True,
        row_class="cls",
    )
    region = re.match(
        r'<div class="wres-table-scroll" role="region" tabindex="0" aria-labelledby="([^"]+)">'
        r'<table class="table wres-x"><caption id="([^"]+)">Caption &amp; more</caption>',
        out,
    )
    assert region and region.group(1) == region.group(2)  # the scroll region is named by the caption
    assert out.endswith("</table></div>")
    assert '<th scope="col">Name &lt;1&gt;</th> <th scope="col">Value</th>' in out
    # Search snippets are the page's textContent: cells must not run together.
    from bs4 import BeautifulSoup

    assert "Name <1> Value" in BeautifulSoup(out, "html.parser").get_text()
    assert "<script>" not in out and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in out
    assert 'href="https://x.example/?a=1&amp;b=&quot;2&quot;" rel="noopener"' in out
    assert '<th scope="row"><a ' in out  # first column heads its row
    assert "<br><small>line one</small><br><small>line two</small>" in out
    assert '<td class="text-right">+1.23</td>' in out and '<td class="text-right">—</td>' in out
    assert '<tr class="a b">' in out
    assert '<th scope="row">Plain</th>' in out  # an empty link gives plain text


def test_lists_links_wrap_after_and_empty():
    df = pd.DataFrame({"o": [["A", "B"]], "u": [["/a", "/b"]], "md5": ["abc"], "ok": ["(matches)"]})
    out = html_table(
        df,
        [Column("o", "Source", link="u"), Column("md5", "MD5", wrap="code", after="ok")],
        caption="c",
        css="wres-y",
        table_id="t1",
        row_attrs={"data-search": "md5"},
    )
    assert '<a href="/a">A</a>; <a href="/b">B</a>' in out
    assert "<code>abc</code> (matches)" in out
    assert 'id="t1"' in out and '<tr data-search="abc">' in out
    assert html_table(df.iloc[0:0], [Column("md5", "MD5")], caption="c", css="z", empty="<p>none</p>") == "<p>none</p>"


def test_the_data_page_names_both_checksums_of_a_changed_file():
    from wres.report.data_page import Provenance

    files = pd.DataFrame(
        {
            "file": ["data/raw/published/a.csv", "data/raw/published/b.csv"],
            "title": ["A", "B"],
            "description": ["", ""],
            "compiled": ["", ""],
            "rows": [1, 2],
            "licence": ["", ""],
            "md5_recorded": ["111", "222"],
            "md5_actual": ["111", "999"],
            "md5_ok": pd.array([True, False], dtype="boolean"),
        }
    )
    out = Provenance(None, pd.DataFrame(), files, pd.DataFrame(), pd.DataFrame(), pd.DataFrame()).files_html()
    assert out.count("(matches the file)") == 1
    assert "222" in out and "DOES NOT MATCH: the file&#x27;s MD5 is now 999" in out
