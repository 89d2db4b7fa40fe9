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
        raise DataError([Problem(meta.relative_to(root).as_posix(), None, None, None,
                                 f"is not valid YAML: {err}")]) from None
    if not isinstance(info, dict):
        raise DataError([Problem(meta.relative_to(root).as_posix(), None, None, None,
                                 "must be a YAML mapping of field: value")])
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
