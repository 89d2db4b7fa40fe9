"""The indicator registry describes nine indicators consistently."""

from wres.config import Paths
from wres.inputs.national import load_national
from wres.kinds import kind_of
from wres.registry import load_registry


def test_nine_indicators_with_unique_slugs():
    reg = load_registry()
    assert reg.ids == list(range(1, 10))
    assert len({i.slug for i in reg.indicators}) == 9


def test_relative_likelihoods_have_groups_and_band():
    reg = load_registry()
    for ind in reg.indicators:
        if kind_of(ind, reg).likelihood:
            assert {ind.numerator_group, ind.comparison_group} == {
                reg.standard.minority_group,
                reg.standard.majority_group,
            }
            assert ind.non_adverse == (0.80, 1.25)
    # docs/design.md section 2: ind 3 puts BME on top; ind 2 and 4 put White on top.
    assert reg.indicator(3).numerator_group == "bme"
    assert reg.indicator(2).numerator_group == reg.indicator(4).numerator_group == "white"


def test_staff_survey_indicators_lag_one_year():
    reg = load_registry()
    assert [i.id for i in reg.indicators if i.is_survey] == [5, 6, 7, 8]
    assert all(reg.indicator(i).survey_lag == 1 for i in (5, 6, 7, 8))


def test_every_registry_series_matches_published_rows(root):
    reg = load_registry()
    figures = load_national(Paths(root).national_csv, reg)
    for ind in reg.indicators:
        for s in ind.series:
            home = s.from_indicator or ind.id
            hits = figures[
                (figures["indicator"] == home) & (figures["measure"] == s.measure) & (figures["group"] == s.group)
            ]
            assert len(hits) > 0, f"indicator {ind.id} series {s.key}: measure text matches no published row"
        keys = {s.key for s in ind.series}
        for d in ind.derived:
            assert {d.a, d.b} <= keys
        assert ind.headline_series in keys | {d.key for d in ind.derived}
