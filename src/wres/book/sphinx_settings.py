"""Sphinx hook: the registry's statistical settings in the hand-written pages.

A hand-written page (``book/methods.md``) may write ``{{ confidence }}`` (the confidence level
of every interval, "95%" at ``trend_tests.alpha`` 0.05), ``{{ alpha }}`` ("0.05"),
``{{ alpha_percent }}`` ("5%"),
``{{ adjustment }}`` (the multiple-comparison adjustment by name) and ``{{ controls }}``
(what it controls); they are filled from the registry the build uses (``WRES_REGISTRY``)
when Sphinx reads the page, so the methods page says what the analysis did. The words are a
config value that rebuilds the environment, so a changed setting re-reads every page.
Connected by :mod:`wres.book.sphinx_page_meta` (already among the book's extensions).
"""

from __future__ import annotations

import re

from wres.registry import load_registry
from wres.report import settings_words

TOKEN = re.compile(r"\{\{ *(confidence|alpha|alpha_percent|adjustment|controls) *\}\}")
CONFIG_NAME = "wres_settings_words"


def settings_text() -> dict[str, str]:
    """The words each token stands for, from the registry the build uses."""
    registry = load_registry()
    alpha = registry.trend_tests.alpha
    return {
        "confidence": settings_words.confidence(registry),
        "alpha": f"{alpha:g}",
        "alpha_percent": f"{round(100 * alpha, 6):g}%",
        "adjustment": settings_words.adjustment(registry),
        "controls": settings_words.controls(registry),
    }


def fill(text: str, words: dict[str, str]) -> str:
    return TOKEN.sub(lambda m: words[m.group(1)], text)


def _on_source_read(app, docname: str, source: list[str]) -> None:
    source[0] = fill(source[0], getattr(app.config, CONFIG_NAME))


def connect(app) -> None:
    app.add_config_value(CONFIG_NAME, settings_text(), "env", types=[dict])
    app.connect("source-read", _on_source_read)
