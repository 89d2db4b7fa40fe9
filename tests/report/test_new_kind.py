"""A kind the package does not ship (a 0–10 score compared between two groups) goes through
the report's organisation charts, tables and print chart by asking the kind alone: its value
format, unit, axis titles and linear bounds, never a guess that a value is a percent or a ratio."""

from __future__ import annotations

import re
import sys
import types
from types import SimpleNamespace

import pandas as pd
import pytest

from wres import results
from wres.analysis.organisations import analyse_trusts, write_trust_results
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.kinds import Kind, kind_of
from wres.registry import load_registry
from wres.report.breakdown_chart import breakdown_chart
from wres.report.organisation_charts import funnel_chart
from wres.report.organisation_section import funnel_table
from wres.report.pdf_charts import organisation_chart_svg
from wres.report.profile_chart import profile_chart

REG = load_registry()
MODULE = "wres_test_score_kind"


class Score(Kind):
    """A toy fifth kind: a mean score from 0 to 10, one decimal, drawn on a linear axis."""

    name = MODULE
    unit = "score"
    measure = "score"
    value_format = "{:.1f}"
    value_bounds = (0.0, 10.0)
    unit_axis_title = "Score (0–10)"
    size_words = "respondents"

    def value_label(self) -> str:
        return "Mean score of the first group"

    def value_direction(self) -> str:
        return "up"

    def value_axis_title(self, short: bool = False) -> str:
        return "Score (0–10)" if short else "Mean score of the first group (score, 0–10)"

    def size_axis_title(self, survey_deff: float) -> str:
        return "Organisation size: respondents (log scale)"


@pytest.fixture(scope="module")
def score_indicator():
    module = types.ModuleType(MODULE)
    module.KIND = Score
    sys.modules[MODULE] = module
    base = REG.indicator(5)
    yield base.model_copy(update={"trust": base.trust.model_copy(update={"kind": MODULE})})
    del sys.modules[MODULE]


@pytest.fixture(scope="module")
def score_results(root, tmp_path_factory) -> dict:
    """A staff-survey indicator's organisation results, rescaled from per cent to a 0–10 score."""
    national = load_national(root / "data" / "raw" / "published" / "wres_national_published.csv")
    d = tmp_path_factory.mktemp("score_results")
    panel = make_panel(national, seed=3, n_orgs=22, first_year=2022)
    write_trust_results(analyse_trusts(panel, REG), d, synthetic=True, source="make_panel(seed=3, n_orgs=22)")
    out = {}
    for key, cols in (
        ("organisation_indicators", ["value", "ci_low", "ci_high"]),
        ("organisation_funnel_limits", ["ll95", "ul95", "ll998", "ul998", "target"]),
        ("organisation_aggregates", ["value", "ci_low", "ci_high"]),
    ):
        df = results.read(d, key)
        df = df[df["indicator"] == 5].copy()
        df[cols] = df[cols].astype(float) / 10
        out[key] = df
    return out


def _y_scales(spec: dict) -> list[dict]:
    return [la["encoding"]["y"]["scale"] for la in spec["layer"] if "scale" in la["encoding"].get("y", {})]


def test_the_kind_is_the_one_the_report_asks(score_indicator):
    assert isinstance(kind_of(score_indicator, REG), Score)


def test_funnel_and_its_table_write_scores_as_the_kind_says(score_indicator, score_results):
    rows = score_results["organisation_indicators"]
    chart = funnel_chart(rows, score_results["organisation_funnel_limits"], score_indicator, REG, survey_deff=1.5)
    spec = chart.to_dict()
    for scale in _y_scales(spec):
        assert scale.get("type") != "log" and 0 <= scale["domain"][0] < scale["domain"][1] <= 10
    points = next(v for v in spec["datasets"].values() if v and "value_t" in v[0])
    for p in points:
        assert p["value_t"] == f"{p['value']:.1f}" and "%" not in p["ci_t"]
    assert "Mean score of the first group (score, 0–10)" in str(spec)
    year = int(rows["year"].max())
    table = funnel_table(SimpleNamespace(title="F"), rows, score_indicator, REG, year)
    values = re.findall(r'<td class="text-right">([^<]*)</td>', table)
    assert values and all(re.fullmatch(r"\d+\.\d", v) for v in values), values


def test_breakdown_profile_and_print_charts_use_the_kind(score_indicator, score_results):
    agg = score_results["organisation_aggregates"]
    spec = breakdown_chart(agg, score_indicator, REG).to_dict()
    # Every figure is a score ("95%" names the intervals); the axis is linear.
    assert "%" not in spec["description"].replace("95%", "") and "log" not in str(spec["layer"])
    assert re.search(r"the value for all organisations, \d+\.\d\.", spec["description"])
    rows = score_results["organisation_indicators"]
    org = rows[rows["org_code"] == rows["org_code"].iloc[0]]
    nat = agg[agg["level"] == "national"]
    prof = profile_chart(org, nat, score_indicator, REG).to_dict()
    assert all(s.get("type") != "log" and s["domain"][1] <= 10 for s in _y_scales(prof))
    svg = organisation_chart_svg(kind_of(score_indicator, REG), org, nat, pd.DataFrame(), "Org")
    assert "Score (0–10)" in svg
