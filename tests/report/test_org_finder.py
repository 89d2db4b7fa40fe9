"""Finding an organisation (wres.report.org_finder) and the index of organisations' counts
(wres.report.organisations_page): the find box lists every organisation once, by name and
code, with its page; text from data stays text; the index counts worse and better as each
profile words them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from wres.report.org_finder import find_box_html
from wres.report.organisation_page import back_link_html

EVIL = 'Evil <script>alert("x")</script> & "Trust"'
ORGS = """org_code,org_name,region,org_type,first_year,last_year,n_years
AB1,Ashford Hospital,London,acute,2019,2024,6
R&D2,"{evil}",North West,mental health,2020,2024,5
ZZ9,,Midlands,ambulance,2021,2024,4
"""


@pytest.fixture
def results_dir(tmp_path: Path) -> Path:
    (tmp_path / "trust_orgs.csv").write_text(ORGS.format(evil=EVIL.replace('"', '""')), encoding="utf-8")
    return tmp_path


def _options(box: str) -> list[dict[str, str]]:
    return [
        {k: html.unescape(v) for k, v in re.findall(r'(value|data-code|data-name|data-href)="([^"]*)"', o)}
        for o in re.findall(r"<option [^>]*>", box)
    ]


def test_the_find_box_offers_every_organisation_with_its_page(results_dir):
    box = find_box_html(results_dir, "orgs/{org_code}.html", "organisations.html")
    options = _options(box)
    # Three organisations in the file, sorted by name (an unnamed one by its code, first).
    assert [o["data-code"] for o in options] == ["ZZ9", "AB1", "R&D2"]
    ashford = options[1]
    assert ashford == {
        "value": "Ashford Hospital (AB1)",
        "data-code": "AB1",
        "data-name": "Ashford Hospital",
        "data-href": "orgs/AB1.html",
    }
    # A code with a reserved character is quoted in the link; an unnamed organisation is its code.
    assert options[2]["data-href"] == "orgs/R%26D2.html"
    assert options[0]["value"] == "ZZ9"
    # The fallback: the index, filtered by what was typed (the form's GET parameter q).
    assert 'action="organisations.html"' in box and 'name="q"' in box
    assert '<label for="wres-find-org">Find your organisation</label>' in box
    assert "3 organisations" in box


def test_names_in_the_find_box_are_text_not_markup(results_dir):
    box = find_box_html(results_dir, "orgs/{org_code}.html", "organisations.html")
    assert "<script>" not in box
    assert _options(box)[2]["data-name"] == EVIL


def test_no_box_without_organisations(tmp_path):
    assert find_box_html(tmp_path, "orgs/{org_code}.html", "organisations.html") == ""


def test_the_back_link_goes_to_the_index():
    assert back_link_html("../organisations.html") == (
        '<p class="wres-back-link"><a href="../organisations.html">← All organisations</a></p>'
    )
