"""The data page: input files with their sidecars, sources and quality flags."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from wres.report.indicator_page import FIGURES_CSV, read_results
from wres.registry import Registry, load_registry


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - a checksum, not security


def read_sidecars(raw_dir: Path) -> list[dict]:
    """Every ``*.meta.yml`` under ``raw_dir`` with the file it describes and its checked md5."""
    out = []
    for meta in sorted(raw_dir.rglob("*.meta.yml")):
        info = yaml.safe_load(meta.read_text(encoding="utf-8"))
        target = meta.with_name(meta.name.removesuffix(".meta.yml"))
        info["path"] = str(target.relative_to(raw_dir.parent.parent)) if target.exists() else str(target.name)
        info["md5_ok"] = target.exists() and md5(target) == info.get("md5")
        info["rows"] = sum(1 for _ in target.open(encoding="utf-8-sig")) - 1 if target.exists() and target.suffix == ".csv" else None
        out.append(info)
    return out


@dataclass
class Provenance:
    registry: Registry
    figures: pd.DataFrame
    sidecars: list[dict]

    @classmethod
    def load(cls, results_dir: str | Path, raw_dir: str | Path, registry: Registry | None = None) -> "Provenance":
        return cls(registry or load_registry(), read_results(results_dir)[FIGURES_CSV], read_sidecars(Path(raw_dir)))

    def headline(self) -> str:
        f = self.figures
        n_sources = f["source"].nunique()
        years = f"{int(f['report_year'].min())}–{int(f['report_year'].max())}"
        return (f"**The book is built from {len(f)} national figures (WRES report years {years}) taken from "
                f"{n_sources} public web pages, each figure traceable to one row of an input file.** "
                "They are secondary quotations of NHS England's reports, transcribed by hand; where a source "
                "rounded or approximated a figure, or two sources disagree, the row's quality flag says so.")

    def files_html(self) -> str:
        rows = []
        for s in self.sidecars:
            check = "matches" if s["md5_ok"] else "<strong>DOES NOT MATCH</strong>"
            rows.append("<tr>" + "".join([
                f"<td><code>{html.escape(s['path'])}</code></td>",
                f"<td>{html.escape(str(s.get('title', '')))}<br><small>{html.escape(str(s.get('description', '')))}</small></td>",
                f"<td>{html.escape(str(s.get('compiled', '')))}</td>",
                f"<td>{'' if s['rows'] is None else s['rows']}</td>",
                f"<td>{html.escape(str(s.get('licence', '')))}</td>",
                f"<td><code>{html.escape(str(s.get('md5', '')))}</code> ({check})</td>",
            ]) + "</tr>")
        head = "<thead><tr><th>File</th><th>What it is</th><th>Compiled</th><th>Rows</th><th>Licence</th><th>MD5</th></tr></thead>"
        return f"<table class='table wres-files'>{head}<tbody>{''.join(rows)}</tbody></table>"

    def sources_html(self) -> str:
        g = self.figures.groupby(["source_outlet", "source"]).agg(
            figures=("value", "size"),
            indicators=("indicator", lambda s: ", ".join(str(i) for i in sorted(set(s)))),
            years=("report_year", lambda s: f"{int(s.min())}–{int(s.max())}" if s.min() != s.max() else str(int(s.min()))),
        ).reset_index().sort_values(["source_outlet", "source"])
        rows = [
            f"<tr><td>{html.escape(r.source_outlet)}</td><td><a href='{html.escape(r.source, quote=True)}' rel='noopener'>"
            f"{html.escape(r.source)}</a></td><td>{r.figures}</td><td>{html.escape(r.indicators)}</td><td>{r.years}</td></tr>"
            for r in g.itertuples()
        ]
        head = "<thead><tr><th>Outlet</th><th>Page</th><th>Figures</th><th>Indicators</th><th>Report years</th></tr></thead>"
        return f"<table class='table wres-sources'>{head}<tbody>{''.join(rows)}</tbody></table>"

    def quality_html(self) -> str:
        flags = self.figures["quality"].str.split(";").explode().str.strip().value_counts()
        excluded = set(self.registry.quality.excluded_from_tests)
        rows = [
            f"<tr><td><code>{html.escape(flag)}</code></td><td>{html.escape(desc)}</td><td>{int(flags.get(flag, 0))}</td>"
            f"<td>{'excluded from trend tests' if flag in excluded else 'used in trend tests'}</td></tr>"
            for flag, desc in self.registry.quality.descriptions.items()
        ]
        head = "<thead><tr><th>Flag</th><th>Meaning</th><th>Figures</th><th>Use</th></tr></thead>"
        return f"<table class='table wres-quality'>{head}<tbody>{''.join(rows)}</tbody></table>"
