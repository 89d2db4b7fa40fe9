"""The profiles' shared funnel data (wres.report.profile_shared): one file per indicator holds
every organisation's point, worked out here from the results CSV; a profile's chart names it
instead of carrying it, and its table view lists the organisation itself."""

from __future__ import annotations

import csv
import html
import math
import shutil
from pathlib import Path

import pytest

from wres.analysis.organisations import analyse_trusts, write_trust_results
from wres.book.altair_offline import reset_ids
from wres.book.part_charts import render_part_html
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.registry import load_registry
from wres.report.chart_template import fill
from wres.report.organisation_charts import MAX_NAMED, funnel_chart
from wres.report.organisation_page import OrgProfile
from wres.report.profile_shared import profile_shared_data, profile_templates

REG = load_registry()


@pytest.fixture(scope="module")
def results_dir(root, tmp_path_factory) -> Path:
    national = load_national(root / "data" / "raw" / "published" / "wres_national_published.csv")
    panel = make_panel(national, seed=5, n_orgs=24, first_year=2020)
    d = tmp_path_factory.mktemp("shared")
    write_trust_results(analyse_trusts(panel, REG), d, synthetic=True, source="make_panel(seed=5, n_orgs=24)")
    return d


def _sig4(x: float) -> float:
    return float(f"{x:.4g}")


def test_each_indicator_file_holds_every_placed_organisation_of_the_latest_year(results_dir):
    with (results_dir / "trust_indicators.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    files = profile_shared_data(results_dir, REG, "{org_code}.html")
    ind = REG.indicators[1]
    mine = [r for r in rows if r["indicator"] == str(ind.id)]
    latest = max(int(r["year"]) for r in mine)
    placed = {
        r["org_code"]: (_sig4(float(r["funnel_precision"])), _sig4(float(r["value"])))
        for r in mine
        if int(r["year"]) == latest
        and r["value"] not in ("", "inf")
        and r["funnel_precision"] not in ("", "inf")
        and math.isfinite(float(r["value"]))
        and float(r["funnel_precision"]) > 0
    }
    points = files[f"funnel-{ind.slug}"][f"funnel-{ind.slug}-points"]
    assert {p["code"]: (p["p"], p["v"]) for p in points} == placed
    assert len(placed) >= 20  # a funnel is drawn
    assert sorted(files) == sorted(
        f"funnel-{i.slug}" for i in REG.indicators if any(r["indicator"] == str(i.id) for r in rows)
    )


def _resolved(spec: dict) -> dict:
    """A specification with every named dataset replaced by its rows, and without the names
    themselves (Altair's ``data-<hash>``, a template's ``page-…``), its usermeta and its
    description: what it draws."""
    data = spec.get("datasets", {})

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"name"} and node["name"] in data:
                return {"values": data[node["name"]]}
            return {k: walk(v) for k, v in node.items() if k not in ("datasets", "usermeta", "description")}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


@pytest.fixture(scope="module")
def shared(results_dir):
    return profile_shared_data(results_dir, REG, "{org_code}.html"), profile_templates(
        results_dir, REG, "{org_code}.html"
    )


def test_a_profile_funnel_holds_its_own_organisation_only_and_its_table_lists_it(results_dir, shared):
    files, templates = shared
    with (results_dir / "trust_indicators.csv").open(newline="", encoding="utf-8") as fh:
        mine = {(int(r["indicator"]), int(r["year"])): r for r in csv.DictReader(fh) if r["org_code"] == "ZZ003"}
    prof = OrgProfile.load("ZZ003", results_dir, REG)
    inline = prof.funnels("{org_code}.html")
    parts = prof.funnels("{org_code}.html", shared=True)
    assert len(inline) == len(parts) > 0
    for (_, _, t_in), (_, part, t_sh) in zip(inline, parts, strict=True):
        name = part.shared
        ind = next(i for i in REG.indicators if f"funnel-{i.slug}" == name)
        template = templates[name][part.template]
        named = {layer["data"]["name"] for layer in template["layer"] if "name" in layer.get("data", {})}
        # Altair names its own inline datasets "data-<hash>" (the pooled line's one row).
        assert {n for n in named if not n.startswith("data-")} == {f"{name}-points", f"{name}-limits", "page-highlight"}
        assert not {f"{name}-points", f"{name}-limits"} & set(template.get("datasets", {}))
        # The page holds one organisation, its own, at its figure of the latest year.
        (row,) = part.datasets["page-highlight"]
        year = max(y for i, y in mine if i == ind.id)
        assert row["code"] == "ZZ003" and row["value"] == float(mine[(ind.id, year)]["value"])
        assert part.fill["who"] == f"This organisation: {mine[(ind.id, year)]['org_name']} (ZZ003)"
        # The inline chart carries every organisation (24 rows in its table); the shared one only its own.
        assert t_in.count("<tr") > 20 and t_sh.count("<tr") == 2  # a header row and the organisation's
        assert "(this organisation)" in t_sh and "Every organisation is in the table" in t_sh


