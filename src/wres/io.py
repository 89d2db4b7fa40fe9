"""Writing generated files so that unchanged content leaves files (and timestamps) alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd


def write_if_changed(path: Path, text: str) -> Path:
    """Write ``text`` only when it differs: an unchanged input then leaves results, chapters
    and the incremental build untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def round_floats(df: pd.DataFrame, digits: int = 10) -> pd.DataFrame:
    """A copy with float columns rounded to ``digits`` decimals: the last bits of a float
    differ between machines and library versions, and results files must not."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a results table: floats rounded (:func:`round_floats`), no index, ``\\n`` line
    ends, and the file left alone when its content is unchanged."""
    return write_if_changed(Path(path), round_floats(df).to_csv(index=False, lineterminator="\n"))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"
