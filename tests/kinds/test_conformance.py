"""Every indicator kind keeps the kind protocol (as scikit-learn's check_estimator does for
estimators): the three built-in kinds and the toy fifth kind of ``toy_kind/``.

* Hand-worked figures: a one-organisation frame of counts per kind, with the value, its
  interval and the direction worked out by hand below (formulas in the comments).
* Every protocol method answers for every indicator of its kind, in the shipped registry, the
  fictional second standard and the toy registry.
* Words are words (non-empty, no raw codes or placeholders); ``unit`` and ``measure`` are the
  ones the results contract carries.
"""

from __future__ import annotations

import math
import re
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from toy_kinds import SECOND, TOY_ID, write_toy_kind, write_toy_registry

from wres import results as catalogue
from wres.analysis.organisation_aggregates import aggregates
from wres.analysis.organisation_rows import org_rows, prepare
from wres.kinds import BUILT_IN, kind_class, kind_of
from wres.kinds.base import Kind
from wres.registry import load_registry

Z95 = 1.959963984540054  # the 97.5% point of the standard normal
PAY_BANDS = ("band_1", "band_2")  # any band codes: allowed_bands must pass them through

WRES_IDS = load_registry().ids
SECOND_IDS = [i["id"] for i in yaml.safe_load((SECOND / "registry.yml").read_text())["indicators"]]
CASES = (
    [("wres", i) for i in WRES_IDS] + [("second", i) for i in SECOND_IDS] + [("toy", i) for i in [*SECOND_IDS, TOY_ID]]
)


@pytest.fixture(scope="module")
def registries(tmp_path_factory):
    """The three registries; the toy kind's module importable from a temporary folder only."""
    folder = tmp_path_factory.mktemp("toy_kind")
    write_toy_kind(folder)
    sys.path.insert(0, str(folder))
    try:
        yield {
            "wres": load_registry(),
            "second": load_registry(SECOND / "registry.yml"),
            "toy": load_registry(write_toy_registry(folder / "registry.yml")),
        }
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("toy_score_gap", None)
        kind_class.cache_clear()


#: The long trust-level input contract's columns (``wres.inputs.organisations.TRUST_COLUMNS``).
INPUT_COLUMNS = [
    *("year", "org_code", "org_name", "region", "org_type", "indicator", "band", "group"),
    *("numerator", "denominator", "percent", "missing_reason"),
]


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """A long trust-level frame of one organisation in 2024: (indicator, band, group,
    numerator, denominator)."""
    return pd.DataFrame(
        [
            {
                "year": 2024,
                "org_code": "ZZ001",
                "org_name": "Test organisation",
                "region": "London",
                "org_type": "acute",
                "indicator": ind,
                "band": band,
                "group": group,
                "numerator": k,
                "denominator": n,
                "percent": np.nan,
                "missing_reason": "",
            }
            for ind, band, group, k, n in rows
        ]
    )


def _first(reg, kind_name):
    return next(i for i in reg.indicators if i.trust.kind == kind_name)


# ---------------------------------------------------------------------------------------
# Hand-worked figures, one kind at a time
# ---------------------------------------------------------------------------------------


def test_relative_likelihood_by_hand(registries):
    reg = registries["wres"]
    ind = _first(reg, "relative_likelihood")
    kind = kind_of(ind, reg)
    g1, g2 = kind.groups
    df = _frame([(ind.id, "", g1, 10, 100), (ind.id, "", g2, 20, 100)])
    row = org_rows(prepare(df), kind, 1.5, 0.05).iloc[0]
    # (10/100) / (20/100) = 0.5; Katz SE of the log = sqrt(1/10 - 1/100 + 1/20 - 1/100)
    # = sqrt(0.13) = 0.360555; interval 0.5 exp(+/- 1.959964 x 0.360555) = 0.24664 to 1.01362.
    assert row["value"] == pytest.approx(0.5)
    assert row["ci_low"] == pytest.approx(0.24664, abs=1e-5)
    assert row["ci_high"] == pytest.approx(1.01362, abs=1e-5)
    assert (row["measure"], row["unit"]) == ("relative_likelihood", "ratio")
    # The registry says a lower likelihood is better for this indicator.
    assert kind.value_direction() == ind.trust.improvement == "down"
    # Against a national figure of 1: z = ln 0.5 / 0.360555 = -1.92245, p = erfc(1.92245 / sqrt 2).
    num = _num(df_row=row)
    z, p, side = kind.versus_national(num, np.array([1.0]), deff=1.5, alpha=0.05)
    assert z[0] == pytest.approx(-1.92245, abs=1e-4)
    assert p[0] == pytest.approx(math.erfc(1.92245 / math.sqrt(2)), abs=1e-4)
    assert side[0] < 0
    # A national ratio of 0 cannot be tested against.
    assert np.isnan(kind.versus_national(num, np.array([0.0]), deff=1.5, alpha=0.05)[1][0])