def test_a_filled_template_draws_what_the_whole_chart_draws(results_dir, shared):
    """The page's part in its indicator's template is the chart the profile drew whole: the
    same layers, scales and rows (the loader in the browser fills it the same way, shown
    drawn in tests/browser/test_profile_charts.py)."""
    files, templates = shared
    prof = OrgProfile.load("ZZ003", results_dir, REG)
    whole = [c.to_dict() for c, _ in prof.charts_with_tables()]
    funnels = [c for _, c, _ in prof.funnels("{org_code}.html", shared=True)]
    for part in funnels:
        ind = next(i for i in REG.indicators if f"funnel-{i.slug}" == part.shared)
        rows = prof.all_rows[prof.all_rows["indicator"] == ind.id]
        year = int(rows["year"].max())
        chart = funnel_chart(
            rows,
            prof.limits[prof.limits["indicator"] == ind.id],
            ind,
            REG,
            year=year,
            fit=prof._fit(ind.id, year),
            survey_deff=float(prof.meta["survey_deff"]),
            highlight="ZZ003",
            profile_link="{org_code}.html",
            shared=True,
        )
        whole.append(chart.to_dict())
    parts = [c for c, _ in prof.charts_with_tables(shared=True)] + funnels
    assert len(parts) == len(whole) > 9
    for part, spec in zip(parts, whole, strict=True):
        spec["datasets"].update(files[part.shared])
        filled = fill(templates[part.shared][part.template], part.to_dict(), files[part.shared])
        assert _resolved(filled) == _resolved(spec), part.template


@pytest.fixture(scope="module")
def ten_times(results_dir, tmp_path_factory) -> Path:
    """The same results with every organisation nine times more (other codes and names, the
    same figures): 240 organisations."""
    d = tmp_path_factory.mktemp("ten_times")
    for src in results_dir.iterdir():
        if src.name not in ("trust_indicators.csv", "trust_orgs.csv"):
            shutil.copy(src, d / src.name)
            continue
        with src.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows, fields = list(reader), reader.fieldnames
        copies = [
            {**r, "org_code": f"Y{k}{r['org_code']}", "org_name": f"{r['org_name']} copy {k}"}
            for k in range(1, 10)
            for r in rows
        ]
        with (d / src.name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows + copies)
    return d


def _page_charts(results_dir: Path) -> list:
    files = profile_shared_data(results_dir, REG, "{org_code}.html")
    assert files  # the shared file exists at each size
    prof = OrgProfile.load("ZZ003", results_dir, REG)
    return [c for c, _ in prof.charts_with_tables(shared=True)] + [
        c for _, c, _ in prof.funnels("{org_code}.html", shared=True)
    ]


def test_a_profiles_charts_do_not_grow_with_the_number_of_organisations(results_dir, ten_times):
    few, many = _page_charts(results_dir), _page_charts(ten_times)
    assert OrgProfile.load("ZZ003", ten_times, REG).n_orgs_total == 240
    assert len(few) == len(many) > 9
    for a, b in zip(few, many, strict=True):
        # The page's own part of each chart is the same, byte for byte, with ten times the organisations.
        assert _without_words(a) == _without_words(b)
        # Only the funnel's words count organisations, and name at most MAX_NAMED of those outside its limits.
        if a.description != b.description:
            assert "for 240 organisations" in b.description and "funnel" in a.template
            named = max(len(f"{r['org_name']} copy 9 ({r['org_code']}) 0.000 above; ") for r in _orgs(ten_times))
            assert len(b.description) <= len(a.description) + 1 + MAX_NAMED * named


def _without_words(part) -> str:
    reset_ids()
    return render_part_html(part).replace(html.escape(part.description, quote=False), "")


def _orgs(results_dir: Path) -> list[dict]:
    with (results_dir / "trust_orgs.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
