"""The indicator registry: typed access to ``indicators.yml``.

Everything that needs to know about an indicator (notebooks, charts, headline sentences,
tests) asks this module; nothing else hard-codes an indicator, group word or threshold.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

Transform = Literal["log", "logit", "identity"]
#: Which way counts as improvement: up, down, none (no good direction), or parity (towards
#: the value of equal treatment: 1 for a ratio, 0 for a gap; see ``wres.stats.parity``).
Direction = Literal["up", "down", "none", "parity"]
#: What a ``trust.kind`` may look like: a module name, bare (a built-in kind of
#: ``wres.kinds``, or a top-level module) or dotted (``my_package.score_kind``), so a registry
#: can name a kind module but never a file or code (``wres.kinds.kind_class`` imports it).
KIND_NAME = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*")


class _Model(BaseModel):
    # A typo in the registry should fail loudly, not be ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(_Model):
    label: str
    long: str


class Standard(_Model):
    name: str
    short_name: str
    publisher: str
    groups: dict[str, Group]
    minority_group: str
    majority_group: str
    other_group_codes: list[str]
    group_definition: str

    def label(self, code: str) -> str:
        return self.groups[code].label if code in self.groups else code


class Series(_Model):
    key: str
    label: str
    measure: str
    group: str
    transform: Transform
    improvement: Direction
    unit: str
    from_indicator: int | None = None
    tested: bool = True
    #: Years in each published figure: 2 for a two-year rolling average (adjacent figures
    #: share a year of data, so the trend test must allow for it; ``wres.stats.serial``).
    rolling_years: int = Field(default=1, ge=1)


class Derived(_Model):
    key: str
    label: str
    op: Literal["ratio", "gap"]
    a: str
    b: str
    transform: Transform
    improvement: Direction
    unit: str
    tested: bool = True


class Comparison(_Model):
    senior: str
    workforce: str
    senior_label: str


class SyntheticSpec(_Model):
    """How the synthetic demonstration panel makes this indicator's counts (wres.inputs.synthetic)."""

    #: What a relative likelihood's rates are out of: people shortlisted, or staff headcount.
    denominator: Literal["shortlisted", "headcount"]
    #: Pooled rate of the comparison group (a proportion, 0-1), before calibration to the national ratio.
    base_rate: float = Field(gt=0, lt=1)


class TrustSpec(_Model):
    kind: str
    band: str | None = None
    workforce_band: str | None = None
    improvement: Direction | None = None
    synthetic: SyntheticSpec | None = None

    @field_validator("kind")
    @classmethod
    def _kind_is_a_module_name(cls, v: str) -> str:
        # Checked here so a typo fails when the registry is read; whether the module exists
        # is checked when the kind is first asked for (wres.kinds.kind_of).
        if not KIND_NAME.fullmatch(v):
            raise ValueError(f"kind {v!r} is not a module name (lower-case letters, digits, _ and dots)")
        return v


class Indicator(_Model):
    id: int
    slug: str
    title: str
    wording: str
    measure_kind: Literal["representation", "relative_likelihood", "percentage_by_group", "representation_gap"]
    source: str
    year_basis: Literal["report", "survey"]
    survey_lag: int
    numerator_group: str | None = None
    comparison_group: str | None = None
    rate_words: str | None = None
    non_adverse: tuple[float, float] | None = None
    series: list[Series]
    derived: list[Derived] = Field(default_factory=list)
    comparison: Comparison | None = None
    headline_series: str
    sentence: str
    comparison_phrase: str | None = None
    trust: TrustSpec

    @property
    def is_survey(self) -> bool:
        return self.year_basis == "survey"

    def organisation_groups(self, standard: Standard) -> tuple[str, str]:
        """(numerator group, comparison group) of the indicator at organisation level: the
        registry's own pair for relative likelihoods, else the minority group first (its
        percent is the headline figure, its share the representation figure)."""
        return (self.numerator_group or standard.minority_group, self.comparison_group or standard.majority_group)

    def series_by_key(self, key: str) -> Series | Derived:
        for s in [*self.series, *self.derived]:
            if s.key == key:
                return s
        raise KeyError(f"indicator {self.id} has no series {key!r}")

    def rolling_years(self, key: str) -> int:
        """Years averaged in each figure of series ``key``; a derived series shares the
        overlap of the series it is made from."""
        spec = self.series_by_key(key)
        if isinstance(spec, Derived):
            return max(self.rolling_years(spec.a), self.rolling_years(spec.b))
        return spec.rolling_years

    def year_phrase(self, report_year: int) -> str:
        """How a report year must be described for this indicator."""
        if self.is_survey:
            return f"{report_year - self.survey_lag} NHS Staff Survey (WRES report {report_year})"
        return f"WRES report {report_year}"


class Quality(_Model):
    excluded_from_tests: list[str]
    descriptions: dict[str, str]


class TrendTests(_Model):
    alpha: float
    min_years: int
    multiple_comparisons: str


class Registry(_Model):
    standard: Standard
    quality: Quality
    trend_tests: TrendTests
    indicators: list[Indicator]

    def indicator(self, indicator_id: int) -> Indicator:
        for ind in self.indicators:
            if ind.id == int(indicator_id):
                return ind
        raise KeyError(f"no indicator {indicator_id} in the {self.standard.short_name} registry")

    @property
    def ids(self) -> list[int]:
        return [ind.id for ind in self.indicators]

    @property
    def quality_flags(self) -> set[str]:
        return set(self.quality.descriptions)


#: Names a registry file to use instead of the shipped one (``wres build --registry FILE``
#: sets it, so chapter kernels and the Sphinx process read the same standard).
REGISTRY_ENV = "WRES_REGISTRY"


def registry_file() -> Path | None:
    """The registry file chosen through :data:`REGISTRY_ENV`, or None for the shipped one."""
    chosen = os.environ.get(REGISTRY_ENV)
    return Path(chosen).resolve() if chosen else None


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and check a registry file (default: :func:`registry_file`, else the WRES registry
    shipped with the package)."""
    path = path or registry_file()
    if path is None:
        return _default_registry()
    path = Path(path).resolve()
    return _registry_at(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _registry_at(path: str, _mtime: int) -> Registry:
    with open(path, encoding="utf-8") as fh:
        return Registry.model_validate(yaml.safe_load(fh))


@lru_cache(maxsize=1)
def _default_registry() -> Registry:
    text = resources.files("wres").joinpath("indicators.yml").read_text(encoding="utf-8")
    return Registry.model_validate(yaml.safe_load(text))
