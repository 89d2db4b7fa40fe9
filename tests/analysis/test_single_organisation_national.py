"""A build holding one organisation's file compares it with the published national figures."""

from __future__ import annotations

import shutil

import pytest

from wres import results
from wres.analysis.run import analyse
from wres.config import Paths
from wres.registry import load_registry
from wres.report.organisation_page import OrgProfile

REG = load_registry()
HEADER = "year,org_code,org_name,region,org_type,indicator,band,group,numerator,denominator,percent\n"
BOARD = REG.indicator(9)
WORKFORCE_IND = next(s.from_indicator for s in BOARD.series if s.key == BOARD.comparison.workforce)
M, W = REG.standard.minority_group, REG.standard.majority_group


def _lines() -> str:
    out = []
    for year in (2022, 2023, 2024):

        def row(ind, band, group, k, n, year=year):
            return f"{year},ZX001,Lone Trust,London,acute,{ind},{band},{group},{k},{n},\n"

        # Appointment from shortlisting: the registry's numerator group first.
        out += [
            row(2, "", REG.indicator(2).numerator_group, 150, 1000),
            row(2, "", REG.indicator(2).comparison_group, 60, 600),
            row(3, "", M, 30, 1500),
            row(3, "", W, 40, 3500),
            row(BOARD.id, BOARD.trust.band, M, 2, 14),
            row(BOARD.id, BOARD.trust.band, W, 12, 14),
            row(WORKFORCE_IND, BOARD.trust.workforce_band, M, 1500, 5000),
            row(WORKFORCE_IND, BOARD.trust.workforce_band, W, 3500, 5000),
        ]
    return HEADER + "".join(out)


@pytest.fixture(scope="module")
def one_org(root, tmp_path_factory):
    repo = tmp_path_factory.mktemp("one") / "repo"
    shutil.copytree(root / "data", repo / "data", ignore=shutil.ignore_patterns("trusts"))
    (repo / "data" / "raw" / "trusts").mkdir(parents=True)
    (repo / "data" / "raw" / "trusts" / "lone.csv").write_text(_lines())
    out = repo / "results"
    analyse(Paths(repo), REG, out)
    return out


def test_each_indicator_is_compared_with_the_national_figure_of_the_same_year(one_org):
    vs = results.read(one_org, "organisation_versus_national")
    series = results.read(one_org, "national_series")
    for ind_id in (2, 3, BOARD.id):
        v = vs[vs["indicator"] == ind_id]
        published = set(
            series.loc[(series["indicator"] == ind_id) & (series["series"].isin(v["series"])), "report_year"]
        )
        assert set(v["year"]) == published & {2022, 2023, 2024} and len(v), ind_id
        for r in v.itertuples():
            nat = series[
                (series["indicator"] == ind_id) & (series["series"] == r.series) & (series["report_year"] == r.year)
            ]["value"]
            assert r.national_value == pytest.approx(float(nat.iloc[0]))
    # Indicator 3 by hand: RL = (30/1500) / (40/3500) = 1.75, Katz variance
    # 1/30 - 1/1500 + 1/40 - 1/3500 = 0.0577; a lone organisation cannot estimate the spread
    # between organisations, so the documented default 0.2 (log scale) is added: z against
    # the national RL of the same year is (log 1.75 - log national) / sqrt(0.0577 + 0.2).
    import math

    from scipy import stats

    r3 = vs[vs["indicator"] == 3].sort_values("year").iloc[-1]
    se = math.sqrt(1 / 30 - 1 / 1500 + 1 / 40 - 1 / 3500 + 0.2)
    z = (math.log(1.75) - math.log(r3["national_value"])) / se
    assert r3["value"] == pytest.approx(1.75)
    assert r3["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert r3["tau2"] == 0.2 and r3["tau2_source"].startswith("default 0.2")


def test_profile_says_it_in_words_without_an_all_organisations_line(one_org):
    prof = OrgProfile.load("ZX001", one_org, REG)
    words = prof.versus_national_markdown()
    vs = results.read(one_org, "organisation_versus_national")
    for ind_id in (2, 3, BOARD.id):
        last = vs[vs["indicator"] == ind_id].sort_values("year").iloc[-1]
        # Named, not numbered (issue 18).
        assert f"**{REG.indicator(ind_id).title}**" in words
        assert f"England {last['national_value']:.2f}:" in words
    assert "95% CI" in words and "nan" not in words.lower()
    head = prof.headline()
    assert "published national figures" in head and "England" in head
    assert "only this organisation" in prof.table_html()
    for chart in prof.charts():
        spec = chart.to_dict()
        assert "All organisations" not in str(spec)
