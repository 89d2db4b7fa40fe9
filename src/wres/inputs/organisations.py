"""Loader: one job, organisation files in the long format (one CSV, XLSX or XLS file, or a
folder of them) read into one typed, validated table with ``source_file`` and ``source_line``.

What a valid table is lives in :mod:`wres.inputs.schema`; reading cells in
:mod:`wres.inputs.cells`, files in :mod:`wres.inputs.grid`; successor organisations in
:mod:`wres.inputs.successors`.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from wres.inputs.cells import (
    ORG_CODE,
    compose_missing_reason,
    normalise_band,
    parse_count,
    parse_percent,
    parse_year,
    value_missing_reason,
)
from wres.inputs.grid import SheetProblem, read_grid
from wres.inputs.schema import (
    Locator,
    band_lookup,
    duplicate_problems,
    empty_trust_frame,
    group_lookup,
    identity_problems,
    percent_indicators,
    schema_problems,
    typed_frame,
)
from wres.inputs.successors import SUCCESSOR_FILE, apply_successors
from wres.inputs.validate import DataError, Problem
from wres.registry import Registry, load_registry

#: Files a trusts folder may hold, besides READMEs, sidecars and the successor table.
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".xls")

_REQUIRED = ("year", "org_code", "indicator", "group", "denominator")
_OPTIONAL_TEXT = ("org_name", "region", "org_type", "band", "missing_reason")


def _header_problems(header: list[str], label: str, line: int, problem_cls: type[Problem]) -> list[Problem]:
    problems = []
    names = [h.strip().lower() for h in header]
    dupes = sorted({h for h in names if h and names.count(h) > 1})
    for h in dupes:
        problems.append(problem_cls(label, line, h, None, "the header names this column more than once"))
    missing = [c for c in _REQUIRED if c not in names]
    if "numerator" not in names and "percent" not in names:
        missing.append("numerator")
    for col in missing:
        near = difflib.get_close_matches(col, names, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(map(repr, near))}?" if near else ""
        seen = ", ".join(repr(h) for h in header[:8])
        delim = ""
        if len(header) == 1 and any(d in header[0] for d in (";", "\t", "|")):
            delim = " (the file looks delimited by something other than commas)"
        problems.append(
            problem_cls(label, line, col, None, f"required column is missing; the header has {seen}{delim}{hint}")
        )
    return problems


def load_trust_file(path: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """One CSV, XLSX or XLS file in the long format as a typed, validated table.

    The first non-blank row is the header (column names as in the contract, any case;
    ``org_name``, ``region``, ``org_type``, ``band``, ``percent`` and ``missing_reason`` may be
    left out). For a workbook the first sheet is read. Every cell is read as text and then
    parsed, so nothing is coerced silently: a year written ``2022/23`` or ``FY2023`` is an
    error with a hint; a suppressed or blank count/percent (``*``, ``-``, ``..``, blank)
    becomes missing with the reason recorded in ``missing_reason``. Repeated identical rows
    are kept once; repeated keys with different values are an error.

    Returns the contract columns plus ``source_file`` (file name) and ``source_line`` (CSV
    line or spreadsheet row of the figure).
    """
    registry = registry or load_registry()
    path = Path(path)
    label, grid, is_sheet = read_grid(path)
    problem_cls = SheetProblem if is_sheet else Problem
    if not grid:
        raise DataError([problem_cls(label, 1, None, None, "the file is empty (no header, no rows)")])
    header_line, header = grid[0]
    problems = _header_problems(header, label, header_line, problem_cls)
    DataError.raise_any(problems)
    if len(grid) == 1:
        raise DataError([problem_cls(label, header_line + 1, None, None, "the file has a header but no data rows")])

    names = [h.strip().lower() for h in header]
    width = len(names)
    # A row longer than the header usually means an unquoted comma inside a name.
    for n, r in grid[1:]:
        if len(r) > width:
            problems.append(
                problem_cls(
                    label,
                    n,
                    None,
                    ",".join(r[width:]),
                    f"the row has {len(r)} cells but the header has {width} (a comma inside a name must be quoted)",
                )
            )
    DataError.raise_any(problems)
    cells = [(r + [""] * width)[:width] for _, r in grid[1:]]
    text = pd.DataFrame(cells, columns=names, dtype=str)
    for col in (*_OPTIONAL_TEXT, "numerator", "percent"):
        if col not in text.columns:
            text[col] = ""
    lines = [n for n, _ in grid[1:]]
    df, problems = _parse_long_text(text, lines, label, registry, problem_cls)
    df["source_file"] = pd.array([label] * len(df), dtype="str")
    df["source_line"] = pd.array(lines, dtype="Int64")

    ok = df.attrs.pop("parsed_ok")
    checked = df[ok].reset_index(drop=True)
    problems += schema_problems(checked, registry, Locator(checked, label), label)
    dup_problems, drop = duplicate_problems(checked, Locator(checked, label), label)
    problems += dup_problems
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.line or 0, p.column or "")))
    return checked[~drop].reset_index(drop=True)


def _parse_long_text(
    text: pd.DataFrame, lines: list[int], label: str, registry: Registry, problem_cls: type[Problem]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse the text columns of a long-format table into contract dtypes.

    Bad cells become missing and are reported; ``attrs['parsed_ok']`` marks rows that parsed
    cleanly (only those go on to the schema, so one bad cell is reported once).
    """
    problems: list[Problem] = []
    n = len(text)
    ok = np.ones(n, dtype=bool)

    def bad(i: int, col: str, value: object, reason: str) -> None:
        ok[i] = False
        problems.append(problem_cls(label, lines[i], col, value, reason))

    years = [None] * n
    for i, t in enumerate(text["year"]):
        years[i], err = parse_year(t)
        if err:
            bad(i, "year", t, err)

    indicators = [None] * n
    for i, t in enumerate(text["indicator"]):
        value, _, err = parse_count(t)
        if err or value is None:
            bad(i, "indicator", t, "not an indicator number" if t.strip() else "a value is required")
        indicators[i] = value

    groups = group_lookup(registry)
    group = [groups.get(t.strip().casefold(), t.strip()) for t in text["group"]]
    bands = band_lookup(registry)
    band = [normalise_band(t, bands) for t in text["band"]]
    codes = [t.strip().upper() for t in text["org_code"]]
    for i, c in enumerate(codes):
        if not c:
            bad(i, "org_code", "", "a value is required")
        elif not ORG_CODE.fullmatch(c):
            bad(
                i,
                "org_code",
                text["org_code"].iat[i],
                "not an organisation code: use 2-10 letters and digits, no spaces or punctuation (e.g. RJ1)",
            )

    pct_ids = percent_indicators(registry)
    num, den, pct, reasons = [None] * n, [None] * n, [None] * n, [""] * n
    # Plain lists: per-cell DataFrame access costs more than the parsing itself.
    cells = {col: text[col].tolist() for col in ("numerator", "denominator", "percent", "missing_reason")}
    for i in range(n):
        num[i], num_r, e1 = parse_count(cells["numerator"][i])
        den[i], den_r, e2 = parse_count(cells["denominator"][i])
        pct[i], pct_r, e3 = parse_percent(cells["percent"][i])
        for col, err in (("numerator", e1), ("denominator", e2), ("percent", e3)):
            if err:
                bad(i, col, cells[col][i], err)
        if indicators[i] in pct_ids:
            value_r = value_missing_reason(num_r, pct_r)
        else:
            value_r = num_r
        given = cells["missing_reason"][i].strip()
        auto = compose_missing_reason([("value", value_r or ""), ("denominator", den_r or "")])
        # The file's own reason is kept: the analyst knows why better than a token does.
        reasons[i] = given or auto

    df = typed_frame(
        {
            "year": years,
            "org_code": codes,
            "org_name": [t.strip() for t in text["org_name"]],
            "region": [t.strip() for t in text["region"]],
            "org_type": [t.strip() for t in text["org_type"]],
            "indicator": indicators,
            "band": band,
            "group": group,
            "numerator": num,
            "denominator": den,
            "percent": pct,
            "missing_reason": reasons,
        }
    )
    df.attrs["parsed_ok"] = ok
    return df, problems