def test_percentage_by_hand(registries):
    reg = registries["wres"]
    ind = _first(reg, "percentage")
    kind = kind_of(ind, reg)
    g1, g2 = kind.groups
    df = _frame([(ind.id, "", g1, 30, 100), (ind.id, "", g2, 20, 100)])
    deff = 1.0  # a simple random sample, so the Wilson interval is the textbook one
    row = org_rows(prepare(df), kind, deff, 0.05).iloc[0]
    # Wilson, p = 0.3, n = 100, z = 1.959964: centre (0.3 + z^2/200) / (1 + z^2/100) = 0.307398,
    # half-width z sqrt(0.3 x 0.7/100 + z^2/40000) / (1 + z^2/100) = 0.088449.
    assert row["value"] == pytest.approx(30.0)
    assert row["ci_low"] == pytest.approx(21.8949, abs=1e-3)
    assert row["ci_high"] == pytest.approx(39.5847, abs=1e-3)
    # gap = 30% - 20% = 10 percentage points.
    assert row["gap"] == pytest.approx(10.0)
    assert (row["measure"], row["unit"]) == ("percentage", "percent")
    assert kind.value_direction() in ("up", "down")
    # With a design effect of 2 the effective sample halves: the interval widens.
    wide = org_rows(prepare(df), kind, 2.0, 0.05).iloc[0]
    assert wide["ci_high"] - wide["ci_low"] > row["ci_high"] - row["ci_low"]


def test_representation_by_hand(registries):
    reg = registries["wres"]
    ind = next(i for i in reg.indicators if kind_of(i, reg).holds_workforce)
    kind = kind_of(ind, reg)
    m, w = kind.groups
    sb, wb = ind.trust.band, ind.trust.workforce_band
    df = _frame(
        [(ind.id, sb, m, 2, 10), (ind.id, sb, w, 8, 10), (ind.id, wb, m, 100, 1000), (ind.id, wb, w, 900, 1000)]
    )
    row = org_rows(prepare(df), kind, 1.5, 0.05).iloc[0]
    # Senior share 2/10 = 0.2 over workforce share 100/1000 = 0.1: ratio 2.0. Katz SE of the log
    # = sqrt(1/2 - 1/10 + 1/100 - 1/1000) = sqrt(0.409) = 0.639531; interval
    # 2 exp(+/- 1.959964 x 0.639531) = 0.57103 to 7.00487.
    assert row["value"] == pytest.approx(2.0)
    assert row["ci_low"] == pytest.approx(0.57103, abs=1e-5)
    assert row["ci_high"] == pytest.approx(7.00487, abs=1e-5)
    # gap = senior share - workforce share = 20% - 10% = +10 percentage points: the national
    # series' sign (board minus workforce), negative only when the group is under-represented.
    assert row["gap"] == pytest.approx(10.0)
    assert row["gap_ci_low"] < 10.0 < row["gap_ci_high"]
    assert (row["measure"], row["unit"]) == ("representation", "ratio")
    # The registry's derived ratio series says parity is better: towards 1.
    assert kind.value_direction() == ind.trust.improvement
    # Pooled over one organisation the national aggregate is the organisation's own figure.
    nat = aggregates(prepare(df), kind, 1.5, 0.05).query("level == 'national'").iloc[0]
    assert nat["value"] == pytest.approx(2.0)
    assert nat["band"] == sb


