"""Chart builders (wres.report.charts, wres.report.organisation_charts): legends, year labels,
gaps, axis words and the funnel's tooltips, checked against values worked out by hand or
read straight from the results CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import vl_convert as vlc

from wres import results
from wres.analysis.organisations import analyse_trusts, write_trust_results
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.kinds import kind_of
from wres.registry import load_registry
from wres.report import charts, palette
from wres.report import organisation_charts as oc

REG = load_registry()


def _series(ind_id: int, key: str, years: list[int], values: list[float], testable: list[bool] | None = None):
    ind = REG.indicator(ind_id)
    spec = ind.series_by_key(key)
    n = len(years)
    return pd.DataFrame(
        {
            "series": key,
            "label": spec.label,
            "report_year": years,
            "survey_year": [y - ind.survey_lag if ind.is_survey else None for y in years],
            "value": values,
            "unit": spec.unit,
            "testable": testable or [True] * n,
            "quality": "as_published",
            "source_outlet": "test",
        }
    )


def _layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", [spec]):
        out.extend(_layers(layer) if "layer" in layer else [layer])
    return out


def _rows(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][(layer.get("data") or spec["data"])["name"]]


def _mark(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def test_a_line_breaks_at_a_year_without_a_figure():
    df = _series(2, "rl", [2016, 2017, 2019, 2020], [1.6, 1.5, 1.4, 1.3])
    spec = charts.series_chart(df, kind_of(REG.indicator(2), REG), "T").to_dict()
    solid = [la for la in _layers(spec) if _mark(la) == "line" and "strokeDash" not in la["mark"]]
    assert len(solid) == 1
    by_year = {r["report_year"]: r["value"] for r in _rows(spec, solid[0])}
    # 2018 has no figure: a null there, which Vega-Lite draws as a break in the line.
    assert by_year == {2016: 1.6, 2017: 1.5, 2018: None, 2019: 1.4, 2020: 1.3}


def test_legend_swatches_take_the_line_colour_at_full_opacity():
    ind = REG.indicator(5)
    df = pd.concat(
        [_series(5, "bme_pct", [2019, 2020], [29.0, 30.0]), _series(5, "white_pct", [2019, 2020], [26.0, 27.0])]
    )
    fit = pd.DataFrame({"year": [2019, 2020], "fitted": [26.0, 27.0], "ci_low": [25.0, 26.0], "ci_high": [27.0, 28.0]})
    vg = vlc.vegalite_to_vega(charts.series_chart(df, kind_of(ind, REG), "T", fits={"white_pct": fit}).to_dict())
    (legend,) = vg["legends"]
    assert legend["symbolOpacity"] == 1 and legend["fill"] == "color"
    colour = next(s for s in vg["scales"] if s["name"] == "color")
    # The Okabe-Ito blue and orange, in the order the series come.
    # Each group by its role: the minority group and the majority group.
    assert colour["range"] == [palette.MINORITY, palette.MAJORITY] and colour["domain"] == ["BME staff", "White staff"]


def test_excluded_markers_have_a_legend_only_when_a_chart_has_some():
    ind = REG.indicator(2)
    with_excluded = _series(2, "rl", [2016, 2017, 2018], [1.6, 1.5, 1.4], testable=[True, False, True])
    vg = vlc.vegalite_to_vega(charts.series_chart(with_excluded, kind_of(ind, REG), "T").to_dict())
    shape_legends = [lg for lg in vg["legends"] if "shape" in lg]
    assert len(shape_legends) == 1
    shape = next(s for s in vg["scales"] if s["name"] == shape_legends[0]["shape"])
    assert shape["domain"] == ["Figure shown but left out of the trend test (quality flag)"]
    assert shape["range"] == ["diamond"]
    all_used = _series(2, "rl", [2016, 2017, 2018], [1.6, 1.5, 1.4])
    vg = vlc.vegalite_to_vega(charts.series_chart(all_used, kind_of(ind, REG), "T").to_dict())
    assert not [lg for lg in vg["legends"] if "shape" in lg]


def test_year_labels_are_whole_years():
    df = pd.DataFrame(
        {
            "category": ["London", "London"],
            "report_year": [2022.0, 2023.0],
            "value": [1.5, 1.4],
            "source_outlet": ["x", "x"],
        }
    )
    spec = charts.bar_breakdown(df, "category", "T", "X", "D").to_dict()
    (bars,) = [la for la in _layers(spec) if _mark(la) == "bar"]
    assert [r["year_label"] for r in _rows(spec, bars)] == ["2022", "2023"]


def test_a_representation_ratio_is_not_called_a_likelihood():
    ratio = _series(1, "vsm_representation_ratio", [2019, 2020], [0.5, 0.55])
    spec = charts.series_chart(ratio, kind_of(REG.indicator(1), REG), "T", unit="ratio").to_dict()
    y_titles = {la["encoding"]["y"].get("title") for la in _layers(spec) if "y" in la["encoding"]} - {None}
    assert y_titles == {"Representation ratio (senior share ÷ workforce share; 1 = in proportion)"}
    rl = _series(2, "rl", [2019, 2020], [1.5, 1.4])
    spec = charts.series_chart(rl, kind_of(REG.indicator(2), REG), "T").to_dict()
    y_titles = {la["encoding"]["y"].get("title") for la in _layers(spec) if "y" in la["encoding"]} - {None}
    assert y_titles == {"Relative likelihood (ratio; 1 = parity)"}


# ---- funnel --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def org_results(root, tmp_path_factory) -> Path:
    national = load_national(root / "data" / "raw" / "published" / "wres_national_published.csv")
    panel = make_panel(national, seed=5, n_orgs=22, first_year=2021)
    d = tmp_path_factory.mktemp("org_results")
    write_trust_results(analyse_trusts(panel, REG), d, synthetic=True, source="make_panel(seed=5, n_orgs=22)")
    return d


def _funnel(org_results: Path, ind_id: int, **kw) -> dict:
    ti = results.read(org_results, "organisation_indicators")
    lim = results.read(org_results, "organisation_funnel_limits")
    rows = ti[ti["indicator"] == ind_id]
    return oc.funnel_chart(rows, lim[lim["indicator"] == ind_id], REG.indicator(ind_id), REG, survey_deff=1.5, **kw)


def _csv_row(org_results: Path, ind_id: int, code: str) -> dict:
    with open(results.path(org_results, "organisation_indicators"), newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["indicator"] == str(ind_id) and r["org_code"] == code]
    return max(rows, key=lambda r: int(r["year"]))


def test_funnel_tooltip_gives_the_counts_of_each_group(org_results):
    spec = _funnel(org_results, 2).to_dict()
    (points,) = [la for la in _layers(spec) if _mark(la) == "point"]
    row = next(r for r in _rows(spec, points) if r["code"] == "ZZ007")
    raw = _csv_row(org_results, 2, "ZZ007")
    k_w, n_w = float(raw["numerator_white"]), float(raw["denominator_white"])
    k_b, n_b = float(raw["numerator_bme"]), float(raw["denominator_bme"])
    # Indicator 2 puts White over BME: the first count is White's.
    assert row["count0"] == f"{k_w:,.0f} of {n_w:,.0f} ({100 * k_w / n_w:.1f}%)"
    assert row["count1"] == f"{k_b:,.0f} of {n_b:,.0f} ({100 * k_b / n_b:.1f}%)"
    assert row["size_t"] == f"{n_w + n_b:,.0f} staff in the comparison"
    titles = [t["title"] for t in points["encoding"]["tooltip"]]
    assert titles[-3:] == ["White", "BME", "Size"]


def test_funnel_x_axis_is_in_words(org_results):
    for ind_id, words in ((2, "staff in the comparison"), (6, "respondents"), (9, "members of the board")):
        spec = _funnel(org_results, ind_id).to_dict()
        x_titles = {la["encoding"]["x"].get("title") for la in _layers(spec) if "x" in la["encoding"]} - {None}
        assert len(x_titles) == 1
        (title,) = x_titles
        assert title.startswith("Organisation size: ") and words in title
        assert "Precision" not in title and "variance" not in title


def test_highlighted_funnel_is_lean_ringed_named_and_labelled_inside(org_results):
    ti = results.read(org_results, "organisation_indicators")
    rows = ti[(ti["indicator"] == 3)]
    latest = rows[rows["year"] == rows["year"].max()].dropna(subset=["value", "funnel_precision"])
    biggest = latest.sort_values("funnel_precision")["org_code"].iloc[-1]
    spec = _funnel(org_results, 3, highlight=biggest, profile_link="../orgs/{org_code}.html").to_dict()
    points = [la for la in _layers(spec) if _mark(la) == "point"]
    base, ring = points
    # Short keys; the link is made in the browser from the code (clicked in tests/browser).
    assert set(_rows(spec, base)[0]) == {"p", "v", "name", "code", "w"}
    calc = {t["as"]: t["calculate"] for t in base["transform"]}
    assert calc["href"] == '"../orgs/" + datum.code + ".html"'
    raw = _csv_row(org_results, 3, "ZZ004")
    row = next(r for r in _rows(spec, base) if r["code"] == "ZZ004")
    assert row["v"] == pytest.approx(float(raw["value"]), rel=1e-3)
    (hl,) = _rows(spec, ring)
    assert hl["code"] == biggest and "count0" in hl and hl["href"] == f"../orgs/{biggest}.html"
    name = latest.loc[latest["org_code"] == biggest, "org_name"].iloc[0]
    assert ring["encoding"]["stroke"]["scale"]["domain"] == [f"This organisation: {name} ({biggest})"]
    assert f"The ringed point is {name} ({biggest})" in spec["description"]
    (label,) = [la for la in _layers(spec) if _mark(la) == "text"]
    # The largest organisation sits at the right edge: its label goes to the left of it.
    assert label["mark"]["align"] == "right" and label["mark"]["dx"] < 0
    # Without a highlight, every point carries the full tooltip.
    spec = _funnel(org_results, 3).to_dict()
    (base,) = [la for la in _layers(spec) if _mark(la) == "point"]
    assert {"ci_t", "pos95", "count0", "size_t"} <= set(_rows(spec, base)[0])
