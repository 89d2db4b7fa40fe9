"""Successor organisations: one job, reading ``successors.csv`` and relabelling renamed and
merged organisations' rows under their successor's code (counts summed, survey percents
weighted by respondents)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres.inputs.cells import BLANK_REASON, parse_year
from wres.inputs.grid import read_grid
from wres.inputs.schema import KEY
from wres.inputs.validate import DataError, Problem

SUCCESSOR_FILE = "successors.csv"
SUCCESSOR_COLUMNS = ("old_code", "new_code", "effective_year")


def read_successors(successors: str | Path | pd.DataFrame) -> pd.DataFrame:
    """The successor table (``old_code, new_code, effective_year``), checked.

    ``effective_year`` is the first WRES report year under the new code. Returns the table
    with ``final_code`` (following chains A->B->C) and ``source_line``. Splits (one old code
    to two new codes) and cycles are errors.
    """
    if isinstance(successors, pd.DataFrame):
        label = "successor table"
        raw = successors.astype(str).reset_index(drop=True)
        raw.columns = [str(c).strip().lower() for c in raw.columns]
        lines = [i + 2 for i in range(len(raw))]
    else:
        label, grid, _ = read_grid(successors)
        if not grid:
            return pd.DataFrame(columns=[*SUCCESSOR_COLUMNS, "final_code", "source_line"])
        header = [h.strip().lower() for h in grid[0][1]]
        missing = [c for c in SUCCESSOR_COLUMNS if c not in header]
        if missing:
            raise DataError([Problem(label, grid[0][0], c, None, "required column is missing") for c in missing])
        raw = pd.DataFrame([(r + [""] * len(header))[: len(header)] for _, r in grid[1:]], columns=header, dtype=str)
        lines = [n for n, _ in grid[1:]]
    problems: list[Problem] = []
    rows = []
    for i in range(len(raw)):
        old = str(raw.at[i, "old_code"]).strip().upper()
        new = str(raw.at[i, "new_code"]).strip().upper()
        year, err = parse_year(str(raw.at[i, "effective_year"]))
        if err:
            problems.append(Problem(label, lines[i], "effective_year", raw.at[i, "effective_year"], err))
        for col, code in (("old_code", old), ("new_code", new)):
            if not code:
                problems.append(Problem(label, lines[i], col, "", "a value is required"))
        if old and old == new:
            problems.append(Problem(label, lines[i], "new_code", new, "an organisation cannot succeed itself"))
        rows.append((old, new, year, lines[i]))
    table = pd.DataFrame(rows, columns=[*SUCCESSOR_COLUMNS, "source_line"])
    for old, grp in table.groupby("old_code", sort=False):
        if grp["new_code"].nunique() > 1:
            problems.append(
                Problem(
                    label,
                    int(grp["source_line"].iloc[1]),
                    "old_code",
                    old,
                    "this organisation is given more than one successor; splits are not supported",
                )
            )
    DataError.raise_any(problems)
    table = table.drop_duplicates("old_code").reset_index(drop=True)
    step = dict(zip(table["old_code"], table["new_code"], strict=False))
    finals = []
    for old, line in zip(table["old_code"], table["source_line"], strict=False):
        code, seen = old, {old}
        while code in step:
            code = step[code]
            if code in seen:
                raise DataError(
                    [
                        Problem(
                            label,
                            int(line),
                            "new_code",
                            step[old],
                            f"successor chain starting at {old} loops back on itself",
                        )
                    ]
                )
            seen.add(code)
        finals.append(code)
    table["final_code"] = finals
    table.attrs["label"] = label
    return table


def apply_successors(df: pd.DataFrame, successors: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Link renamed and merged organisations' histories under their successor's code.

    Rows of an old code are relabelled with its final successor (chains are followed) and
    take the successor's latest name, region and type; ``reported_code`` keeps the code the
    file used. Where several organisations' rows then share a key (a merger, or an
    organisation absorbed into an existing one), counts are summed; staff-survey percents are
    combined as a respondent-weighted mean; if any part is missing the sum is missing, with
    the reasons named per reported code. A merged row's ``source_file`` lists its files and
    ``source_line`` is left empty. An old code with figures for a year on or after its
    ``effective_year`` is an error (the table or the data is wrong).
    """
    table = read_successors(successors)
    label = table.attrs.get("label", "successor table")
    df = df.reset_index(drop=True).copy()
    if "reported_code" not in df.columns:
        df["reported_code"] = df["org_code"].astype("str")
    if table.empty:
        return df
    problems = []
    for old, year, line in zip(table["old_code"], table["effective_year"], table["source_line"], strict=False):
        late = df[(df["org_code"] == old) & (df["year"] >= year)]
        if len(late):
            y = int(late["year"].min())
            problems.append(
                Problem(
                    label,
                    int(line),
                    "effective_year",
                    int(year),
                    f"{old} has figures for report year {y} (e.g. {late['source_file'].iloc[0]} "
                    f"line/row {late['source_line'].iloc[0]}), but this line says it became "
                    f"{table.loc[table['old_code'] == old, 'new_code'].iloc[0]} from {int(year)}",
                )
            )
    DataError.raise_any(problems)
    final = dict(zip(table["old_code"], table["final_code"], strict=False))
    df["org_code"] = df["org_code"].map(lambda c: final.get(c, c)).astype("str")
    # One name/region/type per linked organisation: its latest, preferring the successor's own rows.
    affected = set(final.values())
    attrs = ["org_name", "region", "org_type"]
    sub = df[df["org_code"].isin(affected)].copy()
    sub["_own"] = sub["reported_code"] == sub["org_code"]
    latest = sub.sort_values(["_own", "year"]).groupby("org_code").tail(1).set_index("org_code")[attrs]
    mask = df["org_code"].isin(latest.index)
    for col in attrs:
        df.loc[mask, col] = df.loc[mask, "org_code"].map(latest[col])
    return _combine_merged(df)


