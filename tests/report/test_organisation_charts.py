"""Organisation-level charts and the pages built on them: every chart has a title, axis
titles with units, a text alternative and the tooltip fields a reader needs; text from data
is escaped; synthetic data always carry the banner; missing data give a note, not a crash."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from IPython.display import HTML, Markdown

from wres import results
from wres.analysis.organisations import analyse_trusts, write_trust_results
from wres.book import altair_offline
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.kinds import kind_of
from wres.registry import load_registry
from wres.report import organisation_charts as trust_charts
from wres.report.breakdown_chart import breakdown_chart
from wres.report.chart_parts import clean_text
from wres.report.organisation_page import OrgProfile
from wres.report.organisation_section import BANNER_CLASS, synthetic_banner_html
from wres.report.organisation_section import section as trust_section
from wres.report.organisations_page import index_html as org_index_html
from wres.report.organisations_page import index_markdown as org_index_markdown
from wres.report.organisations_page import profile_href
from wres.report.profile_chart import profile_chart
from wres.report.share_chart import share_in_range_chart

REG = load_registry()
EVIL = 'Evil <script>alert("x")</script> & {download}`x <y>` Trust'


@pytest.fixture(scope="module")
def results_dir(root, tmp_path_factory) -> Path:
    national = load_national(root / "data" / "raw" / "published" / "wres_national_published.csv")
    # 25 organisations: a funnel needs at least MIN_ORGS_FOR_FUNNEL (20).
    panel = make_panel(national, seed=11, n_orgs=25, first_year=2019)
    panel["org_name"] = panel["org_name"].mask(panel["org_code"] == "ZZ001", EVIL)
    d = tmp_path_factory.mktemp("trust_results")
    write_trust_results(analyse_trusts(panel, REG), d, synthetic=True, source="make_panel(seed=11, n_orgs=25)")
    return d


@pytest.fixture(scope="module")
def res(results_dir):
    # Keyed by file stem, as the tests below were written.
    return {
        results.table(k).file.removesuffix(".csv"): results.read(results_dir, k) for k in results.ORGANISATION_TABLES
    }


def _layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", [spec]):
        out.extend(_layers(layer) if "layer" in layer else [layer])
    return out


def _axis_titles(spec: dict) -> dict[str, set[str]]:
    titles: dict[str, set[str]] = {}
    for layer in _layers(spec):
        for ch, enc in layer.get("encoding", {}).items():
            if isinstance(enc, dict) and enc.get("title"):
                titles.setdefault(ch, set()).add(enc["title"])
    return titles


def _tooltip_titles(spec: dict) -> set[str]:
    out = set()
    for layer in _layers(spec):
        tt = layer.get("encoding", {}).get("tooltip", [])
        for t in tt if isinstance(tt, list) else [tt]:
            out.add(t.get("title", t.get("field")))
    return out


def _check_common(spec: dict, axes=("x", "y")):
    title = spec["title"]
    assert title["text"] and title["subtitle"], "a title and a subtitle saying the year"
    assert len(spec["description"]) > 40
    titles = _axis_titles(spec)
    for ax in axes:
        assert titles.get(ax), f"axis {ax} has a title"


@pytest.mark.parametrize("ind_id", [1, 3, 6])
def test_funnel_chart_spec(res, ind_id):
    ind = REG.indicator(ind_id)
    ti = res["trust_indicators"]
    rows = ti[ti["indicator"] == ind_id]
    lim = res["trust_funnel_limits"][res["trust_funnel_limits"]["indicator"] == ind_id]
    fits = res["trust_funnel_fits"]
    year = int(rows["year"].max())
    fit = fits[(fits["indicator"] == ind_id) & (fits["year"] == year)].iloc[0]
    spec = trust_charts.funnel_chart(rows, lim, ind, REG, fit=fit, highlight="ZZ001", survey_deff=1.5).to_dict()
    _check_common(spec)
    titles = _axis_titles(spec)
    assert any("log scale" in t for t in titles["x"])
    assert any(("%" in t) if kind_of(ind, REG).unit == "percent" else ("log scale" in t) for t in titles["y"])
    assert {
        "Organisation",
        "Code",
        "Value",
        "95% confidence interval",
        "Against the 95% limits",
        "Against the 99.8% limits",
    } <= _tooltip_titles(spec)
    assert ind.year_phrase(year) in spec["title"]["subtitle"][0]
    # Limit curves (95% and 99.8%) and a target line are drawn.
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in _layers(spec)]
    assert "line" in marks and "rule" in marks and "point" in marks
    y_scales = [
        layer["encoding"]["y"].get("scale", {}).get("type") for layer in _layers(spec) if "y" in layer["encoding"]
    ]
    assert ("log" in y_scales) == kind_of(ind, REG).log_scale


def test_untrusted_names_are_data_not_markup(res):
    ind = REG.indicator(2)
    ti = res["trust_indicators"]
    rows = ti[ti["indicator"] == 2]
    chart = trust_charts.funnel_chart(
        rows,
        res["trust_funnel_limits"][res["trust_funnel_limits"]["indicator"] == 2],
        ind,
        REG,
        highlight="ZZ001",
        survey_deff=1.5,
    )
    html_out = altair_offline.render_html(chart.to_dict())
    assert "<script>alert" not in html_out
    assert EVIL not in html_out  # the name only appears escaped
    org = rows[rows["org_code"] == "ZZ001"]
    nat = res["trust_aggregates"][
        (res["trust_aggregates"]["level"] == "national") & (res["trust_aggregates"]["indicator"] == 2)
    ]
    prof = altair_offline.render_html(profile_chart(org, nat, ind, REG, org_label=EVIL).to_dict())
    assert "<script>alert" not in prof
    assert clean_text("a\x00b\nc") == "a b c"


@pytest.mark.parametrize("level", ["region", "org_type"])
def test_breakdown_chart_spec(res, level):
    ind = REG.indicator(4)
    agg = res["trust_aggregates"][res["trust_aggregates"]["indicator"] == 4]
    spec = breakdown_chart(agg, ind, REG, level=level).to_dict()
    _check_common(spec)
    assert {"Pooled value", "95% confidence interval", "Organisations"} <= _tooltip_titles(spec)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in _layers(spec)]
    assert "rule" in marks  # the confidence intervals
    assert breakdown_chart(agg.iloc[:0], ind, REG, level=level) is None


def test_share_chart_and_profile_chart_specs(res):
    ind = REG.indicator(3)
    spec = share_in_range_chart(res["trust_share_in_range"], ind, REG).to_dict()
    _check_common(spec)
    assert {"Share", "Organisations in range"} <= _tooltip_titles(spec)
    assert any("%" in t for t in _axis_titles(spec)["y"])
    assert share_in_range_chart(res["trust_share_in_range"], REG.indicator(5), REG) is None

    for ind_id in (2, 7):
        ind = REG.indicator(ind_id)
        ti = res["trust_indicators"]
        org = ti[(ti["indicator"] == ind_id) & (ti["org_code"] == "ZZ002")]
        nat = res["trust_aggregates"][
            (res["trust_aggregates"]["level"] == "national") & (res["trust_aggregates"]["indicator"] == ind_id)
        ]
        spec = profile_chart(org, nat, ind, REG, org_label="Demo").to_dict()
        _check_common(spec)
        assert {"Value", "95% confidence interval", "WRES report year"} <= _tooltip_titles(spec)
        x_titles = _axis_titles(spec)["x"]
        assert any("report year" in t for t in x_titles)
        if ind.is_survey:
            assert any("Staff Survey" in t for t in x_titles)


def test_trust_section_with_synthetic_data(results_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parts = trust_section(2, results_dir, index_link="organisations.html")
    assert isinstance(parts[0], Markdown) and parts[0].data.startswith("## Organisations")
    assert isinstance(parts[1], HTML) and BANNER_CLASS in parts[1].data
    assert "Synthetic demonstration data" in parts[1].data
    charts = [p for p in parts if hasattr(p, "to_dict")]
    assert len(charts) == 4  # funnel, region, org type, share in range
    assert (tmp_path / "downloads" / "indicator-2-organisations.csv").exists()
    assert (tmp_path / "downloads" / "indicator-2-organisations-full-precision.csv").exists()
    assert any("{download}" in p.data for p in parts if isinstance(p, Markdown))
    # Without the heading (for a template with its own Markdown heading), the banner comes first.
    parts = trust_section(6, results_dir, heading=False)
    assert isinstance(parts[0], HTML) and BANNER_CLASS in parts[0].data
    assert len([p for p in parts if hasattr(p, "to_dict")]) == 3  # no non-adverse range for percentages


def test_trust_section_without_data_is_one_note(tmp_path):
    parts = trust_section(3, tmp_path)
    assert len(parts) == 1 and isinstance(parts[0], Markdown)
    assert "No organisation-level figures" in parts[0].data
    assert synthetic_banner_html(tmp_path) == ""
    # Real (not synthetic) data: no banner.
    (tmp_path / "trust_meta.json").write_text(json.dumps({"synthetic": False}))
    assert synthetic_banner_html(tmp_path) == ""


def test_profile_page_parts(results_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    prof = OrgProfile.load("ZZ001", results_dir)
    assert BANNER_CLASS in prof.banner_html() and "on this page" in prof.banner_html()
    head = prof.headline()
    assert "chance alone" in head and "funnel limits" not in head and "Benjamini" not in head
    table = prof.table_html()
    assert table.count("<tr>") == 1 + len(REG.ids)
    assert len(prof.charts()) == len(REG.ids)
    assert "<script>" not in prof.summary_markdown() + table + prof.trends_html()
    link = prof.write_download()
    assert "ZZ001-wres-figures.csv" in link and (tmp_path / "downloads" / "ZZ001-wres-figures.csv").exists()
    assert "ZZ001-wres-figures-full-precision.csv" in link
    # The counts in the download make its figures: a relative likelihood recomputed from the
    # two groups' numerators and denominators agrees with the value shown, to its 2 decimals.
    with (tmp_path / "downloads" / "ZZ001-wres-figures.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ind = next(i for i in REG.indicators if i.non_adverse)
    g1, g2 = ind.organisation_groups(REG.standard)
    checked = 0
    for r in rows:
        if int(r["indicator"]) != ind.id or not r["value"] or "0" in (r[f"numerator_{g1}"], r[f"numerator_{g2}"]):
            continue
        rate = {g: float(r[f"numerator_{g}"]) / float(r[f"denominator_{g}"]) for g in (g1, g2)}
        assert len(r["value"].split(".")[1]) == 2
        assert abs(float(r["value"]) - rate[g1] / rate[g2]) <= 0.005 + 1e-9, r
        checked += 1
    assert checked >= 3
    with pytest.raises(KeyError):
        OrgProfile.load("NOPE", results_dir)


def test_profile_of_a_lone_organisation_explains_missing_peers(root, tmp_path):
    national = load_national(root / "data" / "raw" / "published" / "wres_national_published.csv")
    panel = make_panel(national, seed=3, n_orgs=4, first_year=2021)
    one = panel[panel["org_code"] == "ZZ002"]
    write_trust_results(analyse_trusts(one, REG), tmp_path, synthetic=False, source="test")
    prof = OrgProfile.load("ZZ002", tmp_path)
    assert prof.banner_html() == ""
    assert "no peers" in prof.headline()
    assert "No peer comparison" in prof.peers_note()
    assert "no peers to compare with" in prof.table_html()
    parts = trust_section(2, tmp_path, download_folder=tmp_path / "dl")
    assert not any(hasattr(p, "to_dict") and "organisations compared" in json.dumps(p.to_dict()) for p in parts)
    assert any("no peers to compare with" in p.data for p in parts if isinstance(p, Markdown))


def test_index_page(results_dir):
    page = org_index_html(results_dir, profile_link="orgs/{org_code}.html")
    assert page.count('href="orgs/ZZ0') == 25
    assert 'href="orgs/ZZ001.html"' in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'id="wres-org-search"' in page and "src=" not in page  # inline script only
    assert profile_href("A B/1", "../p/{org_code}.html") == "../p/A%20B%2F1.html"
    assert "25 organisations" in org_index_markdown(results_dir)
    assert "No organisation-level" in org_index_html(Path(results_dir) / "missing", "orgs/{org_code}.html")


def test_pages_do_not_import_statistics_or_analysis():
    # The report layer only reads results (and asks a funnel fit's method for its words, pure
    # Python); statsmodels would also add seconds to each of ~200 pages.
    import subprocess
    import sys

    pages = ", ".join(
        f"wres.report.{m}"
        for m in (
            "overview_page",
            "indicator_page",
            "changes_page",
            "data_page",
            "quality_page",
            "organisation_page",
            "organisations_page",
            "pdf_report",
        )
    )
    code = (
        f"import sys, {pages}; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('scipy', 'statsmodels') "
        "or (m.startswith(('wres.stats', 'wres.analysis')) and m != 'wres.stats' "
        "and not m.startswith('wres.stats.funnel'))]; print(bad); sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