def test_toy_score_gap_by_hand(registries):
    reg = registries["toy"]
    ind = reg.indicator(TOY_ID)
    kind = kind_of(ind, reg)
    a, b = kind.groups
    # Points out of 10 x respondents: A 600 of 1000 (100 respondents, mean 6.0), B 1300 of
    # 2000 (200 respondents, mean 6.5).
    df = _frame([(ind.id, "", a, 600, 1000), (ind.id, "", b, 1300, 2000)])
    row = org_rows(prepare(df), kind, 1.5, 0.05).iloc[0]
    # 6.0 - 6.5 = -0.5 points; SE = 2 sqrt(1/100 + 1/200) = 0.244949; +/- 1.959964 x SE = 0.480087.
    assert row["value"] == pytest.approx(-0.5)
    assert row["ci_low"] == pytest.approx(-0.980087, abs=1e-5)
    assert row["ci_high"] == pytest.approx(-0.019913, abs=1e-5)
    assert (row["measure"], row["unit"]) == ("score_gap", "score points")
    assert kind.value_direction() == "up"
    assert kind.parity_value == 0.0 and not kind.log_scale
    # A difference may be compared with a negative national figure: z = (-0.5 + 0.5) / SE = 0.
    z, p, _ = kind.versus_national(_num(df_row=row), np.array([-0.5]), deff=1.5, alpha=0.05)
    assert z[0] == pytest.approx(0.0) and p[0] == pytest.approx(1.0)
    # Change from -0.5 to 0.0 with the same respondents: estimate 0.5, SE sqrt(2) x 0.244949.
    earlier = (np.array([600.0]), np.array([1000.0]), np.array([1300.0]), np.array([2000.0]))
    later = (np.array([650.0]), np.array([1000.0]), np.array([1300.0]), np.array([2000.0]))
    res, change = kind.change_test_result(earlier, later, deff=1.5, alpha=0.05)
    assert change[0] == pytest.approx(0.5)
    assert res["se"][0] == pytest.approx(math.sqrt(2) * 0.244949, abs=1e-6)
    assert res["p_value"][0] == pytest.approx(math.erfc(0.5 / (math.sqrt(2) * 0.244949) / math.sqrt(2)), abs=1e-6)


def _num(df_row: pd.Series):
    """``num(column)`` over a one-row frame, as the analysis gives it to a kind."""

    def num(c):
        return np.array([float(df_row[c])])

    return num


# ---------------------------------------------------------------------------------------
# The protocol, for every indicator of every kind
# ---------------------------------------------------------------------------------------

DIRECTIONS = {"up", "down", "none", "parity"}


def _words_ok(text: str, reg) -> None:
    assert isinstance(text, str) and text.strip(), "empty words"
    std = reg.standard
    raw = [std.minority_group, std.majority_group, *(n for n in BUILT_IN if "_" in n), "None", "nan", "{", "}"]
    for code in raw:
        assert not re.search(rf"(?<![\w{{]){re.escape(code)}(?![\w}}])", text), f"{code!r} in {text!r}"


