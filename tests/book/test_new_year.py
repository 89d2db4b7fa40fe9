"""Adding a year of data: national rows and organisation files for the next report year reach
every chapter's headline, the chart data, the results tables and the What changed page.
Organisation names from data are escaped wherever they reach HTML or Markdown."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import yaml

from conftest import fresh_copy, run_build
from wres.inputs.importer import write_long
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.registry import load_registry

FORK = "https://github.com/a-fork/wres-copy"
NASTY = '<script>alert("x")</script> **Bold** {sub}`oops` Trust'


def add_national_year(repo) -> int:
    csv = repo / "data" / "raw" / "published" / "wres_national_published.csv"
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    new = int(df["report_year"].astype(int).max()) + 1
    reg = load_registry()
    rows = []
    for ind in reg.indicators:
        for s in ind.series:
            if s.from_indicator:
                continue
            sub = df[(df["indicator"] == str(ind.id)) & (df["measure"] == s.measure) & (df["group"] == s.group)]
            if sub.empty:
                continue
            row = sub.loc[sub["report_year"].astype(int).idxmax()].copy()
            value = float(row["value"])
            row["value"] = f"{value * (0.97 if value > 50 else 1.02):.2f}"
            row["report_year"] = row["period_label"] = str(new)
            row["survey_year"] = str(new - ind.survey_lag) if ind.is_survey else ""
            row["quality"] = "as_published"
            rows.append(row)
    pd.concat([df, pd.DataFrame(rows)]).to_csv(csv, index=False)
    meta = csv.with_name(csv.name + ".meta.yml")
    info = yaml.safe_load(meta.read_text())
    info["md5"] = hashlib.md5(csv.read_bytes()).hexdigest()
    meta.write_text(yaml.safe_dump(info, sort_keys=False))
    return new


def add_organisations(repo, new: int) -> None:
    national = load_national(repo / "data" / "raw" / "published" / "wres_national_published.csv")
    panel = make_panel(national, n_orgs=4, first_year=new - 2)
    panel.loc[panel["org_code"] == panel["org_code"].iloc[0], "org_name"] = NASTY
    (repo / "data" / "raw" / "trusts").mkdir(parents=True, exist_ok=True)
    write_long(panel, repo / "data" / "raw" / "trusts" / "organisations.csv")


def first_paragraph(page: str) -> str:
    body = page[page.index("<h1") :]
    return body[body.index("<p>") : body.index("</p>")]


def test_a_new_year_reaches_every_chapter(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    reg = load_registry()
    before = {
        ind.slug: (repo / "_build/html/book/generated" / f"{ind.slug}.html").read_text() for ind in reg.indicators
    }
    new = add_national_year(repo)
    add_organisations(repo, new)
    # The same build checks that a fork's one setting reaches every link (issue 20), to spare a build.
    config = (repo / "_config.yml").read_text()
    ours = yaml.safe_load(config)["repository"]["url"]
    (repo / "_config.yml").write_text(config.replace(ours, FORK))
    proc = run_build(repo)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    generated = repo / "_build" / "html" / "book" / "generated"
    assert_previous_edition_kept(repo, new - 1, new, before)
    assert_links_to(repo / "_build" / "html", FORK, ours)
    for ind in reg.indicators:
        page = (generated / f"{ind.slug}.html").read_text()
        assert str(new) in first_paragraph(page), (ind.id, first_paragraph(page)[:400])
        # The chart's inline data carries the new year.
        nb = (repo / "book" / "generated" / f"{ind.slug}.ipynb").read_text()
        assert re.search(rf'\\"report_year\\":\s*{new}', nb) or re.search(rf'"report_year":\s*{new}', nb), ind.id
    results = repo / "results"
    series = pd.read_csv(results / "national_series.csv")
    assert new in set(series["report_year"])
    trends = pd.read_csv(results / "national_trends.csv")
    assert (trends.loc[trends["series"] == "rl", "last_year"] == new).any()
    assert int(pd.read_csv(results / "trust_indicators.csv")["year"].max()) == new
    changes = pd.read_csv(results / "national_changes.csv")
    assert set(changes["latest_year"]) == {new}
    what = (generated / "what-changed.html").read_text()
    assert f"latest report year in the data is {new}" in what
    # Organisation pages exist and the hostile name is escaped everywhere it is shown.
    profiles = list((generated / "orgs").glob("*.html"))
    assert len(profiles) == 4
    for page in [*profiles, generated / "organisations.html", generated / "indicator-3.html"]:
        text = page.read_text()
        assert '<script>alert("x")' not in text, page.name
    nasty_page = next(p for p in profiles if "alert" in p.read_text())
    assert "&lt;script&gt;" in nasty_page.read_text()


def assert_previous_edition_kept(repo, old: int, new: int, before: dict[str, str]) -> None:
    """Issue 20: the edition of the previous report year stays browsable under its own path,
    frozen, with its own year, linked from the new landing and corrections pages."""
    site = repo / "_build" / "html"
    kept = site / "editions" / str(old)
    assert json.loads((site / "edition.json").read_text())["year"] == new
    assert json.loads((kept / "edition.json").read_text())["year"] == old
    # Kept beside the sources too, so a fresh clone (and the Pages workflow) publishes it.
    assert (repo / "editions" / str(old) / "index.html").is_file()
    for slug, page in before.items():
        # A board paper's link to a chapter: the same address opens in the new edition, and
        # the old page, byte for byte, under the kept edition's path.
        assert (site / "book" / "generated" / f"{slug}.html").is_file()
        frozen = (kept / "book" / "generated" / f"{slug}.html").read_text()
        assert frozen == page, slug
        assert re.search(rf"Latest data: [^<]*{old}", frozen) and not re.search(rf"Latest data: [^<]*{new}", frozen)
    assert re.search(rf"Latest data: [^<]*{new}", (site / "book" / "generated" / f"{slug}.html").read_text())
    for name in ("intro", "corrections"):
        page = (site / "book" / f"{name}.html").read_text()
        assert f'href="../editions/{old}/index.html"' in page, name
        assert f"This edition:</strong> report year {new}" in page
    assert (site / "book" / "../editions" / str(old) / "index.html").resolve().is_file()
    assert f"This edition:</strong> report year {old}" in (kept / "book" / "intro.html").read_text()


def assert_links_to(site, fork: str, ours: str) -> None:
    """Every page's repository and issue buttons, and the corrections page's links, go to the
    fork's address; the original address is on no page the new build wrote."""
    for page in [
        site / "book" / "intro.html",
        site / "book" / "corrections.html",
        site / "book/generated/overview.html",
    ]:
        text = page.read_text()
        assert f'<a href="{fork}" target="_blank"\n   class="btn btn-sm btn-source-repository-button' in text, page
        assert f'<a href="{fork}/issues/new?title=' in text, page
        assert ours not in text, page
    corrections = (site / "book" / "corrections.html").read_text()
    assert f'<a class="reference external" href="{fork}/issues/new">open an issue in the book' in corrections
    assert f'<a class="reference external" href="{fork}">the book' in corrections
