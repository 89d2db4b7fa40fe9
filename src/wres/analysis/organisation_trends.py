"""One job: each organisation's trend test of one indicator (``trust_trends``).

Per organisation and indicator (:func:`wres.stats.gap_trend.trends_for_all`): a
quasi-binomial GLM of the change in the gap between the two groups the kind names
(``Kind.trend_counts``; log odds ratio per year), Benjamini-Hochberg across organisations
within an indicator. The verdict judges the fitted odds ratio at the first and last year
tested against parity (:func:`wres.stats.gap_trend.parity_verdict`): improving = the gap
closing, worsening = the gap widening, "crossed parity" = it changed sides; ``improvement``
is "towards parity". For the staff survey the weighted percent x respondents stands in for
a count; the GLM's quasi-binomial scale absorbs the extra variance of the weighting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres.analysis import notes
from wres.kinds import Kind

#: ``improvement`` of every organisation trend: the gap closing (``wres.stats.parity``).
TOWARDS_PARITY = "towards parity"


def trends(trusts: pd.DataFrame, kind: Kind, alpha: float) -> pd.DataFrame | None:
    """``trust_trends`` rows of one indicator (None when its kind has no trend test).
    ``alpha``: the false discovery rate of the verdicts."""
    from wres.stats.gap_trend import trends_for_all

    counts = kind.trend_counts(trusts)
    if counts is None:
        return None
    long, labels, options = counts
    t = trends_for_all(long, kind.ind.id, *labels, improvement=kind.trend_improvement(), alpha=alpha, **options)
    if kind.row_band is not None:
        t["band"] = kind.row_band
    t["note"] = notes.trend_notes(t["note_codes"], labels)
    # The fitted gap at the ends, as odds ratios (numerator vs comparison group).
    t["fitted_first"] = np.exp(t["log_or_first"].astype(float))
    t["fitted_last"] = np.exp(t["log_or_last"].astype(float))
    t.insert(4 if "org_name" in t.columns else 3, "tested", kind.tested_words())
    # The verdict judges the movement against parity whatever the registry's direction.
    t.insert(5 if "org_name" in t.columns else 4, "improvement", TOWARDS_PARITY)
    for c in ("first_year", "last_year"):
        t[c] = pd.array(t[c].to_numpy(float), dtype="Float64").astype("Int64")
    return t
