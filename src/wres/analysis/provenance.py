"""Where the inputs came from: the raw files with their checked sidecars
(``provenance_files.csv``) and the cited source pages (``sources.csv``)."""

from __future__ import annotations

import pandas as pd

from wres import results
from wres.inputs.sources import kind_rank, source_standing

#: As the results catalogue names them (one list, in wres.results).
SOURCE_TABLE_COLUMNS = list(results.table("sources").columns)


def sources_table(sources: pd.DataFrame, figures: pd.DataFrame, breakdowns: pd.DataFrame) -> pd.DataFrame:
    """Each cited source page as listed in ``wres_sources.csv``, with ``n_figures``: the
    national and breakdown rows that cite it, the kind's rank (most direct first) and its
    standing for readers (official, secondary or mirror)."""
    cited = (
        pd.concat([f["source"] for f in (figures, breakdowns) if len(f)], ignore_index=True)
        if len(figures) or len(breakdowns)
        else pd.Series(dtype=str)
    )
    counts = cited.value_counts()
    out = sources.copy()
    out["n_figures"] = out["source"].map(counts).fillna(0).astype(int)
    out["kind_rank"] = out["kind"].map(kind_rank).astype(int)
    out["standing"] = out["kind"].map(source_standing)
    return out[SOURCE_TABLE_COLUMNS]
