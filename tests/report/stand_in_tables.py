"""Stand-ins for the results tables the analysis layer adds (national_summary,
national_context, provenance_files, sources), written from the existing results and raw
files, so the report pages can be tested before the analysis writes them itself.

Run as a script after ``wres build`` / ``wres demo``:
    python tests/report/stand_in_tables.py RESULTS_DIR RAW_DIR
It never overwrites a table the analysis already wrote.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd
import yaml

from wres import results
from wres.registry import load_registry


def national_summary(results_dir: Path) -> pd.DataFrame:
    reg = load_registry()
    series = results.read(results_dir, "national_series")
    trends = results.read(results_dir, "national_trends")
    std = reg.standard
    out = []
    for ind in reg.indicators:
        mine = series[series["indicator"] == ind.id]
        s = mine[mine["series"] == ind.headline_series].sort_values("report_year", kind="stable")
        s = s.drop_duplicates("report_year", keep="first")
        t = trends[(trends["indicator"] == ind.id) & (trends["series"] == ind.headline_series)]
        row = {"indicator": ind.id, "series": ind.headline_series, "label": ind.series_by_key(ind.headline_series).label,
               "unit": s["unit"].iloc[0] if len(s) else ind.series_by_key(ind.headline_series).unit,
               "n_years": len(s), "first_year": None, "first_value": None, "latest_year": None,
               "latest_value": None, "change": None, "comparison_value": None, "workforce_value": None,
               "verdict": t["verdict"].iloc[0] if len(t) else "too few years"}
        if len(s):
            first, last = s.iloc[0], s.iloc[-1]
            year = int(last["report_year"])
            row.update(first_year=int(first["report_year"]), first_value=first["value"], latest_year=year,
                       latest_value=last["value"], change=last["value"] - first["value"])
            if ind.comparison_phrase:
                key = ind.headline_series.replace(std.minority_group, std.majority_group)
                o = mine[(mine["series"] == key) & (mine["report_year"] == year)]
                row["comparison_value"] = o["value"].iloc[0] if len(o) else None
            if ind.comparison is not None:
                w = mine[(mine["series"] == ind.comparison.workforce) & (mine["report_year"] == year)]
                row["workforce_value"] = w["value"].iloc[0] if len(w) else None
        out.append(row)
    df = pd.DataFrame(out)
    for c in ("first_year", "latest_year"):
        df[c] = df[c].astype("Int64")
    return df


def national_context(results_dir: Path) -> pd.DataFrame:
    reg = load_registry()
    figures = results.read(results_dir, "national_figures")
    keep = []
    for ind in reg.indicators:
        own = {(s.measure, s.group) for s in ind.series if (s.from_indicator or ind.id) == ind.id}
        f = figures[figures["indicator"] == ind.id]
        keep.append(f[[(m, g) not in own for m, g in zip(f["measure"], f["group"], strict=True)]])
    return pd.concat(keep)[list(results.table("national_context").columns)]


def provenance_files(raw_dir: Path) -> pd.DataFrame:
    rows = []
    for meta in sorted(raw_dir.rglob("*.meta.yml")):
        info = yaml.safe_load(meta.read_text(encoding="utf-8"))
        target = meta.with_name(meta.name.removesuffix(".meta.yml"))
        actual = hashlib.md5(target.read_bytes()).hexdigest() if target.exists() else ""  # noqa: S324
        rows.append({"file": str(target.relative_to(raw_dir.parent.parent)),
                     **{k: str(info.get(k, "")) for k in ("title", "description", "compiled", "method", "producer",
                                                          "licence", "date_accessed")},
                     "md5_recorded": info.get("md5", ""), "md5_actual": actual, "md5_ok": actual == info.get("md5"),
                     "rows": sum(1 for _ in target.open(encoding="utf-8-sig")) - 1 if target.suffix == ".csv" else None})
    return pd.DataFrame(rows)


def sources(results_dir: Path, raw_dir: Path) -> pd.DataFrame:
    s = pd.read_csv(raw_dir / "published" / "wres_sources.csv", keep_default_na=False, dtype=str)
    figures = results.read(results_dir, "national_figures")
    cited = figures["source"].str.split(" ; ").explode().str.strip().value_counts()
    s["n_figures"] = s["source"].map(cited).fillna(0).astype(int)
    return s


def write(results_dir: Path, raw_dir: Path) -> None:
    frames = {"national_summary": lambda: national_summary(results_dir),
              "national_context": lambda: national_context(results_dir),
              "provenance_files": lambda: provenance_files(raw_dir),
              "sources": lambda: sources(results_dir, raw_dir)}
    for key, make in frames.items():
        p = results.path(results_dir, key)
        if not p.exists():
            make().to_csv(p, index=False)


if __name__ == "__main__":
    write(Path(sys.argv[1]), Path(sys.argv[2]))
