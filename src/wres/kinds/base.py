"""The protocol every indicator kind implements (:class:`Kind`), with the behaviour most
kinds share. A kind is bound to one indicator and its registry; it answers what the
organisation figure is (groups, unit, direction, words), which counts make it, how charts
draw it and which tests apply. Subclasses override what differs.

Pure Python and the registry only at import time: the report layer reads a kind's words and
chart settings; the analysis layer asks it which counts to use.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar

import numpy as np

from wres.registry import Derived, Indicator, Registry, Series

#: A function giving a results column as floats (NaN where missing or not a number).
Column = Callable[[str], np.ndarray]


def relative_to_common(res: dict, variance: np.ndarray, alpha: float) -> None:
    """Replace ``res``'s test by the additive random-effects test of the change beyond the
    common one (keeping ``estimate`` and its interval, the organisation's own change). With
    fewer organisations than the spread can be estimated from, ``res`` keeps its own test
    (the Pearson-dispersion or pooled test) and no common change is given."""
    from wres.stats.change_test import additive_change  # statistics only when analysis asks

    add = additive_change(res["estimate"], variance, alpha=alpha)
    if not add["estimated"]:
        return
    res.update(
        p_value=add["p_value"],
        relative=add["relative"],
        relative_ci_low=add["ci_low"],
        relative_ci_high=add["ci_high"],
        common=add["common"],
        tau2=add["tau2"],
    )


class Kind:
    """One indicator's kind. Class attributes describe the kind; methods answer for ``ind``."""

    #: The registry's ``trust.kind`` name.
    name: ClassVar[str] = ""
    #: Unit of an organisation's ``value`` in the results contract: ``percent`` or ``ratio``.
    unit: ClassVar[str] = "ratio"
    #: ``measure`` column of the organisation results.
    measure: ClassVar[str] = ""
    #: True when the value is one group's rate divided by another's (1 = parity): the
    #: non-adverse range applies, charts say "times as likely".
    likelihood: ClassVar[bool] = False
    #: True when the counts are weighted survey estimates (a design effect applies).
    weighted_survey: ClassVar[bool] = False
    #: True when the funnel's x axis is a count of people readers can read; False when it is
    #: a statistical precision (numbers hidden, counts in the tooltip).
    size_axis_numbers: ClassVar[bool] = True
    #: What "size" counts in the funnel tooltip.
    size_words: ClassVar[str] = "staff"
    #: The funnel method this kind uses unless a build asks for another
    #: (a name in ``wres.stats.funnels``).
    funnel_method: ClassVar[str] = "additive"
    #: ``test`` column of ``organisation_versus_national``: the test named in words.
    versus_national_test: ClassVar[str] = ""
    #: Between-organisation variance (on the funnel's scale) the comparison with England
    #: allows for when too few organisations give a funnel to estimate it; None: the test
    #: allows for none (said in the results' ``tau2_source``).
    default_tau2: ClassVar[float | None] = None
    #: What an organisation's rows must give for its figure to be computed (words, for the
    #: note of an organisation-year whose input has the indicator but not that).
    needs_words: ClassVar[str] = "counts for both groups"
    #: Where :attr:`default_tau2` comes from, in words.
    default_tau2_source: ClassVar[str] = ""

    def __init__(self, ind: Indicator, registry: Registry):
        self.ind = ind
        self.registry = registry
        self.standard = registry.standard

    def __repr__(self) -> str:
        return f"<{type(self).__name__} indicator {self.ind.id}>"

    # -- groups and words ---------------------------------------------------------------

    @property
    def groups(self) -> tuple[str, str]:
        """(numerator group, comparison group) codes at organisation level: the registry's
        own pair when it gives one, else the minority group first."""
        std = self.standard
        return (self.ind.numerator_group or std.minority_group, self.ind.comparison_group or std.majority_group)

    @property
    def log_scale(self) -> bool:
        """Whether charts draw the value on a log scale (ratios)."""
        return self.unit == "ratio"

    @property
    def non_adverse(self) -> tuple[float, float] | None:
        """The registry's non-adverse range when it applies to this kind, else None."""
        return self.ind.non_adverse if self.likelihood else None

    def derived(self, op: str) -> Derived | None:
        """The indicator's derived national series made with ``op`` (ratio or gap)."""
        return next((d for d in self.ind.derived if d.op == op), None)

    def value_label(self) -> str:
        """What an organisation's ``value`` is, in the registry's words."""
        raise NotImplementedError

    def value_direction(self) -> str:
        """Which way the organisation's value counts as better: up, down or none."""
        raise NotImplementedError

    #: The derived national series whose direction the organisation trend follows when the
    #: registry gives the organisation side none: the gap between the groups.
    trend_series_op: ClassVar[str] = "gap"

    def trend_improvement(self) -> str:
        """The direction of the organisation-level trend slope that counts as improvement."""
        if self.ind.trust.improvement:
            return self.ind.trust.improvement
        d = self.derived(self.trend_series_op)
        if d is not None:
            return d.improvement
        return self.ind.series_by_key(self.ind.headline_series).improvement

    def tested_words(self) -> str:
        """What an organisation's trend test is about, in words."""
        g1, g2 = self.groups
        return f"gap between {self.standard.label(g1)} and {self.standard.label(g2)} staff (odds ratio)"

    def national_series(self) -> tuple[str, str] | None:
        """(series key, unit) of the published national series on the organisation value's
        scale, or None when the registry has none: the one rule for "which national series"."""
        s = self.ind.series_by_key(self.ind.headline_series)
        return (s.key, self.unit) if s.unit == self.unit else None

    def national_label(self) -> str:
        """The national figure's label on the organisation value's scale (the indicator's
        title when there is no such series)."""
        which = self.national_series()
        if which is None:
            return self.ind.title
        label = self.ind.series_by_key(which[0]).label
        return f"% of {label}" if self.unit == "percent" else label

    # -- charts -------------------------------------------------------------------------

    def value_axis_title(self, short: bool = False) -> str:
        """The value axis title with its unit; ``short`` leaves out the indicator's label."""
        raise NotImplementedError

    def size_axis_title(self, survey_deff: float) -> str:
        """The funnel's x axis in words: how big each organisation is, in the axis's units."""
        raise NotImplementedError

    def count_columns(self) -> list[tuple[str, str, str]]:
        """(title, numerator column, denominator column) of each count behind the value, as
        ``organisation_indicators`` names them."""
        std = self.standard
        return [(std.label(g), f"numerator_{g}", f"denominator_{g}") for g in self.groups]

    def size_columns(self) -> list[str]:
        """The columns whose sum is the organisation's size on the funnel's x axis."""
        return [f"denominator_{g}" for g in self.groups]

    # -- pages --------------------------------------------------------------------------

    def funnel_caveats(self, survey_deff: float) -> list[str]:
        """Sentences a funnel's introduction adds for this kind (Markdown-safe text)."""
        return []

    #: Whether pages say how many organisations sit above or below parity.
    parity_words: ClassVar[bool] = False

    # -- inputs -------------------------------------------------------------------------

    def allowed_bands(self, pay_bands: tuple[str, ...]) -> tuple[str, ...]:
        """The ``band`` values an organisation file may give for this indicator
        (``""``: the indicator has no bands)."""
        return ("",)

    #: Whether an organisation file may give a (weighted) ``percent`` instead of a count.
    accepts_percent: ClassVar[bool] = False

    @property
    def row_band(self) -> str | None:
        """The ``band`` of this indicator's organisation rows in the results (None: none)."""
        return None

    # -- analysis inputs ----------------------------------------------------------------

    def change_counts(self, num: Column) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(k1, n1, k2, n2) behind the value (or (k, n) of one group), for the change test
        between two years and the comparison with the national figure: ``num(column)`` gives an
        ``organisation_indicators`` column as floats."""
        g1, g2 = self.groups
        return num(f"numerator_{g1}"), num(f"denominator_{g1}"), num(f"numerator_{g2}"), num(f"denominator_{g2}")

    def series_for_group(self, group: str) -> Series | None:
        return next((s for s in self.ind.series if s.group == group), None)

    # -- funnels --

    #: What this kind can give a funnel method (``wres.stats.funnels`` ``inputs``): a build
    #: that asks for a method gets it for this kind's indicators when the kind can give its
    #: inputs, else the kind keeps its own ``funnel_method``.
    funnel_inputs: ClassVar[tuple[str, ...]] = ("counts", "estimates")
    #: True when the funnel is on one group's proportion (arcsine square-root scale) rather
    #: than on the ratio of two groups' rates (log scale).
    funnel_one_group: ClassVar[bool] = False

    def funnel_pooled_counts(self, rows) -> tuple[float, float, float, float]:
        """``(k1, n1, k2, n2)``: one year's organisation rows summed, for the pooled ratio the
        funnel is centred on."""
        g1, g2 = self.groups
        return (
            rows[f"numerator_{g1}"].sum(),
            rows[f"denominator_{g1}"].sum(),
            rows[f"numerator_{g2}"].sum(),
            rows[f"denominator_{g2}"].sum(),
        )

    # -- analysis -----------------------------------------------------------------------
    # What wres.analysis asks a kind. The built-in kinds are computed from counts by generic
    # code in wres.analysis, steered by the attributes below; a kind whose figure is not a
    # comparison of counts answers the hooks (``organisation_rows`` ...) itself. Statistics
    # are imported inside the methods: the report layer imports kinds for their words.

    #: The value compares the minority group's share of a senior band (``trust.band``) with
    #: its share of the whole workforce (``trust.workforce_band``), not two groups' rates.
    versus_workforce: ClassVar[bool] = False
    #: The ``wres.stats.rates`` measure the count code computes for two groups:
    #: ``relative_likelihood`` (ratio of the groups' rates) or ``percentage`` (the first
    #: group's percent, with the gap in percentage points).
    rates_measure: ClassVar[str] = "relative_likelihood"
    #: ``organisation_changes``: the test in words, the scale of ``estimate`` and the unit of
    #: ``change``.
    change_test: ClassVar[str] = ""
    change_scale: ClassVar[str] = ""
    change_unit: ClassVar[str] = ""
    # How a value in :attr:`unit` is written and where no difference lies: with them a page
    # can show a unit it does not know (the report layer reads these; no statistics).
    #: ``str.format`` pattern of one value (``"{:.1f}%"`` for a percent).
    value_format: ClassVar[str] = "{:.2f}"
    #: The value of no difference between the groups (ratios 1, differences 0); None when the
    #: value is one group's own figure (a percentage: its gap with the other group says how
    #: the groups differ, and a measure asked of one group only has no such gap).
    parity_value: ClassVar[float | None] = 1.0

    @property
    def workforce_indicator(self) -> int:
        """The indicator whose ``trust.workforce_band`` rows hold the whole workforce (the
        ``from_indicator`` of the registry's workforce series, else this indicator)."""
        if self.ind.comparison is not None:
            try:
                s = self.ind.series_by_key(self.ind.comparison.workforce)
            except KeyError:
                return self.ind.id
            return getattr(s, "from_indicator", None) or self.ind.id
        return self.ind.id

    @property
    def holds_workforce(self) -> bool:
        """Whether this indicator's own rows hold the whole workforce by pay band."""
        return False

    def organisation_rows(self, trusts, *, deff: float, alpha: float):
        """One row per year and organisation (``organisation_indicators`` columns before the
        funnel: ``value, ci_low, ci_high`` in :attr:`unit`, ``note``...) computed by the kind
        itself from the long input frame, or None for the count-based rows of
        ``wres.analysis.organisation_rows``."""
        return None

    def aggregate_rows(self, trusts, by: list[str], *, deff: float, alpha: float):
        """Pooled rows by ``by`` (``year`` and maybe ``region`` or ``org_type``) computed by the
        kind itself, or None for the count-based aggregates of ``wres.analysis``."""
        return None

    def trend_counts(self, trusts):
        """(long frame, (numerator label, comparison label), keyword arguments) for the
        organisation trend test (:func:`wres.stats.gap_trend.trends_for_all`), or None when
        the kind has no trend test. Default: this indicator's rows of the two groups."""
        return trusts[trusts["indicator"] == self.ind.id], self.groups, {}

    def versus_national(self, num: Column, national: np.ndarray, *, deff: float, alpha: float, tau2=None):
        """(z, p, side) of each organisation-year against the published national value
        ``national`` (on :attr:`unit`'s scale, treated as fixed): ``side`` is signed (> 0:
        the organisation is higher) and decides the verdict with ``p``; ``z`` is what the
        results show (NaN when the test has none). ``tau2`` (per row, on the funnel's scale,
        or None): the ordinary spread between organisations the test allows for (a
        prediction interval, :mod:`wres.stats.versus_national`). Default: the z-test on the
        log relative likelihood of the two groups (Katz SE). ``p`` is NaN where ``national``
        cannot be tested against (a ratio must be positive)."""
        from wres.stats import versus_national as vn

        k1, n1, k2, n2 = self.change_counts(num)
        usable = np.isfinite(national) & (national > 0)
        r = vn.rl_versus_national(k1, n1, k2, n2, np.where(usable, national, 1.0), alpha, tau2=tau2)
        return r["z"], np.where(usable, r["p_value"], np.nan), r["z"]

    def spread_inputs(self, num: Column, *, deff: float) -> tuple[np.ndarray, np.ndarray] | None:
        """(estimate, sampling variance) of each organisation on the scale on which its
        comparison with England allows for ordinary spread between organisations, or None
        (the default) when the kind's test allows for none."""
        return None

    def change_test_result(self, earlier: tuple, later: tuple, *, deff: float, alpha: float):
        """(result, change) of the test of each organisation's change between two years from
        :meth:`change_counts` of each: ``result`` has ``estimate, se, ci_low, ci_high, p_value``
        (on :attr:`change_scale`) and ``dispersion``; ``change`` is in :attr:`change_unit`.
        A kind may add ``relative`` (the change beyond the one all organisations share, same
        scale), ``common`` and ``tau2`` (see :func:`wres.stats.change_test.additive_change`);
        then ``p_value`` tests the relative change. Default: difference of log ratios with its
        Katz variance, tested by :func:`~wres.stats.change_test.additive_change` (the change
        beyond the common one, against ordinary year-to-year movement between organisations);
        change = % change in the ratio, 100 (exp(estimate) - 1); ``dispersion`` records the
        Pearson dispersion of the changes (information only: the test allows for the spread
        additively)."""
        from wres.stats.change_test import rl_change

        res = rl_change(earlier, later, dispersion="pearson", alpha=alpha)
        res["dispersion"] = np.full(len(np.asarray(later[0])), float(res["dispersion"]))
        relative_to_common(res, res["se"] ** 2 / res["dispersion"], alpha)
        with np.errstate(invalid="ignore"):
            change = 100 * np.expm1(res["estimate"])
        return res, change

    def relative_change(self, relative: np.ndarray) -> np.ndarray:
        """A change beyond the common one (on :attr:`change_scale`) in :attr:`change_unit`."""
        with np.errstate(invalid="ignore"):
            return 100 * np.expm1(relative)

    def funnel_year(self, rows, year: int, *, min_orgs: int, grid_points: int):
        """(placed rows, fit, limit curves) of one year's funnel when the kind places its own
        organisations (``trust_indicators`` funnel columns, a ``trust_funnel_fits`` row as a
        dict, ``trust_funnel_limits`` rows on the value's scale), or None for the funnels of
        ``wres.analysis`` (chosen by :attr:`funnel_method`)."""
        return None

    def synthetic_rows(self, orgs, years: list[int], seed: int):
        """Long-format input rows (``wres.inputs.organisations.TRUST_COLUMNS``) of this
        indicator for the synthetic panel's organisations ``orgs`` (``org_code, org_name,
        region, org_type, size0``) in ``years``, drawn from the kind's OWN random stream
        (e.g. ``numpy.random.default_rng([seed, ind.id])``) so the other indicators' figures
        do not change; None when the panel's built-in generator makes them."""
        return None

    # -- report --
    # (:attr:`value_format`, above, is how :meth:`fmt` writes a value.)

    #: The value axis title of a print chart, the unit alone: the report's card already
    #: names the figure.
    unit_axis_title: ClassVar[str] = "Ratio (log scale; 1 = parity)"
    #: The range a value can take on a linear axis, which clips the axis's padding (None:
    #: unbounded; a log axis needs none).
    value_bounds: ClassVar[tuple[float, float] | None] = None

    def fmt(self, v: object) -> str:
        """An organisation's value (or an interval's end) as a reader sees it; ``—`` when
        missing (None, NaN, pandas' NA)."""
        try:
            x = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return "—"
        return "—" if math.isnan(x) else self.value_format.format(x)
