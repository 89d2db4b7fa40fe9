"""One job: every organisation-year against the published national figure of the same
report year (``organisation_versus_national``, file ``trust_versus_national.csv``).

The national series is the one on the organisation value's scale (``Kind.national_series``);
the test is the kind's (``Kind.versus_national``, named by ``Kind.versus_national_test``),
with the national value treated as fixed; the kind also says which national values it can
test against (a ratio must be positive; a difference may be any number).
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
            z, p, side = kind.versus_national(num, nv, deff=survey_deff, alpha=alpha)
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
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=VERSUS_NATIONAL_COLUMNS)
    return pd.concat(parts, ignore_index=True)[VERSUS_NATIONAL_COLUMNS]
