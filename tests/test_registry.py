"""The indicator registry describes its indicators consistently.

No test here pins how many indicators there are: a standard with one more is still a
valid registry (CONTRIBUTING.md, "An indicator")."""

import csv

import yaml

from wres.config import Paths
from wres.inputs.national import load_national
from wres.kinds import kind_of
from wres.registry import load_registry


def test_registry_indicators_are_the_published_ones_with_unique_slugs(root):
    reg = load_registry()
    # Independent of the registry loader: the raw YAML entries and the published file's ids.
    raw = yaml.safe_load((root / "src" / "wres" / "indicators.yml").read_text(encoding="utf-8"))
    assert reg.ids == [entry["id"] for entry in raw["indicators"]]
    with Paths(root).national_csv.open(newline="", encoding="utf-8-sig") as f:
        published = {int(row["indicator"]) for row in csv.DictReader(f)}
    assert set(reg.ids) == published
    # Numbered 1..n in order, as NHS England numbers them.
    assert reg.ids == list(range(1, len(raw["indicators"]) + 1))
    assert len({i.slug for i in reg.indicators}) == len(reg.indicators)


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
