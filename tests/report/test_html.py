"""Text from data reaches a Markdown page as the same text, never as markup."""

import re
from html import unescape

import pytest
from markdown_it import MarkdownIt

from wres.report.html import md_escape

CASES = [
    "King's College Hospital",
    'The "Royal" Trust',
    "<script>alert(1)</script> & Co",
    "*bold* _em_ `code` [link](http://x) {role}`x` #1 | a | $x$ :tada: ~~s~~",
]


@pytest.mark.parametrize("text", CASES)
def test_markdown_shows_the_text_as_it_is(text):
    """Rendered by markdown-it (the parser under MyST), the paragraph's text is the input."""
    out = MarkdownIt("commonmark").enable("table").render(md_escape(text))
    assert not re.search(r"<(?!/?p>)", out), out  # no element but the paragraph
    assert unescape(re.sub(r"</?p>", "", out)).strip() == text
