"""The sidecars (``*.meta.yml``) that describe every raw input file, read and checked.

Each sidecar records where its file came from and the file's md5; here the md5 is
recomputed and the file's data rows counted, so a changed input shows on the data page.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import yaml

from wres.inputs.validate import DataError, Problem

SIDECAR_SUFFIX = ".meta.yml"
#: Fields copied from each sidecar (blank when the sidecar leaves one out).
FIELDS = ("title", "description", "compiled", "method", "producer", "licence", "date_accessed")
COLUMNS = ("file", *FIELDS, "md5_recorded", "md5_actual", "md5_ok", "rows")


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def csv_rows(path: Path) -> int:
    """Data records of a CSV (header excluded); a quoted cell may span lines."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def read_sidecar(meta: Path, root: Path) -> dict:
    """One sidecar as a row of ``provenance_files``: ``file`` is relative to ``root`` with
    forward slashes; ``md5_actual`` and ``rows`` are blank when the file is absent, and
    ``rows`` is blank for a file that is not CSV."""
    try:
        # Every scalar as text: an md5 of digits only would otherwise become a number.
        info = yaml.load(meta.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as err:
        raise DataError(
            [Problem(meta.relative_to(root).as_posix(), None, None, None, f"is not valid YAML: {err}")]
        ) from None
    if not isinstance(info, dict):
        raise DataError(
            [Problem(meta.relative_to(root).as_posix(), None, None, None, "must be a YAML mapping of field: value")]
        )
    target = meta.with_name(meta.name.removesuffix(SIDECAR_SUFFIX))
    exists = target.is_file()
    recorded = _text(info.get("md5"))
    actual = md5(target) if exists else ""
    return {
        "file": target.relative_to(root).as_posix(),
        **{k: _text(info.get(k)) for k in FIELDS},
        "md5_recorded": recorded,
        "md5_actual": actual,
        "md5_ok": exists and actual == recorded,
        "rows": csv_rows(target) if exists and target.suffix.lower() == ".csv" else pd.NA,
    }


def read_sidecars(raw_dir: Path, root: Path) -> pd.DataFrame:
    """Every sidecar under ``raw_dir`` (sorted by path), one row each (:data:`COLUMNS`)."""
    rows = [read_sidecar(m, Path(root)) for m in sorted(Path(raw_dir).rglob("*" + SIDECAR_SUFFIX))]
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["rows"] = out["rows"].astype("Int64")
    return out


def md5_mismatches(raw_dir: Path, root: Path) -> list[tuple[str, str, str]]:
    """``(file, md5 recorded, md5 now)`` for every raw file that differs from its sidecar.

    Such a file is still built as it is (adding a year must stay one step), but the build
    says so loudly and `wres accept FILE` records the new md5."""
    table = read_sidecars(raw_dir, root)
    bad = table[~table["md5_ok"].astype(bool)]
    return [(r.file, r.md5_recorded, r.md5_actual) for r in bad.itertuples()]


def accept(file: Path, root: Path) -> tuple[str, str]:
    """Record ``file``'s current md5 in its sidecar (the one line ``md5: …``; every other
    line, comments included, is kept). Returns (old, new). The file must lie inside ``root``
    and have a sidecar."""
    file = Path(file).resolve()
    root = Path(root).resolve()
    if not file.is_relative_to(root):
        raise DataError([Problem(str(file), None, None, None, "is outside the repository")])
    meta = file.with_name(file.name + SIDECAR_SUFFIX)
    rel = file.relative_to(root).as_posix()
    if not file.is_file():
        raise DataError([Problem(rel, None, None, None, "no such file")])
    if not meta.is_file():
        raise DataError(
            [
                Problem(
                    rel,
                    None,
                    None,
                    None,
                    f"has no sidecar {meta.name}; write one first (see data/README.md, 'Sidecars')",
                )
            ]
        )
    old = read_sidecar(meta, root)["md5_recorded"]
    new = md5(file)
    lines = meta.read_text(encoding="utf-8").splitlines(keepends=True)
    out, done = [], False
    for line in lines:
        if line.startswith("md5:") and not done:
            line, done = f"md5: {new}\n", True
        out.append(line)
    if not done:
        out.append(("" if not out or out[-1].endswith("\n") else "\n") + f"md5: {new}\n")
    tmp = meta.with_name(meta.name + ".tmp")
    tmp.write_text("".join(out), encoding="utf-8")
    tmp.replace(meta)  # atomic: a crash never leaves half a sidecar
    return old, new
