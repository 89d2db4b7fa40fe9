"""The calibration results the book shows: the full harness run recorded in
``data/calibration/calibration.csv`` (made by ``wres calibrate``; its sidecar says with
which seed, replicates and command), checked and passed on to ``results/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres import results
from wres.errors import DataError, Problem


def calibration_table(path: Path, root: Path) -> pd.DataFrame:
    """The recorded harness run at ``path``; an empty frame when the repository has none. A
    file without the catalogue's columns is a DataError naming it (relative to ``root``)."""
    path = Path(path)
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if not path.is_file():
        return pd.DataFrame(columns=list(results.table("calibration").columns))
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    wanted = [c for c in results.table("calibration").columns if c != "keeps_promise"]  # added here
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise DataError([Problem(name, 1, c, None, "required column is missing") for c in missing])
    return judged(df[wanted])


#: Funnel rows (``approximately_nominal``) are judged against fixed tolerances, not 3 Monte
#: Carlo SE (wres.calibration.harness.FUNNEL_TOLERANCE explains why): the share outside the
#: 95% limits within 1.5 points of 5%, each side within 1 point of 2.5%, at most 0.8% outside
#: the 99.8% limits and at most 0.6% on either side of them.
FUNNEL_LIMITS = {("95", "outside"): (0.05, 0.015), ("95", "above"): (0.025, 0.01), ("95", "below"): (0.025, 0.01)}
FUNNEL_MAXIMA = {("998", "outside"): 0.008, ("998", "above"): 0.006, ("998", "below"): 0.006}


def keeps_promise(row: pd.Series) -> object:
    """Whether a row's false-alarm rate keeps what its ``expected`` label promises (True or
    False), or NA for rows that promise nothing (methods shown for comparison, or rows that
    only describe). A share of exactly 0 has no replicate spread: its SE is then the
    binomial SE of one trial per replicate at the nominal rate."""
    se = row["mc_se"] if row["mc_se"] > 0 else (row["nominal"] * (1 - row["nominal"]) / row["n_sim"]) ** 0.5
    rate, nominal, expected = row["false_alarm_rate"], row["nominal"], row["expected"]
    if expected == "nominal":
        return bool(abs(rate - nominal) <= 3 * se)
    if expected == "at_most_nominal":
        return bool(rate <= nominal + 3 * se)
    if expected == "approximately_nominal":
        parts = row["test"].split("_")
        key = (parts[-2], parts[-1])
        if key in FUNNEL_LIMITS:
            centre, tolerance = FUNNEL_LIMITS[key]
            return bool(abs(rate - centre) <= tolerance)
        return bool(rate <= FUNNEL_MAXIMA.get(key, nominal))
    return pd.NA


def judged(table: pd.DataFrame) -> pd.DataFrame:
    """The calibration table with ``keeps_promise`` added (see :func:`keeps_promise`)."""
    out = table.copy()
    out["keeps_promise"] = pd.array([keeps_promise(r) for _, r in out.iterrows()] if len(out) else [], dtype="boolean")
    return out
