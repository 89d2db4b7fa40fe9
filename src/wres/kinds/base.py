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

    def trend_improvement(self) -> str:
        """The direction of the organisation-level trend slope that counts as improvement."""
        if self.ind.trust.improvement:
            return self.ind.trust.improvement
        d = self.derived("gap")
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
        """(k1, n1, k2, n2) behind the value, for the change test between two years:
        ``num(column)`` gives an ``organisation_indicators`` column as floats."""
        g1, g2 = self.groups
        return num(f"numerator_{g1}"), num(f"denominator_{g1}"), num(f"numerator_{g2}"), num(f"denominator_{g2}")

    def series_for_group(self, group: str) -> Series | None:
        return next((s for s in self.ind.series if s.group == group), None)

    # -- report --

    #: How :meth:`fmt` writes a value (a ``str.format`` pattern): two decimals for a ratio.
    value_format: ClassVar[str] = "{:.2f}"
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
