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

#: Every kind of source page ``wres_sources.csv`` may name, most direct first, with what it is
#: to a reader: ``official`` (the publisher's own pages or official statistics), ``secondary``
#: (someone else quoting or copying them) or ``mirror`` (a copy on an unrelated site, which
#: pages flag wherever a figure from it appears). The order is editorial: pages list sources
#: official first. A kind not listed here stops the build (a typo would otherwise sort a
#: source silently among the secondary ones).
SOURCE_KINDS: dict[str, str] = {
    "official": "official",
    "official statistics": "official",
    "NHS body": "secondary",
    "copy of an official release": "secondary",
    "copy of a publication": "secondary",
    "professional body": "secondary",
    "think tank": "secondary",
    "journal news": "secondary",
    "news": "secondary",
    "consultancy": "secondary",
    "blog": "secondary",
    "mirror of a personal article": "mirror",
}


def source_standing(kind: str) -> str:
    """``official``, ``secondary`` or ``mirror`` for a known ``kind`` (KeyError otherwise)."""
    return SOURCE_KINDS[kind]


def kind_rank(kind: str) -> int:
    """A known kind's place in :data:`SOURCE_KINDS` (most direct first)."""
    return list(SOURCE_KINDS).index(kind)


def load_sources(path: str | Path) -> pd.DataFrame:
    """One row per cited source page, with ``source_line`` (the header is line 1).

    Raises DataError for a missing file or column, a blank required cell, a page listed
    twice or a kind of source not in :data:`SOURCE_KINDS`."""
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
    known = ", ".join(SOURCE_KINDS)
    problems += [
        Problem(name, line_of(i), "kind", df.at[i, "kind"], f"unknown kind of source (known kinds: {known})")
        for i in df.index
        if df.at[i, "kind"] not in SOURCE_KINDS
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
