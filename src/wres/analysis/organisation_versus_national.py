"""One job: every organisation-year against the published national figure of the same
report year (``organisation_versus_national``, file ``trust_versus_national.csv``).

The national series is the one on the organisation value's scale (``Kind.national_series``);
the test is the kind's (``Kind.versus_national``, named by ``Kind.versus_national_test``),
with the national value treated as fixed; the kind also says which national values it can
test against (a ratio must be positive; a difference may be any number).

Organisations differ from England by more than sampling error even when nothing is special
about them; a test on sampling error alone called a quarter of ordinary organisations
"significantly different" (issue 16). So each test allows for the spread between
organisations of the same indicator and year (``tau2``, on the funnel's scale, see
:func:`_spread`): it asks whether the organisation lies outside the prediction interval of
an ordinary organisation. With too few organisations, the kind's documented default is
used, or none; ``tau2_source`` says which, per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres import results as catalogue
from wres.analysis import notes
from wres.kinds import kind_of
from wres.registry import Registry
from wres.stats.survey import SURVEY_DEFF

#: The columns of ``organisation_versus_national`` as the results catalogue names them (one list, in wres.results).
VERSUS_NATIONAL_COLUMNS = list(catalogue.table("organisation_versus_national").columns)


def versus_national(
    ti: pd.DataFrame,
    national: pd.DataFrame,
    registry: Registry,
    *,
    survey_deff: float = SURVEY_DEFF,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every organisation-year against the published national value of the same report year.

    ``ti``: ``trust_indicators`` rows; ``national``: ``national_series`` (``indicator,
    series, report_year, value, unit``). ``comparison``: ``higher``, ``lower``,
    ``not_significant`` (p >= alpha) or ``not_estimable``. Rows without a national figure of
    that year are left out.
    """
    from wres.stats import versus_national as vn

    if ti is None or ti.empty or national is None or national.empty:
        return pd.DataFrame(columns=VERSUS_NATIONAL_COLUMNS)
    parts = []
    for ind in registry.indicators:
        kind = kind_of(ind, registry)
        which = kind.national_series()
        rows = ti[ti["indicator"] == ind.id]
        if which is None or rows.empty:
            continue
        key, unit = which
        nat = national[(national["indicator"] == ind.id) & (national["series"] == key) & (national["unit"] == unit)]
        nat = nat.drop_duplicates("report_year").set_index("report_year")["value"].astype(float)
        rows = rows[rows["year"].isin(nat.index)]
        if rows.empty:
            continue
        nv = rows["year"].map(nat).to_numpy(float)

        def num(c, rows=rows):
            return pd.to_numeric(rows[c], errors="coerce").to_numpy(float)

        with np.errstate(invalid="ignore", divide="ignore"):
            tau2, source = _spread(kind, rows, num, survey_deff)
        with np.errstate(invalid="ignore", divide="ignore"):
            z, p, side = kind.versus_national(num, nv, deff=survey_deff, alpha=alpha, tau2=tau2)
        side = np.where(np.isfinite(side), side, np.nan)
        code = vn.verdict_codes(side, p, alpha)
        parts.append(
            pd.DataFrame(
                {
                    "year": rows["year"].to_numpy(int),
                    "org_code": rows["org_code"].to_numpy(),
                    "org_name": rows["org_name"].to_numpy(),
                    "indicator": ind.id,
                    "band": rows["band"].fillna("").astype(str).to_numpy(),
                    "series": key,
                    "unit": unit,
                    "value": num("value"),
                    "ci_low": num("ci_low"),
                    "ci_high": num("ci_high"),
                    "national_value": nv,
                    "test": kind.versus_national_test,
                    "z": z,
                    "p_value": p,
                    "comparison": code,
                    "note": np.where(code == "not_estimable", notes.NOT_COMPARED_NATIONAL, ""),
                    "tau2": np.nan if tau2 is None else tau2,
                    "tau2_source": source,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=VERSUS_NATIONAL_COLUMNS)
    return pd.concat(parts, ignore_index=True)[VERSUS_NATIONAL_COLUMNS]


#: ``tau2_source`` words.
ESTIMATED = "estimated from the organisations of the same year (Paule-Mandel)"
NO_SPREAD = "none allowed for: too few organisations to estimate it, so a difference may be an ordinary one"
#: Fewest organisations with an estimate from which the spread is estimated (the funnels' minimum).
MIN_ORGS_FOR_SPREAD = 20


def _spread(kind, rows: pd.DataFrame, num, deff: float) -> tuple[np.ndarray | None, np.ndarray]:
    """(tau2 per row or None, source words per row) for the comparison with England.

    The between-organisation variance of each year is estimated from that year's
    organisations on the kind's scale (:meth:`wres.kinds.base.Kind.spread_inputs`) by
    Paule-Mandel (statsmodels ``combine_effects``, ``method_re="pm"``): on panels with a
    known spread of 0.2 DerSimonian-Laird came out at 0.13-0.18 and flagged 7-8% of ordinary
    appointment-shaped organisations at a stated 5%, Paule-Mandel less biased (Veroniki et
    al. 2016, Research Synthesis Methods 7:55-79, recommend it). With fewer than
    :data:`MIN_ORGS_FOR_SPREAD` organisations, the kind's documented default, or none."""
    from wres.stats.versus_national import spread_tau2

    years = rows["year"].to_numpy(int)
    src = np.full(len(years), "", dtype=object)
    tau2 = np.full(len(years), np.nan)
    inputs = kind.spread_inputs(num, deff=deff)
    if inputs is None:
        src[:] = kind.default_tau2_source or NO_SPREAD
        return None, src
    y, v = (np.asarray(a, dtype=float) for a in inputs)
    for year in np.unique(years):
        at = years == year
        ok = at & np.isfinite(y) & np.isfinite(v) & (v > 0)
        if ok.sum() >= MIN_ORGS_FOR_SPREAD:
            tau2[at] = spread_tau2(y[ok], v[ok])
            src[at] = ESTIMATED
    missing = np.isnan(tau2)
    if kind.default_tau2 is not None:
        tau2[missing] = kind.default_tau2
        src[missing] = kind.default_tau2_source
    else:
        tau2[missing] = 0.0
        src[missing] = kind.default_tau2_source or NO_SPREAD
    return tau2, src