@pytest.mark.parametrize(("which", "ind_id"), CASES)
def test_every_protocol_method_answers(registries, which, ind_id):
    reg = registries[which]
    ind = reg.indicator(ind_id)
    kind = kind_of(ind, reg)
    assert isinstance(kind, Kind) and kind.ind is ind
    std = reg.standard

    g1, g2 = kind.groups
    assert g1 != g2 and {g1, g2} <= set(std.groups)
    for words in (
        kind.value_label(),
        kind.tested_words(),
        kind.national_label(),
        kind.value_axis_title(),
        kind.value_axis_title(short=True),
        kind.size_axis_title(1.5),
        kind.size_words,
        kind.versus_national_test,
        kind.change_test,
        kind.change_scale,
        kind.change_unit,
        *kind.funnel_caveats(1.5),
        *(title for title, _, _ in kind.count_columns()),
    ):
        _words_ok(words, reg)
    assert kind.value_direction() in DIRECTIONS
    assert kind.trend_improvement() in DIRECTIONS

    # unit and measure are what the results carry: plain words, the same on every row.
    assert re.fullmatch(r"[a-z][a-z ]*", kind.unit) and re.fullmatch(r"[a-z_]+", kind.measure)
    assert kind.log_scale == (kind.unit == "ratio")
    assert kind.value_format.format(1.5)
    nat = kind.national_series()
    if nat is not None:
        key, unit = nat
        assert unit == kind.unit
        assert ind.series_by_key(key).unit == unit

    # Every column the kind names is a column of the organisation results.
    contract = set(catalogue.group_columns("organisation_indicators", std.minority_group, std.majority_group))
    named = [c for _, k, n in kind.count_columns() for c in (k, n)] + kind.size_columns()
    if not kind.organisation_rows.__qualname__.startswith("Kind."):
        # A kind with its own rows names its own groups' count columns.
        contract |= {f"{q}_{g}" for q in ("numerator", "denominator") for g in (g1, g2)}
    assert set(named) <= contract

    bands = kind.allowed_bands(PAY_BANDS)
    assert isinstance(bands, tuple) and bands and all(isinstance(b, str) for b in bands)
    assert kind.row_band is None or kind.row_band in bands

    # Counts for the change test: arrays of one length, from the columns it asks for.
    asked: list[str] = []

    def num(c):
        asked.append(c)
        return np.array([5.0, 6.0])

    counts = kind.change_counts(num)
    assert len(counts) in (2, 4) and all(len(c) == 2 for c in counts)
    assert set(asked) <= contract
    res, change = kind.change_test_result(counts, counts, deff=1.5, alpha=0.05)
    for key in ("estimate", "se", "ci_low", "ci_high", "p_value", "dispersion"):
        assert len(np.asarray(res[key])) == 2, key
    assert len(np.asarray(change)) == 2

    # The analysis hooks: a frame (or None for the built-in code), and the national test's
    # three arrays, one value per organisation-year.
    empty = prepare(pd.DataFrame(columns=INPUT_COLUMNS))
    trend = kind.trend_counts(empty)
    assert trend is None or (isinstance(trend[0], pd.DataFrame) and len(trend[1]) == 2 and isinstance(trend[2], dict))
    for hook in (
        kind.organisation_rows(empty, deff=1.5, alpha=0.05),
        kind.aggregate_rows(empty, ["year"], deff=1.5, alpha=0.05),
    ):
        assert hook is None or isinstance(hook, pd.DataFrame)

    def rates(c):
        return np.array([0.5, 0.5]) if "rate" in c else np.array([5.0, 10.0]) if c != "value" else np.array([1.0, 1.0])

    z, p, side = kind.versus_national(rates, np.array([1.0, 1.0]), deff=1.5, alpha=0.05)
    assert all(len(np.asarray(a)) == 2 for a in (z, p, side))
    assert np.all((np.asarray(p) >= 0) & (np.asarray(p) <= 1) | np.isnan(np.asarray(p, dtype=float)))
    orgs = pd.DataFrame({"org_code": ["ZZ001"], "org_name": ["A"], "region": ["London"], "org_type": ["acute"]})
    rows = kind.synthetic_rows(orgs.assign(size0=1000.0), [2024], 1)
    assert rows is None or {"year", "org_code", "indicator", "group", "numerator", "denominator"} <= set(rows.columns)

    assert isinstance(kind.funnel_method, str) and kind.funnel_method
    assert kind.workforce_indicator in reg.ids
    if kind.versus_workforce:
        assert ind.trust.band and ind.trust.workforce_band


@pytest.mark.parametrize("which", ["wres", "second", "toy"])
def test_every_kind_of_a_registry_is_a_built_in_or_a_module(registries, which):
    reg = registries[which]
    names = {ind.trust.kind for ind in reg.indicators}
    assert names <= {*BUILT_IN, "toy_score_gap"}
    assert {kind_of(i, reg).name for i in reg.indicators} == names