# ---------------------------------------------------------------------------------------
# Folders of organisation files
# ---------------------------------------------------------------------------------------


def trust_files(folder: str | Path, root: str | Path | None = None) -> list[Path]:
    """The data files of a trusts folder: every *.csv, *.xlsx and *.xls except READMEs, sidecars
    (``*.meta.yml``), the successor table, Excel lock files (``~$...``) and hidden files,
    sorted by name.

    Any other file is refused by name (a ``.ods`` or ``.csv.gz`` would otherwise be
    skipped without a word), and so is a link that points outside ``root`` (default: the
    folder itself): the build reads only files inside the repository."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    inside = Path(root or folder).resolve()
    out, problems = [], []
    for p in sorted(folder.iterdir()):
        name = p.name.lower()
        if name.startswith(("~$", ".")) or name.startswith("readme") or name.endswith(".meta.yml"):
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(inside):
            problems.append(
                Problem(
                    p.name, None, None, None, "is a link to a file outside the repository; copy the file in instead"
                )
            )
            continue
        if p.is_dir() or name == SUCCESSOR_FILE:
            continue
        if "".join(p.suffixes[-1:]).lower() not in SUPPORTED_SUFFIXES or name.endswith((".csv.gz", ".csv.zip")):
            problems.append(
                Problem(
                    p.name,
                    None,
                    None,
                    None,
                    "is not a supported file type: organisation files must be CSV (UTF-8) "
                    "or Excel .xlsx or .xls (an .ods or compressed file must be converted)",
                )
            )
            continue
        out.append(p)
    DataError.raise_any(problems)
    return out


def load_trust_folder(
    folder: str | Path,
    registry: Registry | None = None,
    successors: str | Path | pd.DataFrame | None = None,
    root: str | Path | None = None,
) -> pd.DataFrame:
    """Every long-format file in ``folder`` (normally ``data/raw/trusts/``), concatenated.

    Problems in all files are reported together. A figure given in two files must agree
    (identical repeats are kept once). ``successors`` (a path or frame; default the folder's
    ``successors.csv`` if present) links renamed and merged organisations: see
    :func:`apply_successors`. ``root``: links may point anywhere inside it (default: the
    folder). A missing or empty folder gives an empty frame with the right columns. Output: the contract columns, ``source_file``, ``source_line`` and
    ``reported_code`` (the code as written in the file, before successor mapping).
    """
    registry = registry or load_registry()
    folder = Path(folder)
    frames, problems = [], []
    for path in trust_files(folder, root):
        try:
            frames.append(load_trust_file(path, registry))
        except DataError as err:
            problems.extend(err.problems)
    DataError.raise_any(problems)
    if not frames:
        df = empty_trust_frame()
    else:
        df = pd.concat(frames, ignore_index=True)
        dup_problems, drop = duplicate_problems(df)
        dup_problems += identity_problems(df)
        if dup_problems:
            raise DataError(dup_problems)
        df = df[~drop].reset_index(drop=True)
    df["reported_code"] = df["org_code"].astype("str")
    if successors is None and (folder / SUCCESSOR_FILE).is_file():
        successors = folder / SUCCESSOR_FILE
    if successors is not None:
        df = apply_successors(df, successors)
    return df
