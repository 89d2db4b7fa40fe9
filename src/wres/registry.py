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
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from wres.config import DATA_FILES
from wres.errors import DataError, Problem

Transform = Literal["log", "logit", "identity"]
#: Which way counts as improvement: up, down, none (no good direction), or parity (towards
#: the value of equal treatment: 1 for a ratio, 0 for a gap; see ``wres.stats.parity``).
Direction = Literal["up", "down", "none", "parity"]
#: What a ``trust.kind`` may look like: a module name, bare (a built-in kind of
#: ``wres.kinds``, or a top-level module) or dotted (``my_package.score_kind``), so a registry
#: can name a kind module but never a file or code (``wres.kinds.kind_class`` imports it).
KIND_NAME = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*")


#: Characters that are markup in HTML, Markdown, MyST or a terminal: registry text reaches
#: readers in pages, navigation, search, PDFs and CSVs as text, so it may not hold them (the
#: page code escapes data too; refusing them here means no page can ever show a registry's
#: markup, and the error names the registry file, line and key before anything is built).
MARKUP = re.compile(r"[<>`\[\]{}*|\\$]")
#: The only braces a registry sentence may hold: the figures the analysis fills in.
PLACEHOLDER = re.compile(r"\{(value|year|workforce|senior)\}")


def _plain(text: str) -> str:
    found = MARKUP.search(text)
    if found:
        raise ValueError(
            f"registry text is shown to readers as plain text and may not contain markup characters "
            f"(< > ` [ ] {{ }} * | \\ $); found {found.group()!r}"
        )
    return text


def _sentence(text: str) -> str:
    _plain(PLACEHOLDER.sub("", text))
    return text


#: Text a reader sees (titles, labels, group words, wording).
ReaderText = Annotated[str, AfterValidator(_plain)]
#: A sentence with the analysis's placeholders ({value}, {year}, {workforce}, {senior}).
ReaderSentence = Annotated[str, AfterValidator(_sentence)]


class _Model(BaseModel):
    # A typo in the registry should fail loudly, not be ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(_Model):
    label: ReaderText
    long: ReaderText


class Standard(_Model):
    name: ReaderText
    short_name: ReaderText
    publisher: ReaderText
    groups: dict[str, Group]
    minority_group: str
    majority_group: str
    other_group_codes: list[str]
    #: What each of ``other_group_codes`` means, for a reader (a code without words is shown
    #: as it is).
    other_group_words: dict[str, ReaderText] = Field(default_factory=dict)
    group_definition: ReaderText

    def label(self, code: str) -> str:
        if code in self.groups:
            return self.groups[code].label
        return self.other_group_words.get(code, code)


class Series(_Model):
    key: str
    label: ReaderText
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
    label: ReaderText
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
    senior_label: ReaderText


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


#: A slug becomes a file and URL name: lower-case words joined by hyphens, nothing else.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
#: An indicator's own code as its standard writes it: "10", "4a", "4a(i)" (issue 20, item 7).
CODE = r"^[0-9]+[a-z]?(\([ivx]+\))?$"


class Indicator(_Model):
    id: int = Field(ge=1, le=999)
    slug: str = Field(pattern=SLUG, max_length=60)
    title: ReaderText
    wording: ReaderText
    measure_kind: Literal["representation", "relative_likelihood", "percentage_by_group", "representation_gap"]
    source: ReaderText
    year_basis: Literal["report", "survey"]
    survey_lag: int = Field(ge=0, le=10)
    numerator_group: str | None = None
    comparison_group: str | None = None
    rate_words: ReaderText | None = None
    non_adverse: tuple[float, float] | None = None
    series: list[Series]
    derived: list[Derived] = Field(default_factory=list)
    comparison: Comparison | None = None
    headline_series: str
    sentence: ReaderSentence
    comparison_phrase: ReaderSentence | None = None
    trust: TrustSpec
    #: The standard's own name for the indicator ("4a(i)"), see :class:`SiteWords`.
    code: str | None = Field(default=None, pattern=CODE, max_length=12)
    #: The registry's words (set by :class:`Registry`, so an indicator can name itself).
    _words: SiteWords | None = PrivateAttr(default=None)

    @property
    def words(self) -> SiteWords:
        """The words of the indicator's standard (its registry's ``site``)."""
        return self._words or SiteWords()

    @property
    def name(self) -> str:
        """How readers see the indicator named: its word and its code (or id), as "Metric 4a(i)"."""
        return f"{self.words.indicator_word} {self.code or self.id}"

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
            return f"{report_year - self.survey_lag} NHS Staff Survey ({self._report} {report_year})"
        return f"{self._report} {report_year}"

    @property
    def _report(self) -> str:
        return self.words.report_name


