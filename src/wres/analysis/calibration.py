"""The calibration results the book shows: the full harness run recorded in
``data/calibration/calibration.csv`` (made by ``wres calibrate``; its sidecar says with
which seed, replicates and command), checked, judged by the pass rule of issue 16
(:func:`bounds`, the ``keeps_promise`` column) and passed on to ``results/``."""

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


#: The pass rule (issue 16). A row keeps its promise when its false-alarm rate is
#: * two-sided tests and each side of the 95% funnel limits: within a factor 1.5 of the
#:   nominal rate (nominal / 1.5 to 1.5 x nominal), or within 3 Monte Carlo SE where that
#:   is wider;
#: * the share outside the 95% funnel limits: within 30% of 5% (5 +/- 1.5 points, issue 16's
#:   bound), or 3 SE where wider;
#: * the 99.8% funnel limits (each side and outside): at most 2 x nominal (or nominal + 3 SE);
#: * exact or discrete tests (``at_most_nominal``; representation limits, exact Mann-Kendall,
#:   Benjamini-Hochberg's chance of any discovery): at most nominal + 3 SE.
#: Rows expected to ``break`` or shown as ``anti_conservative`` are judged by the same rule
#: (and fail it); ``informative`` rows promise nothing.
FACTOR = 1.5
FUNNEL_95_OUTSIDE = 0.3
FUNNEL_998_FACTOR = 2.0
#: Tests whose stated rate is a bound (discrete tests, BH), judged one-sided whatever their row.
DISCRETE_PREFIXES = ("representation_", "mann_kendall_exact", "bh_", "change_representation_")


def _se(row: pd.Series) -> float:
    # A share of exactly 0 has no replicate spread: the binomial SE of one trial per
    # replicate at the nominal rate stands in.
    return row["mc_se"] if row["mc_se"] > 0 else (row["nominal"] * (1 - row["nominal"]) / row["n_sim"]) ** 0.5


def bounds(row: pd.Series) -> tuple[float, float]:
    """``(lowest, highest)`` false-alarm rate the pass rule allows a row (see the rule above)."""
    se, nominal, test, expected = _se(row), row["nominal"], str(row["test"]), row["expected"]
    one_sided = expected == "at_most_nominal" or (
        expected in ("breaks", "anti_conservative") and test.startswith(DISCRETE_PREFIXES)
    )
    if one_sided:
        return 0.0, nominal + 3 * se
    if test.startswith("funnel_") and "_998_" in test:
        return 0.0, max(FUNNEL_998_FACTOR * nominal, nominal + 3 * se)
    if test.startswith("funnel_") and test.endswith("_95_outside"):
        width = max(FUNNEL_95_OUTSIDE * nominal, 3 * se)
        return nominal - width, nominal + width
    return min(nominal / FACTOR, nominal - 3 * se), max(FACTOR * nominal, nominal + 3 * se)


def keeps_promise(row: pd.Series) -> object:
    """Whether a row's false-alarm rate keeps the pass rule for its stated rate (True or
    False; :func:`bounds`), or NA for ``informative`` rows, which only describe."""
    if row["expected"] == "informative":
        return pd.NA
    low, high = bounds(row)
    return bool(low <= row["false_alarm_rate"] <= high)


def judged(table: pd.DataFrame) -> pd.DataFrame:
    """The calibration table with ``keeps_promise`` added (see :func:`keeps_promise`), in
    the catalogue's column order."""
    out = table.copy()
    out["keeps_promise"] = pd.array([keeps_promise(r) for _, r in out.iterrows()] if len(out) else [], dtype="boolean")
    order = [c for c in results.table("calibration").columns if c in out.columns]
    return out[order + [c for c in out.columns if c not in order]]
