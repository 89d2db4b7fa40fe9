"""The whole build on a copy of the repository: results contract, safe publishing,
incremental rebuilds and determinism (wres.book.pipeline, wres.cli)."""

from __future__ import annotations

import json

import nbformat
import pandas as pd

from conftest import fresh_copy, run_build, tree_digest  # noqa: E402 - shared with other whole-build tests
from wres.registry import load_registry


def test_results_contract(built_repo):
    trends = pd.read_csv(built_repo / "results" / "national_trends.csv")
    contract = [
        "indicator",
        "series",
        "group",
        "first_year",
        "last_year",
        "n_years",
        "slope",
        "slope_unit",
        "slope_ci_low",
        "slope_ci_high",
        "p_value",
        "mk_s",
        "mk_p",
        "sen_slope",
        "sen_ci_low",
        "sen_ci_high",
        "min_detectable_slope",
        "verdict",
    ]
    assert set(contract) <= set(trends.columns)
    # Indicator 3's published series has 8 usable years (2016-2023) and a clear fall.
    ind3 = trends[(trends["indicator"] == 3) & (trends["series"] == "rl")].iloc[0]
    assert (ind3["first_year"], ind3["last_year"], ind3["n_years"]) == (2016, 2023, 8)
    assert ind3["verdict"] == "improving"
    # Too few years: no p-value at all.
    few = trends[trends["verdict"] == "too few years"]
    assert len(few) > 0 and few["p_value"].isna().all() and few["mk_p"].isna().all()
    assert (few["n_years"] < 5).all()


def test_every_chapter_opens_with_its_verdict(built_repo):
    site = built_repo / "_build" / "html" / "book" / "generated"
    # One chapter per registry indicator, named by its slug (book/site.yml).
    for ind in load_registry().indicators:
        i, page = ind.id, (site / f"{ind.slug}.html").read_text()
        body = page[page.index("<h1") :]
        first_p = body[body.index("<p>") : body.index("</p>")]
        assert any(w in first_p for w in ("statistically significant", "too few years")), (i, first_p[:300])
        assert "methods.html#methods-trend-tests" in first_p, i
        assert 'class="wres-chart"' in page, f"indicator {i} has no chart"
    assert 'class="wres-chart"' in (site / "overview.html").read_text()
    assert (built_repo / "_build" / "html" / "book" / "methods.html").exists()


def test_malformed_input_keeps_previous_site(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    before = tree_digest(repo / "_build" / "html")
    csv = repo / "data" / "raw" / "published" / "wres_national_published.csv"
    lines = csv.read_text().splitlines(keepends=True)
    lines[5] = lines[5].replace(",percent,", ",perecnt,", 1)
    csv.write_text("".join(lines))
    proc = run_build(repo)
    assert proc.returncode != 0
    assert "wres_national_published.csv" in proc.stderr and "line 6" in proc.stderr and "unit" in proc.stderr
    assert tree_digest(repo / "_build" / "html") == before


def test_failed_chapter_keeps_previous_site_and_names_it(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    before = tree_digest(repo / "_build" / "html")
    tpl = repo / "notebooks" / "indicator.ipynb"
    nb = nbformat.read(tpl, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("if indicator_id == 4:\n    raise RuntimeError('deliberate failure')"))
    nbformat.write(nb, tpl)
    proc = run_build(repo)
    assert proc.returncode != 0
    assert "indicator-4" in proc.stderr and "indicator-4.ipynb" in proc.stderr
    assert "deliberate failure" in (repo / "book" / "generated" / "indicator-4.ipynb").read_text()
    assert tree_digest(repo / "_build" / "html") == before


def test_rebuild_with_nothing_changed_starts_no_kernel(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    proc = run_build(repo)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("skipped (unchanged)") == len(list((repo / "book" / "generated").glob("*.ipynb")))
    assert "Executing chapters" not in proc.stdout
    assert "unchanged (nothing to rebuild)" in proc.stdout


def test_builds_are_deterministic(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    first = {p.name: p.read_bytes() for p in (built_repo / "results").glob("*.csv")}
    nbs = {p.name: nbformat.read(p, as_version=4) for p in (built_repo / "book" / "generated").glob("*.ipynb")}
    proc = run_build(repo, "--force")
    assert proc.returncode == 0, proc.stderr
    assert {p.name: p.read_bytes() for p in (repo / "results").glob("*.csv")} == first
    for name, nb in nbs.items():
        again = nbformat.read(repo / "book" / "generated" / name, as_version=4)
        strip = lambda n: json.dumps([(c.cell_type, c.source, c.get("outputs", [])) for c in n.cells], sort_keys=True)  # noqa: E731
        assert strip(again) == strip(nb), name
    # Byte for byte, at another path, forced against cold: executed notebooks (cell ids,
    # execution counts) and the whole published tree (_sources, search index, CSP hashes).
    ipynbs = lambda r: {k: v for k, v in tree_digest(r / "book" / "generated").items() if k.endswith(".ipynb")}  # noqa: E731
    assert ipynbs(repo) == ipynbs(built_repo)
    assert tree_digest(repo / "_build" / "html") == tree_digest(built_repo / "_build" / "html")


def test_a_raw_file_changed_without_its_sidecar_is_named_on_every_build_until_accepted(built_repo, tmp_path):
    import hashlib

    repo = fresh_copy(built_repo, tmp_path)
    rel = "data/raw/published/wres_sources.csv"
    csv = repo / rel
    before = hashlib.md5(csv.read_bytes()).hexdigest()
    csv.write_bytes(csv.read_bytes() + b"\n")
    after = hashlib.md5(csv.read_bytes()).hexdigest()
    for _ in range(2):  # the second build skips the analysis and still warns
        proc = run_build(repo)
        assert proc.returncode == 0, proc.stderr
        assert rel in proc.stderr and before in proc.stderr and after in proc.stderr
        assert f"wres accept {rel}" in proc.stderr
    assert "load, validate and analyse" in proc.stdout and "Executing chapters" not in proc.stdout
    proc = run_build(repo, rel, command="accept")
    assert proc.returncode == 0, proc.stderr
    assert before in proc.stdout and after in proc.stdout
    assert f"md5: {after}" in (repo / f"{rel}.meta.yml").read_text()
    for bad, reason in (("data/raw/published/nothing.csv", "no such file"), ("README.md", "has no sidecar")):
        proc = run_build(repo, bad, command="accept")
        assert proc.returncode == 2 and reason in proc.stderr and "Traceback" not in proc.stderr
