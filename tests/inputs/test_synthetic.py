"""The synthetic panel: national aggregates, determinism, shape and spread.

Aggregates are recomputed here from the published file and the registry, independently of
``wres.inputs.synthetic``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres.inputs.national import load_national
from wres.inputs.schema import TRUST_COLUMNS, check_trusts
from wres.inputs.synthetic import make_panel, national_targets
from wres.registry import load_registry

NATIONAL = Path(__file__).resolve().parents[2] / "data" / "raw" / "published" / "wres_national_published.csv"
REG = load_registry()
MINORITY, MAJORITY = REG.standard.minority_group, REG.standard.majority_group


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return load_national(NATIONAL)


@pytest.fixture(scope="module")
def panel(national) -> pd.DataFrame:
    return make_panel(national)


def pooled_rate(rows: pd.DataFrame, group: str) -> float:
    g = rows[rows["group"] == group]
    return float(g["numerator"].sum()) / float(g["denominator"].sum())


def aggregate(panel: pd.DataFrame, ind, series, year: int) -> float:
    """The national figure as NHS England computes it, from the synthetic counts."""
    rows = panel[(panel["year"] == year) & (panel["indicator"] == (series.from_indicator or ind.id))]
    if ind.measure_kind == "relative_likelihood":
        return pooled_rate(rows, ind.numerator_group) / pooled_rate(rows, ind.comparison_group)
    if ind.measure_kind == "percentage_by_group":
        g = rows[rows["group"] == series.group]
        return float((g["percent"] * g["denominator"]).sum() / g["denominator"].sum())
    # Representation: the BME share of a band (registry: senior band, or workforce band).
    src = REG.indicator(series.from_indicator or ind.id)
    band = src.trust.workforce_band if series.key == src.comparison.workforce else src.trust.band
    return 100 * pooled_rate(rows[rows["band"] == band], series.group)


def published_points(national: pd.DataFrame):
    """Every published figure (quality allowing trend tests) of every registry series."""
    for ind in REG.indicators:
        for s in ind.series:
            rows = national[
                (national["indicator"] == (s.from_indicator or ind.id))
                & (national["measure"] == s.measure)
                & (national["group"] == s.group)
                & national["testable"]
            ]
            for year, value in rows.groupby("report_year")["value"].mean().items():
                yield ind, s, int(year), float(value)


def test_national_aggregates_match_every_published_year(panel, national):
    years = set(panel["year"].unique())
    checked = 0
    for ind, s, year, value in published_points(national):
        if year not in years:
            continue
        got = aggregate(panel, ind, s, year)
        tol = 0.02 if s.unit == "ratio" else 0.5
        assert abs(got - value) <= tol, f"indicator {ind.id} {s.key} {year}: {got:.3f} vs published {value}"
        checked += 1
    # ind 1 (8 + 4), 2 (8), 3 (8), 4 (5), 5 (9), 6 (7), 7 (4), 8 (5), 9 (8 + 8)
    assert checked >= 70


def test_years_run_to_the_latest_published_report_year(panel, national):
    assert sorted(panel["year"].unique()) == list(range(2016, int(national["report_year"].max()) + 1))
    shorter = national[national["report_year"] < national["report_year"].max()]
    assert make_panel(shorter, n_orgs=20)["year"].max() == shorter["report_year"].max()


def test_unpublished_years_are_interpolated_and_carried_flat(national):
    t = national_targets(national, years=list(range(2016, 2025))).set_index(["indicator", "series", "year"])
    # Ind 4 was last published for 2020: later years carry it flat.
    assert t.loc[(4, "rl", 2024), "target"] == pytest.approx(t.loc[(4, "rl", 2020), "target"])
    assert not t.loc[(4, "rl", 2024), "published"] and t.loc[(4, "rl", 2020), "published"]
    # Ind 1 workforce 2019 lies between 2018 and 2020 on the logit scale.
    assert 19.1 < t.loc[(1, "bme_workforce_pct", 2019), "target"] < 21.0
    # The workforce series is the same whichever indicator it is filed under.
    assert t.loc[(9, "bme_workforce_pct", 2019), "target"] == pytest.approx(
        t.loc[(1, "bme_workforce_pct", 2019), "target"]
    )
    # Unpublished White survey figures follow the BME series at the published gap.
    assert t.loc[(7, "white_pct", 2016), "target"] > t.loc[(7, "bme_pct", 2016), "target"]


def test_deterministic_from_the_seed(panel, national):
    pd.testing.assert_frame_equal(panel, make_panel(national))
    other = make_panel(national, seed=1)
    assert not panel["numerator"].equals(other["numerator"])


def test_contract_and_schema(panel):
    assert list(panel.columns) == list(TRUST_COLUMNS)
    check_trusts(panel)
    assert set(panel["indicator"]) == set(REG.ids)
    ind1 = panel[panel["indicator"] == 1]
    assert set(ind1["band"]) == {*map(str, range(1, 10)), "VSM", "all"}
    assert set(panel.loc[panel["indicator"] == 9, "band"]) == {"board"}
    assert panel["percent"].notna().sum() > 0
    survey = panel[panel["indicator"].isin([5, 6, 7, 8])]
    assert survey["numerator"].isna().all() and (survey["denominator"] > 0).all()


def test_shape_orgs_regions_types(panel):
    orgs = panel.drop_duplicates("org_code")
    assert len(orgs) >= 190
    assert set(orgs["region"]) == {
        "East of England",
        "London",
        "Midlands",
        "North East and Yorkshire",
        "North West",
        "South East",
        "South West",
    }
    assert set(orgs["org_type"]) == {"acute", "mental health", "community", "ambulance"}
    assert orgs["org_code"].str.fullmatch(r"ZZ\d{3}").all()
    assert orgs["org_name"].str.endswith("(synthetic)").all()


def test_band_totals_and_sizes(panel):
    ind1 = panel[(panel["indicator"] == 1) & (panel["year"] == 2020)]
    bands = ind1[ind1["band"] != "all"].groupby(["org_code", "group"])["numerator"].sum()
    whole = ind1[ind1["band"] == "all"].set_index(["org_code", "group"])["numerator"]
    pd.testing.assert_series_equal(bands.sort_index(), whole.sort_index(), check_names=False)
    size = ind1[(ind1["band"] == "all") & (ind1["group"] == MINORITY)].set_index("org_code")
    by_type = size.groupby("org_type")["denominator"].median()
    assert 3000 <= by_type["acute"] <= 15000 and 2500 <= by_type["ambulance"] <= 6000
    assert (size["denominator"] < 1500).sum() >= 5  # some small organisations
    share = (size["numerator"] / size["denominator"]).groupby(size["region"]).mean()
    assert share.idxmax() == "London" and share.max() > 2 * share.min()


def test_some_zero_cells(panel):
    ind3 = panel[(panel["indicator"] == 3) & (panel["group"] == MINORITY)]
    assert (ind3["numerator"] == 0).sum() >= 3
    board = panel[(panel["indicator"] == 9) & (panel["group"] == MINORITY)]
    assert (board["numerator"] == 0).any()


def test_between_trust_spread_is_overdispersed(panel):
    for year in sorted(panel["year"].unique()):
        for group in (MAJORITY, MINORITY):
            rows = panel[(panel["indicator"] == 3) & (panel["year"] == year) & (panel["group"] == group)]
            k = rows["numerator"].astype(float).to_numpy()
            n = rows["denominator"].astype(float).to_numpy()
            p = k.sum() / n.sum()
            dispersion = float(np.sum((k - n * p) ** 2 / (n * p * (1 - p))) / (len(k) - 1))
            assert dispersion > 2, (year, group, dispersion)
    # The organisation-level log relative likelihood of ind 2 spreads by about 0.2-0.4.
    rows = panel[(panel["indicator"] == 2) & (panel["year"] == 2020)].set_index(["org_code", "group"])
    rate = (rows["numerator"] / rows["denominator"]).astype(float).unstack()
    sd = np.log(rate[MAJORITY] / rate[MINORITY]).std()
    assert 0.15 < sd < 0.5


def test_small_panel_and_single_year(national):
    small = make_panel(national, n_orgs=8, first_year=2020, last_year=2020)
    assert small["org_code"].nunique() == 8 and set(small["year"]) == {2020}
    assert small["region"].nunique() == 7 and small["org_type"].nunique() == 4
    check_trusts(small)


def test_a_series_never_published_is_refused(national):
    no_ind3 = national[national["indicator"] != 3]
    with pytest.raises(ValueError, match="indicator 3 rl"):
        make_panel(no_ind3, n_orgs=10)
