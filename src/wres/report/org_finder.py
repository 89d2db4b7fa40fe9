"""Finding one organisation's page in one step: the find box on the landing page and the
overview of a build with organisations (the way back from a profile is
:func:`wres.report.organisation_page.back_link_html`).

The box is a plain form: a text field with every organisation's name and code as suggestions
(``<datalist>``), which the site's reader script (``wres.book`` ``reader.js``) sends straight
to the organisation's page; without the script, or when the text matches several
organisations, the form opens the index of organisations filtered by the text. Nothing is
fetched, so it works offline and under the pages' Content-Security-Policy. Names and codes
are text from data: escaped.
"""

from __future__ import annotations

import html
from pathlib import Path

from wres import results
from wres.report.organisations_page import profile_href

#: The results this module reads.
READS: tuple[str, ...] = ("organisations",)
FIELD_ID = "wres-find-org"


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def find_box_html(results_dir: str | Path, profile_link: str, index_link: str) -> str:
    """The find box ("" when the build has no organisations). ``profile_link``: the profile
    URL pattern (with ``{org_code}``) and ``index_link`` the index's URL, both relative to the
    page that shows the box."""
    orgs = results.read(results_dir, "organisations")
    if orgs.empty:
        return ""
    orgs = orgs.sort_values(["org_name", "org_code"], kind="stable")
    options = []
    for code, name in zip(orgs["org_code"].astype(str), orgs["org_name"].astype(str), strict=True):
        shown = f"{name} ({code})" if name else code
        options.append(
            f'<option value="{_esc(shown)}" data-code="{_esc(code)}" data-name="{_esc(name)}" '
            f'data-href="{_esc(profile_href(code, profile_link))}"></option>'
        )
    return (
        f'<form class="wres-find-org" role="search" aria-label="Find your organisation" method="get" '
        f'action="{_esc(index_link)}">'
        f'<label for="{FIELD_ID}">Find your organisation</label>'
        '<span class="wres-find-org-row">'
        f'<input type="search" id="{FIELD_ID}" name="q" list="{FIELD_ID}-list" autocomplete="off" '
        'placeholder="Name or organisation code" aria-describedby="wres-find-org-hint">'
        '<button type="submit">Go</button></span>'
        f'<datalist id="{FIELD_ID}-list">{"".join(options)}</datalist>'
        f'<span id="wres-find-org-hint" class="wres-find-org-hint">{len(orgs)} organisations, or see '
        f'<a href="{_esc(index_link)}">all organisations</a>.</span>'
        "</form>"
    )
