"""One job: pooled figures of one indicator nationally, by region and by organisation type
(``trust_aggregates``): counts are summed over the organisations before rates are taken.

Built from the indicator's kind (``wres.kinds``) as the organisation rows are
(:mod:`wres.analysis.organisation_rows`); a kind that computes its own answers
``Kind.aggregate_rows``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres.analysis import notes
from wres.analysis.organisation_rows import gap_ci, rename_groups
from wres.kinds import Kind
from wres.results import ALL_ORGANISATIONS

#: ``category`` of the national rows of ``trust_aggregates``.
ALL_ORGS = ALL_ORGANISATIONS
#: (``level``, the columns pooled over) of each kind of aggregate row.
LEVELS = (("national", ["year"]), ("region", ["year", "region"]), ("org_type", ["year", "org_type"]))
#: Columns of the statistics' frames that are working values, not results.
_WORKING = ("log_rl", "se_log_rl", "numerator_group", "comparison_group", "zero_cell_correction", "note_codes")


def _workforce_level(long: pd.DataFrame, by: list[str], kind: Kind, alpha: float) -> pd.DataFrame:
    """Senior band against the whole workforce: the two bands pooled as two "groups", the
    result named with the minority group's columns (``workforce_*`` for the workforce)."""
    from wres.stats.rates import RELATIVE_LIKELIHOOD, Comparison, aggregate_rates

    m = kind.standard.minority_group
    sb, wb = kind.ind.trust.band, kind.ind.trust.workforce_band
    a = aggregate_rates(long, by, Comparison(kind.ind.id, sb, wb, RELATIVE_LIKELIHOOD, alpha))
    a["note"] = notes.rate_notes(a["note_codes"], (sb, wb))
    a = a.rename(
        columns={
            f"{q}_{wb}{s}": f"workforce_{q}_{m}{s}"
            for q in ("numerator", "denominator", "rate")
            for s in ("", "_ci_low", "_ci_high")
        }
    )
    a = rename_groups(a, {sb: m})
    with np.errstate(invalid="ignore"):
        # Senior share minus workforce share, the national series' sign (negative: under-represented).
        a["gap"] = 100 * (a[f"rate_{m}"] - a[f"workforce_rate_{m}"])
    a["gap_ci_low"], a["gap_ci_high"] = gap_ci(
        a[f"numerator_{m}"],
        a[f"denominator_{m}"],
        a[f"workforce_numerator_{m}"],
        a[f"workforce_denominator_{m}"],
        alpha,
    )
    a = a.drop(columns=[f"workforce_numerator_{m}", f"workforce_denominator_{m}"])
    a["band"] = sb
    return a


def _two_group_level(trusts: pd.DataFrame, by: list[str], kind: Kind, deff: float, alpha: float) -> pd.DataFrame:
    from wres.stats.rates import Comparison, aggregate_rates

    g1, g2 = kind.groups
    survey = kind.weighted_survey
    comparison = Comparison(kind.ind.id, g1, g2, kind.rates_measure, alpha, deff if survey else 1.0)
    a = aggregate_rates(trusts, by, comparison)
    a["note"] = notes.rate_notes(a["note_codes"], (g1, g2), short_weighted=survey)
    return a


def aggregates(trusts: pd.DataFrame, kind: Kind, deff: float, alpha: float) -> pd.DataFrame:
    """``trust_aggregates`` rows of one indicator: ``level`` (national, region, org_type),
    ``category`` (:data:`ALL_ORGS` for national), then the organisation rows' columns, in
    the kind's :attr:`~wres.kinds.base.Kind.unit`. ``deff``: survey design effect;
    ``alpha``: 1 - confidence. Empty when the kind pools nothing."""
    long = kind.senior_and_workforce(trusts) if kind.versus_workforce else None
    out = []
    for level, by in LEVELS:
        a = kind.aggregate_rows(trusts, by, deff=deff, alpha=alpha)
        if a is None:
            if long is not None:
                a = _workforce_level(long, by, kind, alpha)
            else:
                a = _two_group_level(trusts, by, kind, deff, alpha)
        a.insert(0, "level", level)
        a.insert(1, "category", ALL_ORGS if level == "national" else a[by[-1]].astype(str))
        a = a.drop(columns=[c for c in ("region", "org_type") if c in a.columns])
        a["measure"], a["unit"] = kind.measure, kind.unit
        out.append(a)
    res = pd.concat(out, ignore_index=True)
    return res.drop(columns=[c for c in _WORKING if c in res.columns])
