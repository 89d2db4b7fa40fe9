"""The calibration results the book shows: the full harness run recorded in
``data/calibration/calibration.csv`` (made by ``wres calibrate``; its sidecar says with
which seed, replicates and command), checked and passed on to ``results/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres import results
from wres.errors import DataError, Problem

#: Where the recorded full run lives, relative to the repository root.
CALIBRATION_CSV = Path("data") / "calibration" / "calibration.csv"


def calibration_table(root: Path) -> pd.DataFrame:
    """The recorded harness run; an empty frame when the repository has none. A file without
    the catalogue's columns is a DataError naming it."""
    path = Path(root) / CALIBRATION_CSV
    if not path.is_file():
        return pd.DataFrame(columns=list(results.table("calibration").columns))
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    missing = [c for c in results.table("calibration").columns if c not in df.columns]
    if missing:
        raise DataError([Problem(CALIBRATION_CSV.as_posix(), 1, c, None, "required column is missing")
                         for c in missing])
    return df[list(results.table("calibration").columns)]
