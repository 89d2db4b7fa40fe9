"""CSV downloads that are safe to open in spreadsheet software (no formula injection).

A spreadsheet opening a CSV treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as
a formula, so an organisation named ``=HYPERLINK("https://…","x")`` or
``=cmd|'/c calc'!A1`` in a data file would run in the reader's spreadsheet.  Tab and
carriage return are on the list because some programs skip them and read the formula that
follows.

The rule (OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection):
a TEXT cell whose first character is one of ``=`` ``+`` ``-`` ``@``, tab (U+0009) or
carriage return (U+000D) gets a single quote ``'`` put in front of it, which spreadsheet
programs show as text and do not evaluate.  The rest of the cell is unchanged, and the
writer (pandas ``to_csv``, csv module) quotes cells holding commas, quotes or line breaks
as usual, which OWASP also asks for.

Left alone:

* numbers stored as numbers (int, float, NumPy numbers, numeric columns), negative ones too:
  ``-1.5`` is written as ``-1.5``;
* text that is a plain decimal number, such as ``"-1.5"`` or ``"+3"`` or ``"-2e-3"``: a
  spreadsheet reads it as that number, nothing else can follow it, so quoting it would
  only turn figures into text;
* missing values, and text starting with any other character (``"A=B"`` stays).

Use :func:`safe_frame` on a table before writing a download, or :func:`to_safe_csv` to do
both.  Results files under ``results/`` are data for programs, not downloads, and are not
changed (they stay byte-identical).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

#: First characters that make spreadsheet software read a cell as a formula (OWASP list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Text that a spreadsheet reads as a plain number: optional sign, digits, point, exponent.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_text(text: str) -> str:
    """``text`` with a leading ``'`` if it would start a formula (see the module docstring)."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """:func:`safe_text` for text; any other value (numbers, missing values) unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell made safe; numeric columns are untouched.

    Column names are text from the book (not data) and are left as they are.
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell, na_action="ignore")
    return out


def to_safe_csv(frame: pd.DataFrame, path: str | Path, **to_csv_args: Any) -> Path:
    """Write ``safe_frame(frame)`` to ``path`` with ``DataFrame.to_csv`` (default ``index=False``)."""
    to_csv_args.setdefault("index", False)
    safe_frame(frame).to_csv(path, **to_csv_args)
    return Path(path)