def _combine_merged(df: pd.DataFrame) -> pd.DataFrame:
    """Sum the rows that now share a key (after successor mapping)."""
    dup = df.duplicated(KEY, keep=False)
    if not dup.any():
        return df
    keep = df[~dup]
    merged = []
    for _, grp in df[dup].groupby(KEY, sort=False, dropna=False):
        row = grp.iloc[0].to_dict()
        missing_parts = []
        for _, r in grp.iterrows():
            gone = pd.isna(r["denominator"]) or (pd.isna(r["numerator"]) and pd.isna(r["percent"]))
            if gone:
                missing_parts.append(f"{r['reported_code']}: {r['missing_reason'] or BLANK_REASON}")
        if missing_parts:
            row.update(numerator=pd.NA, denominator=pd.NA, percent=pd.NA, missing_reason="; ".join(missing_parts))
        elif grp["percent"].notna().any():
            # A weighted percent cannot be summed; weight each part by its respondents.
            den = grp["denominator"].astype(float)
            pct = grp["percent"].astype(float).where(grp["percent"].notna(), 100 * grp["numerator"].astype(float) / den)
            total = den.sum()
            row.update(
                numerator=pd.NA,
                denominator=int(total),
                percent=float((pct * den).sum() / total) if total > 0 else pd.NA,
                missing_reason="",
            )
        else:
            row.update(
                numerator=int(grp["numerator"].sum()), denominator=int(grp["denominator"].sum()), missing_reason=""
            )
        row["reported_code"] = "; ".join(dict.fromkeys(grp["reported_code"]))
        row["source_file"] = "; ".join(dict.fromkeys(grp["source_file"].astype(str)))
        row["source_line"] = pd.NA
        merged.append(row)
    extra = pd.DataFrame(merged)
    for col in df.columns:
        extra[col] = extra[col].astype(df[col].dtype) if col in extra else pd.Series(dtype=df[col].dtype)
    out = pd.concat([keep, extra[df.columns]], ignore_index=True)
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)
