"""Kept editions (wres.book.editions) on small hand-made sites: which edition a site is, when
it is frozen, how its links to other editions are moved, what the pages list (issue 20)."""

from __future__ import annotations

import json

from wres.book.editions import Edition, attach, freeze, list_html, published


def site_of(folder, year: int | None, version: str = "0.1.0", links: str = ""):
    (folder / "book").mkdir(parents=True)
    if year is not None:
        (folder / "edition.json").write_text(json.dumps({"year": year, "version": version}))
    (folder / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/intro.html" />')
    (folder / "book" / "intro.html").write_text(f"<p>{year}</p>{links}")
    return folder


def test_which_edition_a_site_is(tmp_path):
    assert published(site_of(tmp_path / "a", 2023, "0.1.0")) == Edition(2023, "0.1.0")
    # A site published before edition.json existed: its footer says the year and version.
    old = site_of(tmp_path / "b", None)
    (old / "book" / "intro.html").write_text(
        "<p>Published 1 December 2026 · Latest data: WRES report 2022 · Version 0.0.9 (abc1234) · </p>"
    )
    assert published(old) == Edition(2022, "0.0.9")
    assert published(tmp_path / "none") is None


def test_a_newer_report_year_freezes_the_published_site(tmp_path):
    link = '<a href="../editions/2022/index.html">2022</a>'
    site = site_of(tmp_path / "html", 2023, links=link)
    site_of(site / "editions" / "2022", 2022)  # the site carries an older kept edition
    source = tmp_path / "src"
    site_of(source / "editions" / "2022", 2022)  # ... which is in the archive already
    assert freeze(site, source, Edition(2023, "0.2.0")) is None  # same year: a correction, not an edition
    assert freeze(site, source, Edition(2024, "0.2.0")) == Edition(2023, "0.1.0")
    kept = source / "editions" / "2023"
    assert json.loads((kept / "edition.json").read_text()) == {"year": 2023, "version": "0.1.0"}
    # Not a copy of the copy: the older edition is kept once, beside it.
    assert not (kept / "editions").exists()
    page = (kept / "book" / "intro.html").read_text()
    assert page == '<p>2023</p><a href="../../2022/index.html">2022</a>'
    assert (kept / "book" / "../../2022/index.html").resolve() == (source / "editions" / "2022" / "index.html")
    # Frozen once: a later build with the same data never overwrites it.
    (site / "book" / "intro.html").write_text("changed")
    assert freeze(site, source, Edition(2024, "0.2.1")) is None
    assert (kept / "book" / "intro.html").read_text() == page
    assert not list(source.glob("editions/.*"))


def test_attach_puts_every_kept_edition_into_the_site(tmp_path):
    source = tmp_path / "src"
    site_of(source / "editions" / "2022", 2022)
    site_of(source / "editions" / "2023", 2023)
    target = site_of(tmp_path / "target", None)
    attach(target, source, Edition(2024, "0.2.0"))
    assert json.loads((target / "edition.json").read_text()) == {"year": 2024, "version": "0.2.0"}
    assert (target / "editions" / "2022" / "book" / "intro.html").read_text() == "<p>2022</p>"
    assert (target / "editions" / "2023" / "book" / "intro.html").read_text() == "<p>2023</p>"


def test_the_list_links_each_kept_edition_newest_first_and_escapes_the_version():
    out = list_html(Edition(2024, "1<b>"), [Edition(2023, "0.2.0"), Edition(2022, "0.1.0")])
    assert "<strong>This edition:</strong> report year 2024 (version 1&lt;b&gt;)." in out
    assert out.index('href="../editions/2023/index.html"') < out.index('href="../editions/2022/index.html"')
    assert ">report year 2022 (version 0.1.0)</a>" in out
    assert "editions/&lt;year&gt;/" in list_html(Edition(2024, "0.1.0"), [])
