"""The source pages the national figures cite (``wres_sources.csv``), read and checked.

Every ``source`` of a national or breakdown figure must have a row here saying what kind of
source it is and who published it; the file is read with every cell as text, like the
other published inputs (:mod:`wres.inputs.national`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres.inputs.national import read_text_table
from wres.inputs.validate import DataError, Problem, line_of, parse_columns

#: Columns of ``wres_sources.csv`` (all text; ``?`` = may be blank).
SOURCE_COLUMNS: dict[str, str] = {
    "source": "str",
    "source_outlet": "str",
    "kind": "str",
    "publisher": "str",
    "description": "str?",
    "figures_for_report_years": "str?",
}


def load_sources(path: str | Path) -> pd.DataFrame:
    """One row per cited source page, with ``source_line`` (the header is line 1).

    Raises DataError for a missing file or column, a blank required cell or a page listed
    twice."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise DataError([Problem(str(path), None, None, None, "the list of source pages is missing")])
    df = parse_columns(read_text_table(path), SOURCE_COLUMNS, name)
    df = df.fillna("")
    dup = df["source"].duplicated(keep="first")
    problems = [
        Problem(name, line_of(i), "source", df.at[i, "source"], "this source page is listed twice")
        for i in df.index[dup]
    ]
    DataError.raise_any(problems)
    df["source_line"] = [line_of(i) for i in df.index]
    return df.reset_index(drop=True)


def check_cited(sources: pd.DataFrame, figures: pd.DataFrame, sources_file: str = "wres_sources.csv") -> None:
    """Raise DataError naming the file, line and value of every figure whose ``source`` is
    not in ``sources``. ``figures`` carries ``source_file`` and ``source_line`` (as the
    loaders in :mod:`wres.inputs.national` give them)."""
    known = set(sources["source"])
    bad = figures[~figures["source"].isin(known)]
    problems = [
        Problem(
            str(r.source_file), int(r.source_line), "source", r.source, f"cited source page is not in {sources_file}"
        )
        for r in bad.itertuples()
    ]
    DataError.raise_any(problems)
