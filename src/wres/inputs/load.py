"""Every input a build reads, read and validated: the national figures, the breakdowns, the
organisation files and the sources with their citations.

It imports only the readers (pandas and pandera), not the statistics: a build validates its
inputs first, so a malformed file is named before the analysis stack (statsmodels, scipy:
about a second to import) is loaded.
"""

from __future__ import annotations

import pandas as pd

from wres.config import Paths
from wres.inputs.national import load_breakdowns, load_national
from wres.inputs.organisations import load_trust_folder
from wres.inputs.sources import check_cited, load_sources
from wres.registry import Registry

#: (figures, breakdowns, organisation rows, sources), as :func:`load_inputs` returns them.
Inputs = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]


def load_inputs(paths: Paths, registry: Registry) -> Inputs:
    """Read and validate every input a build reads (national figures, breakdowns,
    organisation files, sources and their citations), without the sidecars' md5 check.
    Returns (figures, breakdowns, trusts, sources); raises DataError naming file, line,
    column and value. ``wres accept`` runs it before recording a new md5, so it never
    records a file the build would refuse."""
    figures = load_national(paths.national_csv, registry)
    breakdowns = load_breakdowns(paths.breakdowns_csv, registry) if paths.breakdowns_csv.exists() else pd.DataFrame()
    trusts = load_trust_folder(paths.trusts, registry, root=paths.root)
    sources = load_sources(paths.sources_csv)
    check_cited(
        sources,
        pd.concat(
            [f[["source", "source_file", "source_line"]] for f in (figures, breakdowns) if len(f)], ignore_index=True
        ),
        paths.sources_csv.name,
    )
    return figures, breakdowns, trusts, sources
