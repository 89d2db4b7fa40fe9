"""Escaping text that comes from data before it reaches Markdown or HTML."""

from __future__ import annotations

import html


def md_escape(text: object) -> str:
    """Escape text from data for MyST Markdown (roles, directives, HTML, emphasis, links).

    Quotes stay as they are: Markdown text gives them no meaning, and an entity such as
    ``&#x27;`` would have its ``#`` escaped below and show on the page as typed."""
    s = html.escape(str(text), quote=False)
    for ch in "\\`*_{}[]<>()#+!|$~:":
        s = s.replace(ch, "\\" + ch)
    return s
