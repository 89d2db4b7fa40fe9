"""Sphinx extension: the book's links to its repository, all from one setting.

``repository.url`` in ``_config.yml`` (Jupyter Book passes it to the theme as
``repository_url``) is the only place the repository's address is written. The theme's
header turns it into the repository and issue buttons (plain links: nothing is loaded from
the repository's host); this extension turns it into the Markdown the pages use through MyST
substitutions: ``{{ repository_link }}`` and ``{{ issue_link }}`` (the corrections page's
"open an issue"). A fork publishes under its own name by changing that one line.
"""

from __future__ import annotations

import re
from typing import Any

# The address goes into Markdown link targets: a character that ends one would break the page.
_ADDRESS = re.compile(r"^https://[^\s()<>\[\]\"']+[^\s()<>\[\]\"'/]$")


def substitutions(url: str) -> dict[str, str]:
    """The Markdown the pages use for ``url``: the repository and its new-issue form."""
    if not _ADDRESS.match(url):
        raise ValueError(
            f"_config.yml: repository.url must be the repository's https address without a trailing "
            f"slash (e.g. https://github.com/OWNER/NAME); it is {url!r}"
        )
    return {
        "repository_link": f"[the book's repository]({url})",
        "issue_link": f"[open an issue in the book's repository]({url}/issues/new)",
    }


def _on_config_inited(app, config) -> None:
    url = (config.html_theme_options or {}).get("repository_url", "")
    config.myst_substitutions = {**(config.myst_substitutions or {}), **substitutions(url)}


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