class Quality(_Model):
    excluded_from_tests: list[str]
    descriptions: dict[str, str]
    #: Flags a reader must see wherever the figure is quoted (headlines, the print report),
    #: not only in the figures table: a provisional or illustrative figure is not yet the
    #: publisher's final word.
    shown_with_figure: list[str] = Field(default_factory=list)


class TrendTests(_Model):
    #: Significance level of every test (two-sided) and 1 - the confidence level of every
    #: interval the book shows: 0.05 gives 95% intervals, 0.10 gives 90% ones.
    alpha: float = Field(gt=0, le=0.2)
    #: Fewest comparable years a series needs before it is tested (a line through fewer
    #: points has almost no power and its residual variance is barely estimable).
    min_years: int = Field(ge=3, le=100)
    #: The multiple-comparison adjustment within each family of national trend tests
    #: (``wres.stats.multiple.METHODS``): fdr_bh (Benjamini-Hochberg false discovery rate),
    #: holm or bonferroni (family-wise error rate); another name is an error naming the field.
    multiple_comparisons: Literal["fdr_bh", "holm", "bonferroni"]

    @property
    def confidence_percent(self) -> str:
        """The confidence level of every interval in words: ``"95%"`` for alpha 0.05."""
        return f"{round(100 * (1 - self.alpha), 6):g}%"


# ---- A standard's own words, data files and build folder (issue 20, item 7) -------------
# Everything a second standard needs to build side by side with the WRES book. Every field
# has a default that reproduces the WRES book exactly, so the shipped registry need not
# name them. Kept in one block (with Indicator.code/name and Registry.site) to ease merges.


class DataFiles(_Model):
    """The standard's published input files, by name, in the published folder
    (``data/raw/published`` unless ``wres build --published DIR`` names another)."""

    national: str = Field(default=DATA_FILES["national"], pattern=r"^[A-Za-z0-9_.-]+\.csv$")
    breakdowns: str = Field(default=DATA_FILES["breakdowns"], pattern=r"^[A-Za-z0-9_.-]+\.csv$")
    sources: str = Field(default=DATA_FILES["sources"], pattern=r"^[A-Za-z0-9_.-]+\.csv$")


class SiteWords(_Model):
    """The words and places of one standard's site."""

    #: The site's title (None: the title in ``_config.yml``, the WRES book's).
    title: ReaderText | None = None
    #: What the standard calls one of its measures: "Indicator" (WRES), "Metric" (WDES).
    indicator_word: ReaderText = "Indicator"
    #: The report a year is labelled by: "WRES report" gives "WRES report 2024" and the
    #: axis title "WRES report year".
    report_name: ReaderText = "WRES report"
    #: The site's author line, in every page's footer (None: the author in ``_config.yml``).
    author: ReaderText | None = None
    #: The landing page's text, plain paragraphs (None: ``book/intro.md`` as written).
    landing: ReaderText | None = None
    #: The folder under ``_build/`` this standard builds into, with its own results and
    #: executed chapters (None: the book in place, ``_build/html``; the WRES book).
    output: str | None = Field(default=None, pattern=SLUG, max_length=40)
    data: DataFiles = Field(default_factory=DataFiles)
    #: Hand-written pages of ``book/`` replaced in this standard's build: page name (no
    #: suffix) -> a Markdown file, relative to the registry file. Only with ``output``.
    pages: dict[str, str] = Field(default_factory=dict)

    #: The standard's short name ("WRES"), set by :class:`Registry` from ``standard``.
    _short_name: str = PrivateAttr(default="WRES")

    @property
    def year_words(self) -> str:
        """The axis title and column label of a report year: "WRES report year"."""
        return f"{self.report_name} year"

    @property
    def plural(self) -> str:
        """The word for several indicators, in running text: "indicators", "metrics"."""
        return f"{self.indicator_word.lower()}s"

    @property
    def short_name(self) -> str:
        """The standard's short name, for short year labels ("WRES 2024")."""
        return self._short_name

    @model_validator(mode="after")
    def _pages_need_own_folder(self) -> SiteWords:
        # Replacing book/ pages in place would rewrite the WRES book's own pages.
        if self.pages and self.output is None:
            raise ValueError("site.pages replaces hand-written pages only in a build of its own: set site.output")
        for page in self.pages:
            if not re.fullmatch(SLUG, page):
                raise ValueError(f"site.pages: {page!r} is not a page name (lower-case words joined by hyphens)")
        return self


# ---- end of the standard's own words block ------------------------------------------------


