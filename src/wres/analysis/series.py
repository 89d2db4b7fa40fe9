"""Turn the table of published figures into the registry's named series, observed and derived.

A *series* is one line on a chart and one row of ``national_trends.csv``: a registry series
(one published measure for one group) or a derived one (the ratio or difference of two).
"""

from __future__ import annotations

import pandas as pd

from wres import results
from wres.registry import Derived, Indicator, Registry, Series

#: The columns of ``national_series`` as the results catalogue names them (one list, in wres.results).
SERIES_COLUMNS = list(results.table("national_series").columns)


def _observed(figures: pd.DataFrame, ind: Indicator, s: Series) -> pd.DataFrame:
    home = s.from_indicator or ind.id
    rows = figures[(figures["indicator"] == home) & (figures["measure"] == s.measure) & (figures["group"] == s.group)]
    rows = rows.sort_values(["report_year", "source_line"])
    out = pd.DataFrame(
        {
            "indicator": ind.id,
            "series": s.key,
            "label": s.label,
            "group": s.group,
            "kind": "published",
            "report_year": rows["report_year"].astype(int),
            "survey_year": rows["survey_year"],
            "value": rows["value"].astype(float),
            "unit": s.unit,
            "quality": rows["quality"],
            "testable": rows["testable"],
            "source": rows["source"],
            "source_outlet": rows["source_outlet"],
            "source_file": rows["source_file"],
            "source_line": rows["source_line"].astype(str),
            "note": rows["note"].fillna("") if "note" in rows else "",
        }
    )
    return out


def _one_per_year(obs: pd.DataFrame) -> pd.DataFrame:
    """The figure a derived series uses for each year: a testable one where there is one."""
    return obs.sort_values(["report_year", "testable"], ascending=[True, False]).drop_duplicates("report_year")


def _derived(parts: dict[str, pd.DataFrame], ind: Indicator, d: Derived) -> pd.DataFrame:
    a = _one_per_year(parts[d.a])
    b = _one_per_year(parts[d.b])
    both = a.merge(b, on="report_year", suffixes=("_a", "_b"))
    value = both["value_a"] / both["value_b"] if d.op == "ratio" else both["value_a"] - both["value_b"]
    quality = [
        ";".join(dict.fromkeys([*qa.split(";"), *qb.split(";")]))
        for qa, qb in zip(both["quality_a"], both["quality_b"], strict=True)
    ]
    return pd.DataFrame(
        {
            "indicator": ind.id,
            "series": d.key,
            "label": d.label,
            "group": "derived",
            "kind": "derived",
            "report_year": both["report_year"],
            "survey_year": both["survey_year_a"],
            "value": value,
            "unit": d.unit,
            "quality": quality,
            "testable": both["testable_a"] & both["testable_b"],
            "source": both["source_a"] + " ; " + both["source_b"],
            "source_outlet": both["source_outlet_a"] + " ; " + both["source_outlet_b"],
            "source_file": both["source_file_a"],
            "source_line": "lines " + both["source_line_a"] + " and " + both["source_line_b"],
            "note": [
                "; ".join(dict.fromkeys(n for n in (na, nb) if n))
                for na, nb in zip(both["note_a"], both["note_b"], strict=True)
            ],
        }
    )


def indicator_series(figures: pd.DataFrame, registry: Registry, indicator_id: int) -> pd.DataFrame:
    """Every registry series of one indicator, observed then derived, one row per figure."""
    ind = registry.indicator(indicator_id)
    parts = {s.key: _observed(figures, ind, s) for s in ind.series}
    frames = list(parts.values()) + [_derived(parts, ind, d) for d in ind.derived]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[SERIES_COLUMNS]
    out["survey_year"] = out["survey_year"].astype("Int64")
    return out


def all_series(figures: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    frames = [indicator_series(figures, registry, i) for i in registry.ids]
    return pd.concat([f for f in frames if not f.empty], ignore_index=True)


def membership(figures: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Which published figures belong to a registry series: the one rule for the book.

    A figure is in a series when its (indicator, measure, group) is that of a registry
    series (the indicator being the series' ``from_indicator``, else its own). Returns a
    frame on ``figures``' index with ``in_series`` (charted) and ``tested`` (in a series
    that is trend-tested)."""
    in_series = pd.Series(False, index=figures.index)
    tested = pd.Series(False, index=figures.index)
    for ind in registry.indicators:
        for s in ind.series:
            hit = (
                (figures["indicator"] == (s.from_indicator or ind.id))
                & (figures["measure"] == s.measure)
                & (figures["group"] == s.group)
            )
            in_series |= hit
            tested |= hit & s.tested
    return pd.DataFrame({"in_series": in_series, "tested": tested})


def context_figures(figures: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Published figures in no registry series (``national_context.csv``): shown in their
    indicator's chapter as a table, never charted or tested."""
    return figures[~membership(figures, registry)["in_series"]].reset_index(drop=True)
