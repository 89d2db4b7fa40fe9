"""Organisation figures offered for download: one file as the pages show the figures, and
its twin at full precision.

One job: writing that pair and the links to it. A reader opening the download in a
spreadsheet should see the numbers the page shows (``1.39``, ``37.2``), not ``1.3871840212``;
a program wants every digit the analysis kept. So each download is written twice, with the
same rows and columns: ``NAME.csv`` at display precision and ``NAME-full-precision.csv`` as
in ``results/``. Display precision is the page's:

* a value and its interval (``value``, ``ci_low``, ``ci_high``, ``all_organisations_value``)
  as the indicator's kind writes it (:attr:`wres.kinds.base.Kind.value_format`: two decimals
  for a ratio, one for a percent);
* a gap between the groups and its interval in percentage points to one decimal, as the site
  writes points (``-12.1``);
* a count as a whole number; a staff-survey count, which is a percent times the respondents
  and so need not be whole, to one decimal (as the funnel's tooltip shows it);
* a group's rate (a proportion, shown on the pages as a percent to one decimal) to three
  decimals, and a funnel z-score to two.

Display values are written as text holding the number (``1.40`` keeps its trailing zero), which
a spreadsheet reads as that number; both files go through :mod:`wres.report.csv_safety`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from wres.io import inside
from wres.kinds import Kind
from wres.report.csv_safety import to_safe_csv
from wres.report.words import as_number

#: The suffix of the full-precision twin of a download (before ``.csv``).
FULL = "-full-precision"

#: Columns written in the indicator's own value format.
_VALUE_COLUMNS = ("value", "ci_low", "ci_high", "all_organisations_value")
#: Columns in percentage points (one decimal).
_POINTS_COLUMNS = ("gap", "gap_ci_low", "gap_ci_high")


def count_columns(columns: list[str] | tuple[str, ...]) -> list[str]:
    """The counts and rates of each group among ``columns`` (catalogue order): numerators,
    denominators and rates with their intervals, and a representation indicator's workforce
    counts (``numerator_<group>``, ``workforce_denominator_<group>``, ``rate_<group>_ci_low`` …)."""
    starts = ("numerator_", "denominator_", "rate_", "workforce_numerator_", "workforce_denominator_")
    return [c for c in columns if c.startswith(starts) or c.startswith("workforce_rate_")]


def _decimals(pattern: str) -> int:
    """The decimals of a ``str.format`` pattern such as ``{:.2f}`` or ``{:.1f}%`` (2 if none)."""
    m = re.search(r"\.(\d+)[fF%]", pattern)
    return int(m.group(1)) if m else 2


def _fixed(v: object, decimals: int) -> str:
    x = as_number(v)
    if math.isnan(x):
        return ""
    text = f"{x:.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text  # no "-0.0"


def _count(v: object) -> str:
    x = as_number(v)
    if math.isnan(x):
        return ""
    return f"{x:.0f}" if x.is_integer() else f"{x:.1f}"


def display_precision(frame: pd.DataFrame, kind_for: Callable[[int], Kind]) -> pd.DataFrame:
    """``frame`` (rows of ``trust_indicators`` with an ``indicator`` column) with its numbers
    as the pages show them (see the module docstring); other columns unchanged."""
    out = frame.copy()
    decimals = {int(i): _decimals(kind_for(int(i)).value_format) for i in out["indicator"].unique()}
    per_row = out["indicator"].astype(int).map(decimals)
    for c in out.columns:
        if c in _VALUE_COLUMNS:
            out[c] = [_fixed(v, d) for v, d in zip(out[c], per_row, strict=True)]
        elif c in _POINTS_COLUMNS:
            out[c] = [_fixed(v, 1) for v in out[c]]
        elif c.startswith(("numerator_", "denominator_", "workforce_numerator_", "workforce_denominator_")):
            out[c] = [_count(v) for v in out[c]]
        elif c.startswith(("rate_", "workforce_rate_")):
            out[c] = [_fixed(v, 3) for v in out[c]]
        elif c == "funnel_z":
            out[c] = [_fixed(v, 2) for v in out[c]]
    return out


def write_pair(
    frame: pd.DataFrame, folder: str | Path, stem: str, kinds: Mapping[int, Kind] | Callable[[int], Kind]
) -> tuple[str, str]:
    """Write ``frame`` as ``folder/stem.csv`` at display precision and as
    ``folder/stem-full-precision.csv`` unrounded; return both file names."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kind_for = kinds if callable(kinds) else kinds.__getitem__
    shown, full = f"{stem}.csv", f"{stem}{FULL}.csv"
    to_safe_csv(display_precision(frame, kind_for), inside(folder / shown, folder))
    to_safe_csv(frame, inside(folder / full, folder))
    return shown, full


def links(what: str, folder: str | Path, shown: str, full: str) -> str:
    """The MyST download links of a pair: the file as the page shows it first, then its twin."""
    base = Path(folder).as_posix()
    return (
        f"{{download}}`Download {what} as CSV, as this page shows them ({shown}) <{base}/{shown}>`; "
        f"{{download}}`the same at full precision ({full}) <{base}/{full}>`."
    )
