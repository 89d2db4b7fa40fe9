"""Escaping text that comes from data before it reaches Markdown or HTML."""

from __future__ import annotations

import html


def md_escape(text: object) -> str:
    """Escape text from data for MyST Markdown (roles, directives, HTML, emphasis, links)."""
    s = html.escape(str(text), quote=True)
    for ch in "\\`*_{}[]<>()#+!|$~:":
        s = s.replace(ch, "\\" + ch)
    return s
