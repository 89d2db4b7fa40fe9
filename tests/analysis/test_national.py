"""National trend table: the multiple-comparison families, worked by hand, and the
real-data facts the chapters rely on."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres.analysis.national import family_q_values, national_trends
from wres.config import Paths
from wres.inputs.national import load_national
from wres.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]


def test_bh_within_each_family_by_hand():
    """Headline p 0.01, 0.04, 0.03, 0.20 (m = 4): sorted 0.01, 0.03, 0.04, 0.20 give
    m p / rank = 0.04, 0.06, 0.0533, 0.20; the running minimum from the top makes
    q = 0.04, 0.0533, 0.0533, 0.20. Context p 0.02, (untested), 0.5 (m = 2): 0.04, 0.5."""
    table = pd.DataFrame(
        {
            "family": ["headline", "context", "headline", "headline", "context", "headline", "context"],
            "p_value": [0.01, 0.02, 0.04, 0.03, np.nan, 0.20, 0.5],
            "mk_p": [0.5, 0.01, np.nan, 0.02, np.nan, 0.02, 0.03],
        }
    )
    q, mk_q = family_q_values(table)
    np.testing.assert_allclose(q, [0.04, 0.04, 0.16 / 3, 0.16 / 3, np.nan, 0.20, 0.5])
    # Mann-Kendall headline p 0.5, 0.02, 0.02 (m = 3): 0.03, 0.03, 0.5; context 0.01, 0.03: 0.02, 0.03
    np.testing.assert_allclose(mk_q, [0.5, 0.02, np.nan, 0.03, np.nan, 0.03, 0.03])


@pytest.fixture(scope="module")
def table():
    registry = load_registry()
    figures = load_national(Paths(ROOT).national_csv, registry)
    return national_trends(figures, registry)[0].set_index(["indicator", "series"])


def test_one_headline_series_per_indicator(table):
    registry = load_registry()
    heads = table[table["family"] == "headline"].index
    assert sorted(heads) == sorted(
        (i.id, i.headline_series) for i in registry.indicators if (i.id, i.headline_series) in table.index
    )
    assert (table.loc[(9, "board_representation_gap"), "family"]) == "headline"
    assert (table.loc[(9, "board_representation_ratio"), "family"]) == "context"


def test_board_gap_is_board_minus_workforce(table):
    row = table.loc[(9, "board_representation_gap")]
    # Board shares are well below workforce shares: the WRES gap is negative.
    assert row["fitted_first"] < 0 and row["fitted_last"] < 0
    assert row["verdict"] == "no significant change"


def test_rolling_series_is_tested_by_gls_without_mann_kendall(table):
    row = table.loc[(3, "rl")]
    assert row["method"] == "gls_rolling_2"
    assert math.isnan(row["mk_p"]) and math.isnan(row["mk_q"])
    assert (table.drop(index=(3, "rl"))["method"] == "ols").all()


def test_tests_agree_compares_q_with_q(table):
    tested = table[table["mk_q"].notna() & table["q_value"].notna()]
    agree = (tested["q_value"] < 0.05) == (tested["mk_q"] < 0.05)
    assert (tested["tests_agree"].astype(bool) == agree).all()
