"""The post-build safety step (wres.book.safety_scan): a hand-made site with planted script,
handlers and foreign resources is caught; a clean page gets its policy and passes; the real
built site passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from wres.book import safety_scan

HEAD = '<!DOCTYPE html>\n<html><head>\n<meta charset="utf-8" />\n<title>t</title>\n'
# sha256 of the inline script below, worked out with
#   printf "%s" "DOCUMENTATION_OPTIONS.pagename = 'clean';" | openssl dgst -sha256 -binary | base64
CLEAN_SCRIPT = "DOCUMENTATION_OPTIONS.pagename = 'clean';"
CLEAN_HASH = "'sha256-f+y52rWn7CPlzOjYumkQ2lfP3TESw7r9VIo9Fl5Ewa0='"

CLEAN = (
    HEAD
    + f"""<script src="_static/js/ok.js?v=1"></script>
<script>{CLEAN_SCRIPT}</script>
<link rel="stylesheet" href="_static/site.css" />
<link rel="next" title="Next" href="https://example.org/next.html" />
</head><body>
<button onclick="window.print()" class="btn">Print</button>
<a href="https://www.england.nhs.uk/">a cited source</a>
<img src="_static/logo.png" alt="" /><img src="data:image/png;base64,AAAA" alt="" />
<div class="wres-chart" id="wres-chart-1" data-wres-chart="1"><script type="application/json" class="wres-chart-spec">{{"spec":{{}}}}</script></div>
</body></html>
"""
)

BAD = (
    HEAD
    + """<script src="https://cdn.example/x.js"></script>
<script src="_static/js/missing.js"></script>
<link rel="stylesheet" href="//cdn.example/x.css" />
</head><body>
<script>alert(1)</script>
<img src="https://x">
<img src="pic.png" onerror="alert(1)">
<a href="javascript:alert(1)">x</a>
<a href="java&#9;script:alert(2)">y</a>
<div style="background:url(https://x.example/y.png)">z</div>
<script type="application/json">{"not": "a chart"}</script>
</body></html>
"""
)


def make_site(folder: Path) -> Path:
    (folder / "_static" / "js").mkdir(parents=True)
    (folder / "_static" / "js" / "ok.js").write_text("// ok\n")
    (folder / "_static" / "site.css").write_text("body { background: url(logo.png); }\n")
    (folder / "clean.html").write_text(CLEAN)
    (folder / "bad.html").write_text(BAD)
    return folder


def test_planted_script_handler_foreign_resource_and_javascript_url_are_each_found(tmp_path):
    site = make_site(tmp_path)
    found = {
        (f.element, f.attribute, f.value)
        for f in safety_scan.scan_site(site, require_csp=False)
        if f.page == "bad.html"
    }
    assert found == {
        ("script", "src", "https://cdn.example/x.js"),
        ("script", "src", "_static/js/missing.js"),
        ("link", "href", "//cdn.example/x.css"),
        ("script", "", "alert(1)"),
        ("img", "src", "https://x"),
        ("img", "onerror", "alert(1)"),
        ("a", "href", "javascript:alert(1)"),
        ("a", "href", "java\tscript:alert(2)"),
        ("div", "style", "https://x.example/y.png"),
        ("script", "type", "application/json"),  # a data block outside a chart container
    }


def test_clean_page_gets_its_policy_first_in_head_and_passes(tmp_path):
    site = make_site(tmp_path)
    (site / "bad.html").unlink()
    assert safety_scan.secure_site(site) == []
    text = (site / "clean.html").read_text()
    head = text[text.index("<head>") :]
    # Right after <meta charset>, before the first script.
    assert head.index("Content-Security-Policy") < head.index("<title>") < head.index("<script")
    expected = (
        "default-src 'self'; script-src 'self' " + CLEAN_HASH + "; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
    assert f'<meta http-equiv="Content-Security-Policy" content="{expected}" />' in text
    # The theme's print button no longer needs inline script.
    assert "onclick" not in text and '<button data-wres-action="print" class="btn">' in text
    # Applying twice changes nothing.
    assert safety_scan.apply_csp(site) == 0


def test_a_planted_inline_script_gets_no_hash(tmp_path):
    site = make_site(tmp_path)
    safety_scan.apply_csp(site)
    text = (site / "bad.html").read_text()
    # Only 'self': the page has no allowed inline script, so alert(1) is refused by the browser.
    assert "script-src 'self'; style-src" in text


def test_page_without_policy_or_with_a_late_policy_is_reported(tmp_path):
    (tmp_path / "late.html").write_text(
        HEAD + '<link rel="stylesheet" href="a.css"><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'self'\"></head><body></body></html>"
    )
    (tmp_path / "none.html").write_text(HEAD + "</head><body></body></html>")
    reasons = {(f.page, f.reason) for f in safety_scan.scan_site(tmp_path)}
    assert reasons == {
        ("late.html", "Content-Security-Policy comes after elements it should cover"),
        ("none.html", "no Content-Security-Policy meta element"),
    }


def test_raw_markup_in_a_search_index_title_is_reported(tmp_path):
    (tmp_path / "searchindex.js").write_text(
        'Search.setIndex({"alltitles": {"&lt;b&gt; ok": [[0, null]], "<img src=x>": [[0, null]]}})'
    )
    found = safety_scan.scan_site(tmp_path)
    assert [(f.page, f.value) for f in found] == [("searchindex.js", "<img src=x>")]


@pytest.mark.slow  # scans the national site that `wres build` leaves in _build/html
def test_the_built_site_has_no_finding(tmp_path):
    built = ROOT / "_build" / "html"
    if not (built / "index.html").is_file():
        pytest.fail(f"no built site at {built}: run `wres build` first", pytrace=False)
    site = tmp_path / "html"
    shutil.copytree(built, site)
    findings = safety_scan.secure_site(site)
    assert not findings, "\n".join(map(str, findings))
    for page in ("index.html", "search.html", "book/generated/indicator-3.html"):
        assert 'http-equiv="Content-Security-Policy"' in (site / page).read_text()


def test_a_build_whose_page_holds_a_planted_script_fails_and_keeps_the_site(built_repo, tmp_path):
    from conftest import fresh_copy, run_build, tree_digest

    repo = fresh_copy(built_repo, tmp_path)
    site_before = tree_digest(repo / "_build" / "html")
    page = repo / "book" / "reuse.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n<script>alert("planted")</script>\n', encoding="utf-8")
    proc = run_build(repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-2000:]
    assert "script" in out and "book/reuse.html" in out, out[-2000:]
    assert "Traceback" not in out
    assert tree_digest(repo / "_build" / "html") == site_before
