"""The "Show as table" view of each chart: a native toggle holding the one table renderer's
table, with values worked out by hand from small frames."""

import re
from types import SimpleNamespace

import pandas as pd

from wres.kinds import kind_of
from wres.registry import load_registry
from wres.report.formats import limit_words
from wres.report.indicator_page import series_chart_table
from wres.report.organisation_section import breakdown_table, funnel_table, share_table
from wres.report.tables import Column, chart_table, chart_title

REG = load_registry()
RL = next(i for i in REG.indicators if kind_of(i, REG).likelihood)
SURVEY = next(i for i in REG.indicators if i.is_survey)


def _rows(out: str) -> list[list[str]]:
    body = out[out.index("<tbody>") : out.index("</tbody>")]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr) for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]


def test_a_toggle_names_its_chart_and_escapes():
    out = chart_table("A <b> & c", pd.DataFrame({"x": [1]}), [Column("x", "X")])
    assert out.startswith('<details class="wres-chart-table"><summary>Show as table: A &lt;b&gt; &amp; c</summary>')
    assert (
        '<div class="wres-table-scroll" role="region" tabindex="0" aria-label="The figures of the chart: A &lt;b&gt; &amp; c"'
        in out
    )
    assert out.endswith("</div></details>")
    assert "<caption" in out and "The figures of the chart: A &lt;b&gt; &amp; c" in out
    assert chart_title(SimpleNamespace(title=SimpleNamespace(text=["Line 1", "line 2"]))) == "Line 1 line 2"
    assert chart_title(SimpleNamespace(title="Plain")) == "Plain" and chart_title(object()) == ""


def test_series_table_one_row_per_year_and_excluded_figures_said():
    df = pd.DataFrame(
        {
            "label": ["A", "A", "B"],
            "report_year": [2016, 2018, 2018],
            "value": [1.234, 1.5, 0.876],
            "unit": ["ratio"] * 3,
            "testable": [True, False, True],
        }
    )
    out = series_chart_table(SimpleNamespace(title="T"), df, RL)
    assert _rows(out) == [
        ["WRES report 2016", "1.23", "—"],
        ["WRES report 2018", "1.50 (not in the trend test)", "0.88"],
    ]
    pct = df.assign(unit="percent", report_year=[2020, 2021, 2021])
    lag = SURVEY.survey_lag
    rows = _rows(series_chart_table(SimpleNamespace(title="T"), pct, SURVEY))
    assert rows[0] == [f"{2020 - lag} NHS Staff Survey (WRES report 2020)", "1.2%", "—"]


def _orgs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "org_code": ["B2", "A1", "C3", "D4"],
            "org_name": ["Beta", "Alpha", "Gamma", "Delta"],
            "year": [2024, 2024, 2024, 2023],
            "value": [1.5, 0.9, float("nan"), 1.1],
            "ci_low": [1.2, 0.7, float("nan"), 1.0],
            "ci_high": [1.9, 1.1, float("nan"), 1.2],
            "funnel_precision": [40.0, 10.0, 5.0, 8.0],
            "funnel_position_95": ["above", "inside", "not estimable", "inside"],
            "funnel_position_998": ["above", "inside", "not estimable", "inside"],
        }
    )


def test_funnel_table_places_organisations_with_a_value_and_links_them():
    out = funnel_table(
        SimpleNamespace(title="F"), _orgs(), RL, REG, 2024, profile_link="orgs/{org_code}.html", highlight="B2"
    )
    rows = _rows(out)
    # Gamma has no value and Delta is another year: two organisations placed, by name.
    assert [r[1] for r in rows] == ["A1", "B2"]
    assert rows[0][0] == '<a href="orgs/A1.html">Alpha</a>'
    assert rows[1][0] == '<a href="orgs/B2.html">Beta (this organisation)</a>'
    assert out.count('<tr class="wres-this-organisation">') == 1
    assert rows[1][2:] == ["1.50", "1.20 to 1.90", "above the upper 99.8% limit"]
    assert limit_words("below", "inside") == "below the lower 95% limit"
    assert limit_words("inside", "inside") == "within the 95% limits"


def test_breakdown_and_share_tables():
    agg = pd.DataFrame(
        {
            "indicator": [RL.id] * 4,
            "year": [2024] * 4,
            "level": ["region", "region", "national", "region"],
            "category": ["North", "South", "England", "East"],
            "value": [1.2, 1.6, 1.4, 1.3],
            "ci_low": [1.1, 1.4, 1.35, 1.2],
            "ci_high": [1.3, 1.8, 1.45, 1.4],
            "n_orgs": [3, 2, 1200, 4],
        }
    )
    rows = _rows(breakdown_table(SimpleNamespace(title="B"), agg, RL, REG, "region", 2024))
    assert [r[0] for r in rows] == ["South", "East", "North", "All organisations"]
    assert rows[-1][1:] == ["1.40", "1.35 to 1.45", "1,200"]
    share = pd.DataFrame(
        {
            "indicator": [RL.id] * 2,
            "year": [2023, 2022],
            "n_in_range": [3, 1],
            "n_orgs": [4, 4],
            "share": [0.75, 0.25],
            "n_not_estimable": [0, 1],
        }
    )
    rows = _rows(share_table(SimpleNamespace(title="S"), share, RL))
    assert rows == [["WRES report 2022", "1 of 4", "25%", "1"], ["WRES report 2023", "3 of 4", "75%", "0"]]
