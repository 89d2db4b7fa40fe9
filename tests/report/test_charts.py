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


def _limits_and_points(org_results: Path, ind_id: int) -> list[float]:
    """Every x position of a funnel in its latest year, read from the results CSVs."""
    with open(results.path(org_results, "organisation_indicators"), newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["indicator"] == str(ind_id)]
    year = max(int(r["year"]) for r in rows)
    xs = [float(r["funnel_precision"]) for r in rows if int(r["year"]) == year and r["funnel_precision"] and r["value"]]
    with open(results.path(org_results, "organisation_funnel_limits"), newline="", encoding="utf-8") as fh:
        xs += [
            float(r["precision"])
            for r in csv.DictReader(fh)
            if r["indicator"] == str(ind_id) and int(r["year"]) == year
        ]
    return [x for x in xs if x > 0]


def test_a_size_axis_is_marked_at_powers_of_ten(org_results):
    import math

    for ind_id in (6, 9):
        xs = _limits_and_points(org_results, ind_id)
        lo, hi = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
        spec = _funnel(org_results, ind_id).to_dict()
        axes = [la["encoding"]["x"]["axis"] for la in _layers(spec) if "axis" in la["encoding"].get("x", {})]
        assert axes and all(a["values"] == [10.0**k for k in range(lo, hi + 1)] for a in axes)
        assert all(a["format"] == ",.0f" for a in axes)  # 1,000 and 10,000 with separators
    # A relative likelihood's x axis is a statistical precision: no numbers at all.
    spec = _funnel(org_results, 2).to_dict()
    axes = [la["encoding"]["x"]["axis"] for la in _layers(spec) if "axis" in la["encoding"].get("x", {})]
    assert axes and all(a["labels"] is False for a in axes)


def test_the_legend_names_the_pooled_line_and_the_non_adverse_band(org_results):
    with open(results.path(org_results, "organisation_funnel_fits"), newline="", encoding="utf-8") as fh:
        fits = [r for r in csv.DictReader(fh) if r["indicator"] == "2"]
    target = float(max(fits, key=lambda r: int(r["year"]))["target"])
    spec = _funnel(org_results, 2).to_dict()
    vg = vlc.vegalite_to_vega(spec)
    legend_scales = {lg.get("stroke") or lg.get("fill") or lg.get("strokeDash") for lg in vg["legends"]}
    domains = {s["name"]: s.get("domain") for s in vg["scales"]}
    named = [domains[s] for s in legend_scales if s in domains and isinstance(domains[s], list)]
    assert [f"Pooled value, all organisations: {target:.2f}"] in named
    assert ["Non-adverse range 0.80–1.25"] in named


def test_funnel_subtitles_say_the_year_not_the_model(org_results):
    fits = results.read(org_results, "organisation_funnel_fits")
    for ind_id in (2, 6):
        fit = fits[fits["indicator"] == ind_id].sort_values("year").iloc[-1]
        spec = _funnel(org_results, ind_id, fit=fit).to_dict()
        subtitle = " ".join(spec["title"]["subtitle"])
        assert subtitle.endswith("each point is one organisation.")
        for word in ("τ", "tau", "DerSimonian", "Laird"):
            assert word not in subtitle
        # The model's words stay in the text alternative.
        assert "τ²" in spec["description"] or "tau" in spec["description"].lower()


def test_year_labels_never_touch_on_a_phone():
    """Drawn 240 px wide (the plot of a phone's chart), the year labels of a nine-year series
    keep at least YEAR_LABEL_GAP px between them: Vega drops every other label until they do."""
    years = list(range(2016, 2025))
    df = _series(1, "vsm_representation_ratio", years, [0.5 + 0.01 * i for i in range(len(years))])
    spec = charts.series_chart(df, kind_of(REG.indicator(1), REG), "T", unit="ratio").to_dict()
    spec["width"] = 240
    svg = vlc.vegalite_to_svg(spec)
    # Vega hides a dropped label (opacity 0) rather than leaving it out.
    shown = sorted(
        (float(x), text)
        for x, opacity, text in re_findall(
            r'<text[^>]*transform="translate\(([\d.]+),[\d.]+\)"[^>]*opacity="([\d.]+)"[^>]*>(20\d\d)</text>', svg
        )
        if float(opacity) > 0
    )
    assert 2 <= len(shown) < len(years), shown  # thinned, not all nine
    # A four-digit label at 12 px is about 29 px wide (DejaVu Sans digits are 0.64 em).
    width = 4 * 0.64 * 12
    gaps = [b[0] - a[0] - width for a, b in zip(shown, shown[1:], strict=False)]
    assert min(gaps) >= charts.YEAR_LABEL_GAP, shown


def re_findall(pattern: str, text: str) -> list:
    import re

    return re.findall(pattern, text)