class Registry(_Model):
    standard: Standard
    quality: Quality
    trend_tests: TrendTests
    indicators: list[Indicator]
    site: SiteWords = Field(default_factory=SiteWords)

    @model_validator(mode="after")
    def _indicators_know_their_words(self) -> Registry:
        self.site._short_name = self.standard.short_name
        for ind in self.indicators:
            ind._words = self.site
        return self

    @model_validator(mode="after")
    def _unique_and_known(self) -> Registry:
        # Ids and slugs name files, pages and results rows: two indicators with one name
        # would overwrite each other's chapter.
        for attr in ("id", "slug"):
            seen: set = set()
            for ind in self.indicators:
                value = getattr(ind, attr)
                if value in seen:
                    raise ValueError(f"two indicators have the {attr} {value!r}")
                seen.add(value)
        std = self.standard
        for code in (std.minority_group, std.majority_group):
            if code not in std.groups:
                raise ValueError(f"group {code!r} is not one of standard.groups ({', '.join(std.groups)})")
        return self

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
#: A registry is a page or two of YAML; anything far larger is not one (and reading it whole
#: would be the first step of exhausting memory).
MAX_REGISTRY_BYTES = 1_000_000
#: Problems listed in one error; the rest are counted.
MAX_SHOWN = 20


class RegistryProblem(Problem):
    """A problem in a registry file: its position is a line and a key path (``trend_tests.alpha``)."""

    def __str__(self) -> str:
        where = [self.file] + ([f"line {self.line}"] if self.line is not None else [])
        where += [f"key '{self.column}'"] if self.column is not None else []
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{value}: {self.reason}"


class RegistryError(DataError):
    """A registry file that cannot be used: every problem names the file, the line and the key."""


def registry_file() -> Path | None:
    """The registry file chosen through :data:`REGISTRY_ENV`, or None for the shipped one."""
    chosen = os.environ.get(REGISTRY_ENV)
    return Path(chosen).resolve() if chosen else None


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and check a registry file (default: :func:`registry_file`, else the WRES registry
    shipped with the package). A file that cannot be used raises :class:`RegistryError`
    before anything else happens."""
    path = path or registry_file()
    if path is None:
        return _default_registry()
    path = Path(path).resolve()
    try:
        stamp = path.stat()
    except OSError as err:
        raise _error(str(path), None, None, None, f"cannot read the registry file ({err.strerror or err})") from None
    if not path.is_file():
        raise _error(str(path), None, None, None, "the registry must be a regular file (this is a folder or a device)")
    return _registry_at(str(path), stamp.st_mtime_ns, stamp.st_size)


@lru_cache(maxsize=4)
def _registry_at(path: str, _mtime: int, _size: int) -> Registry:
    if _size > MAX_REGISTRY_BYTES:
        raise _error(
            path, None, None, _size, f"the file is {_size:,} bytes; a registry may be at most {MAX_REGISTRY_BYTES:,}"
        )
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_REGISTRY_BYTES + 1)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _error(path, None, None, None, f"not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise _error(path, None, None, None, f"cannot read the registry file ({err.strerror or err})") from None
    return parse_registry(text, path)


@lru_cache(maxsize=1)
def _default_registry() -> Registry:
    text = resources.files("wres").joinpath("indicators.yml").read_text(encoding="utf-8")
    return parse_registry(text, "src/wres/indicators.yml")


def _error(file: str, line: int | None, key: str | None, value: object, reason: str) -> RegistryError:
    return RegistryError([RegistryProblem(file, line, key, value, reason)])


def parse_registry(text: str, file: str = "<registry>") -> Registry:
    """A :class:`Registry` from YAML text, never trusting it: YAML anchors and aliases are
    refused (a few hundred bytes of nested aliases expand to gigabytes), so are tags that
    name Python objects (safe loading); the structure and every value are checked by the
    models above, and each problem names ``file``, its line and the key."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise _error(file, line, None, None, "YAML anchors and aliases (& and *) are not allowed in a registry")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        reason = " ".join(str(x) for x in (getattr(err, "context", None), getattr(err, "problem", None)) if x)
        raise _error(file, mark.line + 1 if mark else None, None, None, f"not valid YAML: {reason or err}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise _error(
            file,
            1,
            None,
            None,
            f"the registry must be a mapping of standard, quality, trend_tests and indicators; this file is {kind}",
        )
    try:
        return Registry.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors(include_url=False)[:MAX_SHOWN]:
            loc = [str(p) for p in e["loc"]]
            value = e.get("input")
            shown = value if isinstance(value, (int, float, str, bool)) and len(str(value)) <= 80 else None
            problems.append(RegistryProblem(file, _line_of(root, e["loc"]), ".".join(loc) or None, shown, e["msg"]))
        if err.error_count() > MAX_SHOWN:
            problems.append(
                RegistryProblem(file, None, None, None, f"... and {err.error_count() - MAX_SHOWN} more problems")
            )
        raise RegistryError(problems) from None


def _line_of(node, loc: tuple) -> int | None:
    """The line (1-based) of the YAML node at the path ``loc`` of a validation error: the
    deepest node of the path that exists (a missing key points at its parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            break
        node, line = found, found.start_mark.line + 1
    return line
