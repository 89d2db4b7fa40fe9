"""Mapping files: one job, reading and checking the YAML file that says which header of a
wide spreadsheet holds which figure (format in ``data/README.md``, section "The mapping
format"), with the file line of every key so problems point at the line to edit."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from wres.inputs.schema import allowed_bands, band_lookup, group_lookup, percent_indicators
from wres.inputs.validate import DataError, Problem
from wres.registry import Registry, load_registry


class _Model(BaseModel):
    # A misspelt key in a mapping must fail loudly, not be ignored.
    model_config = ConfigDict(extra="forbid")


#: Headers that name the organisation code column in publishers' files, matched ignoring case
#: and repeated spaces; tried after the mapping's own ``organisation.org_code``.
ORG_CODE_SYNONYMS: tuple[str, ...] = (
    "org_code",
    "ODS code",
    "Organisation code",
    "Organization code",
    "Org code",
    "Trust code",
)

#: Headers of the organisation name column, used in a file that lacks the mapping's own
#: ``organisation.org_name`` header (another file read with ``also_read:``).
ORG_NAME_SYNONYMS: tuple[str, ...] = (
    "org_name",
    "Organisation name",
    "Organization name",
    "Org name",
    "Trust name",
    "Name",
)


class OrganisationColumns(_Model):
    # None: the column is found by ORG_CODE_SYNONYMS alone.
    org_code: str | None = None
    org_name: str | None = None
    region: str | None = None
    org_type: str | None = None


class Fixed(_Model):
    org_name: str | None = None
    region: str | None = None
    org_type: str | None = None


class FigureColumns(_Model):
    indicator: int
    band: str = ""
    group: str
    numerator: str | list[str] | None = None
    denominator: str | list[str] | None = None
    percent: str | None = None

    @field_validator("band", mode="before")
    @classmethod
    def _band_text(cls, v: object) -> object:
        # YAML reads `band: 5` as a number; bands are text in the long format.
        return "" if v is None else str(v) if isinstance(v, (int, float)) else v

    def describe(self) -> str:
        band = f", band {self.band!r}" if self.band else ""
        return f"indicator {self.indicator}{band}, group {self.group}"


class AlsoRead(_Model):
    """Another file or sheet with figures for the same year, merged on organisation code."""

    # Relative to the folder of the spreadsheet being imported; None: that spreadsheet.
    file: str | None = None
    sheet: str | None = None
    header_row: int | None = None


class Mapping(_Model):
    description: str = ""
    year: int | None = None
    year_column: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    also_read: list[AlsoRead] = []
    skip_codes: list[str] = []
    organisation: OrganisationColumns
    fixed: Fixed = Fixed()
    figures: list[FigureColumns]


def _yaml_lines(text: str) -> dict[tuple, int]:
    """File line of every key and list item of a YAML document, by path: errors in a
    mapping can then say which line to edit."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                p = (*path, k.value)
                lines[p] = k.start_mark.line + 1
                walk(v, p)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                p = (*path, i)
                lines[p] = item.start_mark.line + 1
                walk(item, p)

    root = yaml.compose(text)
    if root is not None:
        walk(root, ())
    return lines


def key_text(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_mapping(path: str | Path, registry: Registry | None = None) -> tuple[Mapping, dict[tuple, int]]:
    """Read and check a mapping file; returns the mapping and the line of each key.

    Checked against the registry: indicators, groups (code or label, any case) and bands
    must exist; each entry needs a numerator or (staff-survey indicators only) a percent,
    not both; no figure may be mapped twice. Raises DataError naming file, line and key.
    """
    registry = registry or load_registry()
    path = Path(path)
    label = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text)
        lines = _yaml_lines(text)
    except OSError as err:
        raise DataError([Problem(label, None, None, None, f"cannot read the mapping file: {err}")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise DataError(
            [Problem(label, mark.line + 1 if mark else None, None, None, f"is not valid YAML: {err}")]
        ) from None
    if not isinstance(data, dict):
        raise DataError([Problem(label, 1, None, None, "a mapping file must be a YAML mapping (key: value lines)")])
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = tuple(e["loc"])
            # Point at the deepest part of the path that exists in the file.
            # (A key missing at the top level has no line of its own: point at the start.)
            line = next((lines[loc[:k]] for k in range(len(loc), 0, -1) if loc[:k] in lines), 1)
            problems.append(
                Problem(
                    label,
                    line,
                    None,
                    e.get("input") if e["type"] != "missing" else None,
                    f"mapping key '{key_text(loc)}': {e['msg']}",
                )
            )
        raise DataError(problems) from None

    problems = []
    groups, bands = group_lookup(registry), band_lookup(registry)
    allowed, pct_ids = allowed_bands(registry), percent_indicators(registry)
    if (mapping.year is None) == (mapping.year_column is None):
        problems.append(
            Problem(
                label,
                lines.get(("year",), lines.get(("year_column",), 1)),
                None,
                None,
                "give exactly one of `year:` (a fixed report year) or `year_column:` (a header)",
            )
        )
    for k, extra in enumerate(mapping.also_read):
        if extra.file is None and extra.sheet is None:
            problems.append(
                Problem(
                    label,
                    lines.get(("also_read", k), 1),
                    None,
                    None,
                    f"mapping key 'also_read[{k}]': give a `file:`, a `sheet:` or both (another file or sheet to read)",
                )
            )
    seen: dict[tuple, int] = {}
    for i, fig in enumerate(mapping.figures):
        line = lines.get(("figures", i))

        def bad(key: str, value: object, reason: str, i: int = i, line: int | None = line, fig=fig) -> None:
            problems.append(
                Problem(
                    label,
                    lines.get(("figures", i, key), line),
                    None,
                    value,
                    f"mapping key 'figures[{i}].{key}' ({fig.describe()}): {reason}",
                )
            )

        if fig.indicator not in registry.ids:
            bad("indicator", fig.indicator, f"unknown indicator; the registry has {registry.ids}")
            continue
        code = groups.get(fig.group.strip().casefold())
        if code is None:
            bad("group", fig.group, f"unknown group; allowed: {', '.join(sorted(registry.standard.groups))}")
        else:
            fig.group = code
        fig.band = bands.get(fig.band.strip().casefold(), fig.band.strip())
        if fig.band not in allowed[fig.indicator]:
            bad(
                "band",
                fig.band,
                f"not a band of indicator {fig.indicator}; allowed: "
                f"{', '.join(repr(b) for b in allowed[fig.indicator])}",
            )
        if fig.numerator is None and fig.percent is None:
            bad(
                "numerator",
                None,
                "give the header of a numerator" + (" or a percent" if fig.indicator in pct_ids else ""),
            )
        if fig.numerator is not None and fig.percent is not None:
            bad("percent", fig.percent, "give a numerator or a percent, not both")
        if fig.percent is not None and fig.indicator not in pct_ids:
            bad("percent", fig.percent, f"a percent is only allowed for indicators {sorted(pct_ids)}")
        key = (fig.indicator, fig.band, fig.group)
        if key in seen:
            bad("group", fig.group, f"this figure is already mapped by figures[{seen[key]}]")
        seen.setdefault(key, i)
    DataError.raise_any(problems)
    return mapping, lines
