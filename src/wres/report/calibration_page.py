"""The "Can you trust these verdicts?" page: the calibration harness's results in words,
a chart and a table.

The numbers come from ``results/calibration.csv`` (written by the analysis from the full
harness run recorded in ``data/calibration/``); this module only words and draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML

from wres import results
from wres.report import palette
from wres.report.charts import CHART_WIDTH
from wres.report.tables import Column, chart_table, chart_title, html_table, number

READS: tuple[str, ...] = ("calibration",)

#: Each test family of the harness (the ``test`` code before its level and side), in words,
#: and whether the book uses it. The methods the book does not use are simulated to show
#: why: most flag far more than their stated rate.
FAMILIES: dict[str, tuple[str, bool]] = {
    "national_ols": ("National trend: straight line on the log or logit scale (annual figures)", True),
    "mann_kendall_exact": ("National trend: exact Mann–Kendall test (annual figures)", True),
    "rolling_gls": ("National trend of a two-year rolling average: regression allowing for the overlap", True),
    "rolling_hac": ("Rolling average: regression with Newey–West standard errors (not used)", False),
    "rolling_nonoverlap": ("Rolling average: regression on every other year only (not used)", False),
    "funnel_additive": ("Organisation funnel limits, widened for real differences between organisations", True),
    "funnel_multiplicative": ("Funnel limits widened by a multiplying factor (not used)", False),
    "funnel_none": ("Funnel limits with no allowance for real differences (not used)", False),
    "funnel_funnelplotr": ("Funnel limits as FunnelPlotR computes them, winsorised (not used)", False),
    "representation": ("Board and senior-manager counts against the expected share (exact binomial)", True),
    "change_rl_pearson": ("An organisation's change between two years, allowing for extra variation", True),
    "bh_change_rl_pearson": ("The same, after the false-discovery-rate correction across organisations", True),
    "change_rl_binomial": ("An organisation's change with no allowance for extra variation (not used)", False),
    "change_percentage": ("An organisation's staff-survey change, with the survey design effect", True),
    "change_percentage_no_deff": ("Staff-survey change ignoring the survey weighting (not used)", False),
    "versus_national_rl": ("An organisation against the national figure (relative likelihoods)", True),
    "versus_national_percentage": ("An organisation against the national figure (staff survey)", True),
    "org_gap_trend": ("Is an organisation's gap between the groups changing? (quasi-binomial model)", True),
    "bh_org_gap_trend": ("The same, after the false-discovery-rate correction across organisations", True),
}


def family(test: str) -> str:
    """``funnel_additive_95_above`` -> ``funnel_additive``; ``representation_998_below`` -> ``representation``."""
    parts = test.split("_")
    while parts and (parts[-1] in {"above", "below", "outside"} or parts[-1].isdigit()):
        parts.pop()
    return "_".join(parts)


def _level(test: str) -> str:
    for code, words in (("998", "99.8% limits"), ("95", "95% limits")):
        if f"_{code}" in test:
            side = next((s for s in ("above", "below", "outside") if test.endswith(s)), "")
            return f"{words}, {side}" if side else words
    return "5% test"


@dataclass
class CalibrationView:
    table: pd.DataFrame

    @classmethod
    def load(cls, results_dir: str | Path) -> CalibrationView:
        t = results.read(results_dir, "calibration")
        if len(t):
            t = t.assign(family=t["test"].map(family))
            t = t.assign(
                words=t["family"].map(lambda f: FAMILIES.get(f, (f, False))[0]),
                used=t["family"].map(lambda f: FAMILIES.get(f, (f, False))[1]),
                level=t["test"].map(_level),
            )
        return cls(t)

    @property
    def used(self) -> pd.DataFrame:
        t = self.table
        return t[t["used"] & t["keeps_promise"].notna()] if len(t) else t

    def headline(self) -> str:
        if self.table.empty:
            return "The calibration results are not in this build (see `data/calibration/`)."
        used = self.used
        over = used[~used["keeps_promise"].astype(bool)]
        worst = self.table[~self.table["used"]].sort_values("false_alarm_rate", ascending=False).head(1)
        reps = int(used["n_sim"].max())
        lead = (
            f"**Every test and limit the book uses keeps its stated error rate in simulated worlds shaped like "
            f"the WRES data ({len(used)} checks, up to {reps:,} simulated data sets each).**"
            if over.empty
            else f"**{len(over)} of the {len(used)} checks of the tests the book uses flag more often than their "
            "stated error rate; see the table.**"
        )
        alt_words = ""
        if len(worst):
            w = worst.iloc[0]
            method = w["words"].replace(" (not used)", "")
            alt_words = (
                f" Methods the book does not use show why the choice matters ({method[0].lower()}"
                f"{method[1:]}: {100 * w['false_alarm_rate']:.1f}% false alarms against a stated "
                f"{100 * w['nominal']:.1f}%)."
            )
        return (
            f"{lead} When nothing is going on, a test at 5% should call about 5 in 100 changes real, and "
            f"funnel limits at 95% should leave about 5 in 100 organisations outside by chance.{alt_words}"
        )

    def chart(self) -> alt.Chart:
        t = self.table[self.table["expected"] != "informative"].copy()
        t["observed"] = 100 * t["false_alarm_rate"]
        t["stated"] = 100 * t["nominal"]
        t["low"] = 100 * (t["false_alarm_rate"] - 2 * t["mc_se"]).clip(lower=0)
        t["high"] = 100 * (t["false_alarm_rate"] + 2 * t["mc_se"])
        t["ratio"] = t["observed"] / t["stated"]
        t["book"] = t["used"].map({True: "Used by the book", False: "Not used (shown for comparison)"})
        base = alt.Chart(t).encode(
            y=alt.Y("words:N", title=None, sort=list(dict.fromkeys(t["words"])), axis=alt.Axis(labelLimit=330)),
        )
        points = base.mark_point(filled=True, size=60).encode(
            x=alt.X(
                "ratio:Q",
                title="False alarms as a multiple of the stated rate (1 = exactly as stated)",
                scale=alt.Scale(type="log", domain=[0.05, 60]),
            ),
            color=alt.Color(
                "book:N",
                title=None,
                scale=alt.Scale(range=[palette.CALIBRATION_NOT_USED, palette.CALIBRATION_USED]),
                legend=alt.Legend(orient="top"),
            ),
            shape=alt.Shape("book:N", title=None),
            tooltip=[
                alt.Tooltip("words:N", title="Test"),
                alt.Tooltip("scenario:N", title="Simulated world"),
                alt.Tooltip("level:N", title="Level"),
                alt.Tooltip("stated:Q", title="Stated %", format=".2f"),
                alt.Tooltip("observed:Q", title="Observed %", format=".2f"),
            ],
        )
        rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3], color=palette.PARITY).encode(x="x:Q")
        return (rule + points).properties(
            width=CHART_WIDTH - 320,
            height=alt.Step(18),
            title=alt.Title(
                "How often each test raises a false alarm, against its stated rate",
                subtitle=["Simulated worlds with no real change or difference; one point per world and level"],
            ),
        )

    def chart_parts(self) -> list:
        """The chart and its "Show as table" view: one row per point (test, simulated world
        and level) with the stated and observed false-alarm rates."""
        chart = self.chart()
        t = self.table[self.table["expected"] != "informative"].copy()
        t["stated"] = t["nominal"].map(number("{:.2%}"))
        t["observed"] = [
            f"{100 * r:.2f}% ± {200 * s:.2f}" for r, s in zip(t["false_alarm_rate"], t["mc_se"], strict=True)
        ]
        t["times"] = (t["false_alarm_rate"] / t["nominal"]).map(number("{:.2f}"))
        table = chart_table(
            chart_title(chart),
            t,
            [
                Column("words", "Test or limit"),
                Column("scenario", "Simulated world", wrap="code"),
                Column("level", "Level"),
                Column("stated", "Stated false-alarm rate", css="text-right"),
                Column("observed", "Observed (± 2 Monte Carlo SE)", css="text-right"),
                Column("times", "Multiple of the stated rate", css="text-right"),
            ],
            row_header=True,
        )
        return [chart, HTML(table)]

    def table_html(self) -> str:
        t = self.table.sort_values(["used", "family", "scenario", "test"], ascending=[False, True, True, True]).copy()
        t["observed"] = [
            f"{100 * r:.2f}% ± {200 * s:.2f}" for r, s in zip(t["false_alarm_rate"], t["mc_se"], strict=True)
        ]
        t["used_words"] = t["used"].map({True: "yes", False: "no"})
        return html_table(
            t,
            [
                Column("words", "Test or limit"),
                Column("used_words", "Used by the book"),
                Column("level", "Level"),
                Column("scenario", "Simulated world", wrap="code"),
                Column("nominal", "Stated false-alarm rate", fmt=number("{:.2%}")),
                Column("observed", "Observed (± 2 Monte Carlo SE)"),
                Column("power", "Power: planted effects found", fmt=number("{:.0%}")),
                Column("effect", "Planted effect", missing=""),
                Column("n_sim", "Simulated data sets", fmt=number("{:,.0f}")),
            ],
            caption="Every simulated check: stated and observed false-alarm rates, and power",
            css="wres-calibration",
        )
