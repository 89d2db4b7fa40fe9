"""One organisation's page (``notebooks/organisation.ipynb``), built from the organisation
results tables in :data:`READS` (the index of organisations is :mod:`wres.report.organisations_page`).

One job: the page's facts (:class:`OrgProfile`: the organisation's latest figure of each
indicator, its peers, trends and funnels) and its tables, charts and download; the
sentences are :mod:`wres.report.profile_words`. The board report
(:mod:`wres.report.pdf_report`) reads its facts from the same object. Text from data
(organisation names, regions, types, notes) is escaped before it reaches HTML or Markdown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wres import results
from wres.registry import Indicator, Registry, load_registry
from wres.report import settings_words
from wres.report.downloads import count_columns, links, write_pair
from wres.report.formats import interval, limit_words, pct_change
from wres.report.html import md_escape
from wres.report.org_standing import england_note, profile_standings
from wres.report.organisation_charts import shared_funnel_name
from wres.report.organisation_section import funnel_placed, funnel_table, synthetic_banner_html
from wres.report.profile_chart import over_time_part, profile_chart
from wres.report.profile_funnel import FunnelYear, funnel_part
from wres.report.profile_words import NATIONAL_NAME, VERDICTS, ProfileWords, versus_words
from wres.report.tables import DASH, Column, chart_table, chart_title, html_table, number

#: The results this page reads ("organisation_meta" is ``trust_meta.json``).
READS: tuple[str, ...] = (
    "organisation_indicators",
    "organisation_trends",
    "organisation_aggregates",
    "organisation_funnel_fits",
    "organisation_funnel_limits",
    "organisation_versus_national",
    "sources",
    results.ORGANISATION_META_KEY,
)


def back_link_html(index_link: str) -> str:
    """The way back from a profile to the list of every organisation (``index_link``: the
    index's URL relative to the profile)."""
    return f'<p class="wres-back-link"><a href="{html.escape(index_link, quote=True)}">← All organisations</a></p>'


def _note_html(text: str) -> str:
    """A note under a table (text from data, escaped); "" for no note."""
    return f'<p class="wres-table-note"><small>{html.escape(text)}</small></p>' if text else ""


def _safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-") or "organisation"


def _rows_of(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[frame["org_code"] == code].copy() if len(frame) else frame


@dataclass
class OrgProfile(ProfileWords):
    """Everything one organisation's page shows."""

    org_code: str
    registry: Registry
    rows: pd.DataFrame
    trends: pd.DataFrame
    national: pd.DataFrame
    fits: pd.DataFrame
    results_dir: Path
    meta: dict = field(default_factory=dict)
    n_orgs_total: int = 0
    versus: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Every organisation's rows and the funnel limits, for the funnels the page shows.
    all_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    limits: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The cited source pages: which report a missing national figure is to be transcribed from.
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def load(cls, org_code: str, results_dir: str | Path, registry: Registry | None = None) -> OrgProfile:
        registry = registry or load_registry()
        ti = results.read(results_dir, "organisation_indicators")
        code = str(org_code)
        rows = ti[ti["org_code"] == code] if len(ti) else ti
        if rows.empty:
            raise KeyError(f"no organisation with code {code!r} in the trust results in {results_dir}")
        tr = results.read(results_dir, "organisation_trends")
        agg = results.read(results_dir, "organisation_aggregates")
        return cls(
            org_code=code,
            registry=registry,
            rows=rows.copy(),
            trends=tr[tr["org_code"] == code].copy() if len(tr) else tr,
            national=agg[agg["level"] == "national"].copy() if len(agg) else agg,
            fits=results.read(results_dir, "organisation_funnel_fits"),
            results_dir=Path(results_dir),
            meta=results.read_meta(results_dir),
            n_orgs_total=int(ti["org_code"].nunique()),
            versus=_rows_of(results.read(results_dir, "organisation_versus_national"), code),
            all_rows=ti,
            limits=results.read(results_dir, "organisation_funnel_limits"),
            sources=results.read(results_dir, "sources"),
        )

    # ------------------------------------------------------------------ facts

    @property
    def info(self) -> pd.Series:
        return self.rows.sort_values("year").iloc[-1][["org_code", "org_name", "region", "org_type"]]

    @property
    def name(self) -> str:
        return str(self.info["org_name"]) or self.org_code

    @property
    def min_orgs(self) -> int:
        return int(self.meta["min_orgs_for_funnel"])

    def indicators(self) -> list[Indicator]:
        present = set(self.rows["indicator"].astype(int))
        return [ind for ind in self.registry.indicators if ind.id in present]

    def latest_row(self, ind: Indicator) -> pd.Series | None:
        """The organisation's row of ``ind`` in its latest year with a value (else its latest
        year); None when it has no row of the indicator."""
        r = self.rows[self.rows["indicator"] == ind.id].sort_values("year") if len(self.rows) else self.rows
        if r.empty:
            return None
        has = r[r["value"].notna()]
        return (has if len(has) else r).iloc[-1]

    def pooled_row(self, ind: Indicator, year: int) -> pd.Series | None:
        """All organisations pooled (``organisation_aggregates``, national level) for ``ind``
        in ``year``: value and confidence interval; None when there is no such row."""
        n = self.national
        n = n[(n["indicator"] == ind.id) & (n["year"] == year)] if len(n) else n
        return n.iloc[0] if len(n) else None

    def trend_row(self, ind: Indicator) -> pd.Series | None:
        """The organisation's trend test of ``ind`` (``organisation_trends``), or None."""
        t = self.trends[self.trends["indicator"] == ind.id] if len(self.trends) else self.trends
        return t.iloc[0] if len(t) else None

    def latest(self) -> pd.DataFrame:
        """One row per indicator: its latest year with a value, the value and CI, the value of
        all organisations that year, the funnel positions and the trend verdict."""
        out = []
        for ind in self.indicators():
            last = self.latest_row(ind)
            year = int(last["year"])
            pooled = self.pooled_row(ind, year)
            fit = (
                self.fits[(self.fits["indicator"] == ind.id) & (self.fits["year"] == year)]
                if len(self.fits)
                else self.fits
            )
            n_peers = int(fit["n_orgs"].iloc[0]) if len(fit) else 0
            t = self.trend_row(ind)
            out.append(
                {
                    "indicator": ind.id,
                    "title": ind.title,
                    "year": year,
                    "year_phrase": ind.year_phrase(year),
                    "unit": self.kind(ind).unit,
                    "value": last["value"],
                    "ci_low": last["ci_low"],
                    "ci_high": last["ci_high"],
                    "national": pooled["value"] if pooled is not None else float("nan"),
                    "position_95": last["funnel_position_95"],
                    "position_998": last["funnel_position_998"],
                    "funnel_orgs": n_peers,
                    "in_non_adverse_range": last.get("in_non_adverse_range", pd.NA),
                    "verdict": t["verdict"] if t is not None else "",
                    "q_value": t["q_value"] if t is not None else float("nan"),
                    "note": last["note"],
                    "versus": self._versus(ind, year),
                }
            )
        return pd.DataFrame(out)

    def _versus(self, ind: Indicator, year: int) -> str:
        """The latest figure against the published national figure of the same year, in words
        ("" when there is no national figure for that year)."""
        v = self.versus
        if v is None or v.empty:
            return ""
        row = v[(v["indicator"] == ind.id) & (v["year"] == year)]
        if row.empty:
            return ""
        return versus_words(row.iloc[0], self.kind(ind))

    # ------------------------------------------------------------------ page parts

    def title(self) -> str:
        """The page's heading (Markdown); the book turns it into the page title."""
        return f"# {md_escape(self.name)}"

    def banner_html(self) -> str:
        return synthetic_banner_html(self.results_dir, scope="page")

    def summary_markdown(self) -> str:
        i = self.info
        years = sorted(set(self.rows["year"].astype(int)))
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"
        return (
            f"**Organisation code:** {md_escape(i['org_code'])} · **Region:** {md_escape(i['region'] or 'not given')} · "
            f"**Type:** {md_escape(i['org_type'] or 'not given')} · **{md_escape(self.registry.site.report_name)} years:** {span}"
        )

    def table_html(self) -> str:
        """The indicators against all organisations: latest value with its CI (and, for
        relative likelihoods, whether it is in the non-adverse range), pooled value of all
        organisations, funnel position, trend verdict."""
        rows = []
        standings = profile_standings(self)
        standing = {s.ind.id: s for s in standings}
        for r in self.latest().itertuples():
            ind = self.registry.indicator(int(r.indicator))
            kind = self.kind(ind)
            st = standing.get(ind.id)
            lines = [f"{settings_words.ci(self.registry)} {interval(r.ci_low, r.ci_high, kind.fmt)}"]
            if pd.isna(r.value) and str(r.note or "").strip():
                lines = [str(r.note)]  # why there is no figure, in the analysis's words
            rows.append(
                {
                    "indicator": f"{ind.code or int(r.indicator)}. {ind.title}",
                    "meaning": kind.value_label(),
                    "year": ind.year_phrase(int(r.year)),
                    "value": kind.fmt(r.value),
                    "ci": "\n".join(lines),
                    "national": (kind.fmt(r.national) if self.n_orgs_total > 1 else "only this organisation"),
                    "stands": st.level.phrase() if st else "no figure",
                    "england": st.england if st else "not compared",
                    "peers": st.peers if st else self.peer_words(ind, r),
                    "order": st.order if st else (9, 0, ind.id),
                    "verdict": VERDICTS.get(r.verdict, r.verdict) or "—",
                }
            )
        frame = pd.DataFrame(rows)
        frame = frame.iloc[sorted(range(len(frame)), key=lambda i: frame["order"].iloc[i])] if len(frame) else frame
        return html_table(
            frame,
            [
                Column("indicator", self.registry.site.indicator_word, note="meaning"),
                Column("year", "Year"),
                Column("value", "Value", wrap="strong", note="ci"),
                Column("stands", "Where it stands", wrap="strong"),
                Column("national", "All organisations"),
                Column("england", f"Against {NATIONAL_NAME} (published, same year)"),
                Column("peers", "Against other organisations"),
                Column("verdict", "Trend (allowing for testing every organisation)"),
            ],
            caption=f"{self.name}: latest figure of each indicator, adverse first: where it stands, against England "
            "and against all organisations, then its trend",
            css="wres-org-profile",
        ) + _note_html(england_note(standings, self.sources))

    def charts(self) -> list:
        """One small chart per indicator: its value over time against all organisations."""
        return [chart for chart, _ in self._charts(with_tables=False)]

    def charts_with_tables(self, shared: bool = False) -> list[tuple[object, str]]:
        """Each chart of :meth:`charts` with its "Show as table" view: one row per year with
        the organisation's value, its confidence interval and the value of all organisations.
        ``shared`` (the book, with more than one organisation): each chart is the page's
        :class:`~wres.report.chart_template.ChartPart` of its indicator's template
        (:func:`~wres.report.profile_shared.profile_templates`), not a whole Altair chart."""
        return self._charts(with_tables=True, shared=shared)

    def _charts(self, with_tables: bool, shared: bool = False) -> list[tuple[object, str]]:
        out = []
        for ind in self.indicators():
            r = self.rows[self.rows["indicator"] == ind.id]
            nat = self.national[self.national["indicator"] == ind.id] if len(self.national) else self.national
            if shared and self.n_orgs_total > 1:
                name = shared_funnel_name(ind)
                c = over_time_part(r, nat, ind, self.registry, org_label=self.name, shared=name)
            else:
                c = profile_chart(r, nat, ind, self.registry, org_label=self.name, peers=self.n_orgs_total > 1)
            if c is not None:
                out.append((c, self._over_time_table(c, ind, r, nat) if with_tables else ""))
        return out

    def _over_time_table(self, chart: object, ind: Indicator, r: pd.DataFrame, nat: pd.DataFrame) -> str:
        kind = self.kind(ind)
        o = r[pd.to_numeric(r["value"], errors="coerce").notna()].sort_values("year").copy()
        all_orgs = nat.set_index(nat["year"].astype(int))["value"] if len(nat) else pd.Series(dtype=float)
        o["year_t"] = o["year"].astype(int).map(ind.year_phrase)
        o["value_t"] = o["value"].map(kind.fmt)
        o["ci_t"] = [interval(a, b, kind.fmt) for a, b in zip(o["ci_low"], o["ci_high"], strict=True)]
        o["all_t"] = [kind.fmt(all_orgs[y]) if y in all_orgs.index else DASH for y in o["year"].astype(int)]
        o["where"] = [limit_words(a, b) for a, b in zip(o["funnel_position_95"], o["funnel_position_998"], strict=True)]
        cols = [
            Column("year_t", "Year"),
            Column("value_t", self.name, css="text-right"),
            Column("ci_t", f"{settings_words.confidence(self.registry)} confidence interval"),
        ]
        if self.n_orgs_total > 1:
            cols += [
                Column("all_t", "All organisations", css="text-right"),
                Column("where", "Against the funnel limits"),
            ]
        return chart_table(chart_title(chart), o, cols, row_header=True)

    def funnels(self, profile_link: str | None = None, shared: bool = False) -> list[tuple[str, object, str]]:
        """Where the organisation sits on each indicator's funnel plot of the latest year (the
        one its indicator chapter shows), highlighted: (sentence in Markdown, chart, "Show as
        table" view) for every funnel it is placed on. ``profile_link``: the URL pattern of
        the profile pages relative to this page (with ``{org_code}``). ``shared`` (the book):
        the other organisations' points come from one data file per indicator
        (:func:`~wres.report.organisation_charts.funnel_shared_data`), the chart is the
        page's :class:`~wres.report.chart_template.ChartPart` of the indicator's template
        (:func:`~wres.report.profile_funnel.funnel_template`), and the table view lists this
        organisation only, pointing to the indicator's page for every organisation; False (a
        notebook run on its own): the chart and the table carry every organisation."""
        out = []
        deff = float(self.meta.get("survey_deff", 1.0))
        for ind in self.indicators():
            rows = self.all_rows[self.all_rows["indicator"] == ind.id]
            year = int(rows["year"].max())
            fit = self._fit(ind.id, year)
            placed = funnel_placed(rows, year)
            if fit is None or int(fit["n_orgs"]) < self.min_orgs or self.org_code not in set(placed["org_code"]):
                continue
            limits = self.limits[self.limits["indicator"] == ind.id] if len(self.limits) else self.limits
            funnel = FunnelYear(rows, limits, ind, self.registry, year=year, fit=fit)
            if shared:
                chart = funnel_part(funnel, highlight=self.org_code, profile_link=profile_link)
            else:
                chart = funnel.chart(survey_deff=deff, highlight=self.org_code, profile_link=profile_link)
            me = placed[placed["org_code"] == self.org_code].iloc[0]
            table = funnel_table(
                chart,
                rows,
                ind,
                self.registry,
                year,
                profile_link=profile_link,
                highlight=self.org_code,
                only_notable=shared,
            )
            out.append((self._funnel_sentence(ind, year, me, fit, len(placed)), chart, table))
        return out

    def _fit(self, indicator: int, year: int) -> pd.Series | None:
        f = self.fits
        if f is None or f.empty:
            return None
        f = f[(f["indicator"] == indicator) & (f["year"] == year)]
        return f.iloc[0] if len(f) and pd.notna(f["target"].iloc[0]) else None

    def trends_html(self) -> str:
        """Trend tests of the gap between the groups, per indicator, with BH q-values."""
        tr = self.trends
        if tr is None or tr.empty:
            return "<p>No trend could be tested for this organisation.</p>"
        show = tr.sort_values("indicator").copy()
        show["title"] = [
            f"{self.registry.indicator(int(i)).code or int(i)}. {self.registry.indicator(int(i)).title}"
            for i in show["indicator"]
        ]
        show["ci"] = [
            interval(lo, hi, pct_change, missing="—")
            for lo, hi in zip(show["slope_ci_low"], show["slope_ci_high"], strict=True)
        ]
        show["verdict_words"] = show["verdict"].map(lambda v: VERDICTS.get(v, v))
        plain = number("{:.3g}")
        return html_table(
            show,
            [
                Column("title", self.registry.site.indicator_word),
                Column("tested", "What is tested"),
                Column("n_years", "Years", fmt=number("{:.0f}"), css="text-right"),
                Column("or_change_pct_per_year", "Change per year (odds ratio)", fmt=number("{:+.1f}%")),
                Column("ci", settings_words.ci(self.registry)),
                Column("p_value", "p", fmt=plain),
                Column("q_value", "q (BH across organisations)", fmt=plain),
                Column("verdict_words", "Verdict"),
                Column("note", "Note", wrap="small", missing=""),
            ],
            caption=f"{self.name}: is the gap between the groups changing? Trend tests per indicator",
            css="wres-org-trends",
        )

    def write_download(self, folder: str | Path = "downloads") -> str:
        """Write this organisation's figures (every indicator and year, the counts of each
        group, and the value of all organisations) as CSV, at the page's precision and at full
        precision (:mod:`wres.report.downloads`); return the MyST download links."""
        folder = Path(folder)
        r = self.rows.copy()
        nat = (
            self.national[["indicator", "year", "value"]].rename(columns={"value": "all_organisations_value"})
            if len(self.national)
            else pd.DataFrame(columns=["indicator", "year", "all_organisations_value"])
        )
        r = r.merge(nat, on=["indicator", "year"], how="left")
        r["indicator_title"] = r["indicator"].map(lambda i: self.registry.indicator(int(i)).title)
        r["value_meaning"] = r["indicator"].map(lambda i: self.kind(self.registry.indicator(int(i))).value_label())
        r["year_meaning"] = [
            self.registry.indicator(int(i)).year_phrase(int(y)) for i, y in zip(r["indicator"], r["year"], strict=True)
        ]
        cols = [
            "org_code",
            "org_name",
            "region",
            "org_type",
            "indicator",
            "indicator_title",
            "year",
            "year_meaning",
            "value_meaning",
            "unit",
            *count_columns(results.table("organisation_indicators").columns),
            *results.VALUE_COLUMNS,
            "all_organisations_value",
            "funnel_z",
            "funnel_position_95",
            "funnel_position_998",
            "in_non_adverse_range",
            "note",
        ]
        frame = r[[c for c in cols if c in r.columns]].sort_values(["indicator", "year"])
        shown, full = write_pair(
            frame,
            folder,
            f"{_safe_filename(self.org_code)}-wres-figures",
            lambda i: self.kind(self.registry.indicator(i)),
        )
        return links("this organisation's figures", folder, shown, full)