def _national(ind_id: int, keys: list[str], years: list[int], values: dict[str, list[float]]) -> pd.DataFrame:
    ind = REG.indicator(ind_id)
    out = []
    for key in keys:
        s = ind.series_by_key(key) if key in {x.key for x in ind.series} else None
        label, group, kind, unit = (
            (s.label, s.group, "published", s.unit) if s else (key, "derived", "derived", "percentage points")
        )
        out += [
            {
                "indicator": ind_id,
                "series": key,
                "label": label,
                "group": group,
                "kind": kind,
                "report_year": y,
                "value": v,
                "unit": unit,
            }
            for y, v in zip(years, values[key], strict=True)
        ]
    return pd.DataFrame(out)


def test_print_and_site_draw_a_series_in_the_same_colour():
    from wres.report.pdf_charts import national_chart_svg

    years = [2020, 2021, 2022]
    df = _national(5, ["bme_pct", "white_pct"], years, {"bme_pct": [30.0, 29.0, 28.0], "white_pct": [25.0, 25.5, 26.0]})
    site = charts.series_chart(
        pd.concat(
            [
                _series(5, "bme_pct", years, [30.0, 29.0, 28.0]).assign(group="bme"),
                _series(5, "white_pct", years, [25.0, 25.5, 26.0]).assign(group="white"),
            ]
        ),
        kind_of(REG.indicator(5), REG),
        "T",
    ).to_dict()
    scale = next(la["encoding"]["color"]["scale"] for la in _layers(site) if "color" in la["encoding"])
    site_colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert site_colours == {"BME staff": palette.MINORITY, "White staff": palette.MAJORITY}
    svg = national_chart_svg(
        kind_of(REG.indicator(5), REG), df, pd.DataFrame(columns=["indicator", "series"]), "bme_pct"
    )
    # Each series' line in print has the site's colour (vl-convert writes strokes as given).
    for colour in site_colours.values():
        assert f'stroke="{colour}"' in svg or f'stroke="{colour.lower()}"' in svg


def test_print_draws_a_derived_headline_on_its_own_panel():
    from wres.report.pdf_charts import national_chart_svg

    years = [2020, 2021, 2022, 2023]
    keys = ["bme_board_pct", "bme_workforce_pct", "board_representation_gap"]
    board, workforce = [10.0, 12.0, 13.0, 15.0], [22.0, 23.0, 24.0, 26.0]
    df = _national(
        9,
        keys,
        years,
        {
            "bme_board_pct": board,
            "bme_workforce_pct": workforce,
            "board_representation_gap": [b - w for b, w in zip(board, workforce, strict=True)],
        },
    )
    fits = pd.DataFrame(
        {
            "indicator": 9,
            "series": "board_representation_gap",
            "year": [float(y) for y in years],
            "fitted": [-12.0, -11.3, -11.0, -11.0],
            "ci_low": [-13.0] * 4,
            "ci_high": [-10.0] * 4,
        }
    )
    svg = national_chart_svg(kind_of(REG.indicator(9), REG), df, fits, "board_representation_gap")
    assert "Per cent (%)" in svg and "Percentage points" in svg  # two panels, each with its axis
    # The gap's axis reaches its band (−13 to −10); the percentages' axis stays at 0 and above.
    assert "−13" in svg or "-13" in svg


def test_print_names_the_non_adverse_band_too():
    from wres.report.pdf_charts import national_chart_svg

    ind = REG.indicator(2)
    key = ind.headline_series
    df = _national(2, [key], [2020, 2021, 2022], {key: [1.6, 1.5, 1.55]})
    svg = national_chart_svg(kind_of(ind, REG), df, pd.DataFrame(columns=["indicator", "series"]), key)
    lo, hi = ind.non_adverse
    assert f"Non-adverse range {lo:.2f}–{hi:.2f}" in svg


def test_the_index_counts_worse_and_better_by_each_indicators_direction(org_results):
    """Counted by hand from the CSV: outside the 95% limits in the organisation's latest year
    of each indicator; worse when it lies on the side its kind calls worse; a figure outside
    the non-adverse range is never counted better."""
    from wres.report.organisations_page import _latest_outside

    with open(results.path(org_results, "organisation_indicators"), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    latest: dict[tuple[str, str], dict] = {}
    for r in rows:
        key = (r["org_code"], r["indicator"])
        if key not in latest or int(r["year"]) > int(latest[key]["year"]):
            latest[key] = r
    expected: dict[str, list[int]] = {}
    for (code, ind_id), r in latest.items():
        kind = kind_of(REG.indicator(int(ind_id)), REG)
        counts = expected.setdefault(code, [0, 0, 0])
        pos = r["funnel_position_95"]
        if pos not in ("above", "below"):
            continue
        counts[0] += 1
        direction = kind.value_direction()
        if direction == "none":
            continue
        better = (pos == "above") == (direction == "up")
        rng = kind.non_adverse
        if better and rng and r["value"] and not rng[0] <= float(r["value"]) <= rng[1]:
            continue
        counts[2 if better else 1] += 1
    got = _latest_outside(results.read(org_results, "organisation_indicators"))
    assert {c: list(map(int, got.loc[c, ["outside", "worse", "better"]])) for c in got.index} == expected
    assert sum(v[0] for v in expected.values()) > 0  # the panel has organisations outside
