"""The "Can you trust these verdicts?" page: the calibration harness's results in words,
a chart and a table.

The numbers come from ``results/calibration.csv`` (written by the analysis from the full
harness run recorded in ``data/calibration/``); this module only words and draws them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML

from wres import results
from wres.registry import load_registry
from wres.report import palette
from wres.report.charts import CHART_WIDTH
from wres.report.tables import Column, chart_table, chart_title, html_table, number

READS: tuple[str, ...] = ("calibration",)

#: Each test family of the harness (the ``test`` code before its level and side), in words.
#: Whether the book uses a test comes from the table itself (``used_by_book``); the methods
#: it does not use are simulated to show why: most flag far more than their stated rate.
FAMILIES: dict[str, str] = {
    "national_ols": "National trend: straight line on the log or logit scale (annual figures)",
    "mann_kendall_exact": "National trend: exact Mann–Kendall test (annual figures)",
    "rolling_gls": "National trend of a two-year rolling average: regression allowing for the overlap",
    "rolling_hac": "Rolling average: regression with Newey–West standard errors",
    "rolling_nonoverlap": "Rolling average: regression on every other year only",
    "national_ar1_sensitivity": "National trend re-tested as if neighbouring years correlate 0.5",
    "bh_family_detectable_slope": "Power at the trend the book calls detectable under the false-discovery rule",
    "funnel_additive": "Organisation funnel limits, widened for real differences between organisations",
    "funnel_multiplicative": "Funnel limits widened by a multiplying factor",
    "funnel_none": "Funnel limits with no allowance for real differences",
    "funnel_funnelplotr": "Funnel limits as FunnelPlotR computes them, winsorised",
    "representation": "Board and senior-manager counts against the expected share (exact binomial)",
    "change_additive": "An organisation's change beyond the common one, against ordinary movement",
    "bh_change_additive": "The same, after the false-discovery-rate correction (chance of any discovery)",
    "bh_change_additive_share": "The same: share of organisations found changed",
    "change_representation_additive": "A board's change beyond the common one, against ordinary movement",
    "bh_change_representation_additive": "The same, after the false-discovery-rate correction",
    "bh_change_representation_additive_share": "The same: share of boards found changed",
    "change_rl_pearson": "An organisation's change, variance times a common overdispersion factor",
    "bh_change_rl_pearson": "The same, after the false-discovery-rate correction (chance of any discovery)",
    "bh_change_rl_pearson_share": "The same: share of organisations found changed",
    "change_representation_rl_pearson": "A board's change, variance times a common overdispersion factor",
    "bh_change_representation_rl_pearson": "The same, after the false-discovery-rate correction",
    "bh_change_representation_rl_pearson_share": "The same: share of boards found changed",
    "change_rl_binomial": "An organisation's change with no allowance for extra variation",
    "change_percentage": "An organisation's staff-survey change, with the survey design effect",
    "change_percentage_no_deff": "Staff-survey change ignoring the survey weighting",
    "versus_national_rl": "Against England, sampling error only (relative likelihoods)",
    "versus_national_rl_tau2": "Against England, allowing for ordinary differences between organisations",
    "versus_national_percentage": "Against England, sampling error only (staff survey)",
    "versus_national_percentage_tau2": "Against England, allowing for ordinary differences (staff survey)",
    "org_gap_trend": "Is an organisation's gap between the groups changing? (quasi-binomial model)",
    "bh_org_gap_trend": "The same, after the false-discovery-rate correction across organisations",
}


def _own_world(scenario: str) -> bool:
    """Whether a harness scenario is a world built on its test's own assumptions (the
    original scenarios), not one of issue 16's harder worlds, which say what they break."""
    harder = (
        "spread between organisations",
        "correlat",
        "design effect",
        "shock",
        "year-specific",
        "varies",
        "very small",
        "heavy-tailed",
        "AR(1)",
    )
    text = str(scenario)
    if "(the harness's own)" in text or "true design effect 1.5 (assumed 1.5)" in text:
        return True
    return not any(h in text for h in harder)


def scenario_words(scenario: str) -> str:
    """A harness scenario as a reader says it (the newer worlds are named in words already)."""
    text = str(scenario)
    for pattern, words in (
        (r"annual_n(\d+)", "{} annual figures"),
        (r"rolling2_n(\d+)", "{} two-year rolling averages"),
        (r"min_orgs_(\d+)", "{} organisations in the funnel"),
    ):
        m = re.fullmatch(pattern, text)
        if m:
            return words.format(m.group(1))
    return {
        "board_national_ratio": "boards, against the national ratio",
        "vsm_national_ratio": "very senior managers, against the national ratio",
    }.get(text, text)


def family(test: str) -> str:
    """``funnel_additive_95_above`` -> ``funnel_additive``; ``representation_998_below`` -> ``representation``."""
    parts = test.split("_")
    while parts and (parts[-1] in {"above", "below", "outside"} or parts[-1].isdigit()):
        parts.pop()
    return "_".join(parts)


def _level(test: str) -> str:
    # The calibration harness tests at a fixed 5% (wres.calibration.harness.ALPHA) and the funnel
    # limits are fixed at 95% and 99.8%: this chapter reports a recorded run at those levels, so
    # its words do not follow the registry's trend_tests.alpha.
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
                words=t["family"].map(lambda f: FAMILIES.get(f, f.replace("_", " "))),
                used=t["used_by_book"].astype(str).str.lower().eq("true"),
                level=t["test"].map(_level),
                world=t["scenario"].map(scenario_words),
            )
        return cls(t)

    @property
    def used(self) -> pd.DataFrame:
        t = self.table
        return t[t["used"] & t["keeps_promise"].notna()] if len(t) else t

    def notes_markdown(self) -> str:
        """The "Things you need to know" list; the worlds are named after the registry's standard
        (every standard built with the book has the shape the harness simulates)."""
        short = load_registry().standard.short_name
        return "\n".join(
            [
                f"- **What was simulated.** Worlds shaped like the {short} data: national series of 5 to 10 yearly figures, with independent year-to-year noise and as two-year rolling averages (as some {short} series are published); panels of about 200 organisations with realistic sizes (boards of 8 to 20, small and large staff groups), real differences between organisations of a known size and no organisation special. Then the same worlds with effects planted, to measure power.",
                "- **How to read it.** A false alarm is a test calling a change real, or an organisation outside its limits, when nothing is going on. The stated rate is what the test promises (5% for a test at 5%; 2.5% on each side of 95% funnel limits; 0.1% on each side of 99.8% limits). With thousands of simulated data sets the observed rate has a small Monte Carlo error, shown as ± 2 standard errors.",
                '- **Power is low where the data are few.** With five to ten yearly national figures only steady, sizeable trends can be detected, and a board of 12 can rarely show under-representation with statistical confidence. "No significant change" is therefore not evidence of no change.',
                "- **Reproduce it.** `wres calibrate` runs the full harness (a fixed random seed; about three minutes on two cores); `make test` runs a reduced version and checks every rate; `make bench` runs the full version and records it in `data/calibration/`.",
            ]
        )

    def headline(self) -> str:
        if self.table.empty:
            return "The calibration results are not in this build (see `data/calibration/`)."
        used = self.used
        own = used[used["scenario"].map(_own_world)]
        harder = used[~used["scenario"].map(_own_world)]
        n_harder = harder["scenario"].nunique()
        over = used[~used["keeps_promise"].astype(bool)]
        reps = int(used["n_sim"].max())
        kept_own = int(own["keeps_promise"].astype(bool).sum())
        kept_harder = int(harder["keeps_promise"].astype(bool).sum())
        lead = (
            f"**Each test the book uses was simulated in worlds that meet its assumptions and in {n_harder} harder "
            f"worlds that do not (a larger or heavy-tailed spread between organisations, correlated years, a wrong "
            f"design effect, a common national shift, boards that vary). In its own worlds, {kept_own} of "
            f"{len(own)} checks keep their stated error rate; in the harder worlds, {kept_harder} of {len(harder)} "
            f"(up to {reps:,} simulated data sets each).**"
        )
        short = ""
        if len(over):
            names = list(dict.fromkeys(over["words"]))
            short = (
                f" Where a check falls short the table says so; the tests concerned: {'; '.join(names[:6])}"
                + (f"; and {len(names) - 6} more" if len(names) > 6 else "")
                + ". The pages using them say what that means."
            )
        return (
            f"{lead}{short} When nothing is going on, a test at 5% should call about 5 in 100 changes real, and "
            "funnel limits at 95% should leave about 5 in 100 organisations outside by chance. Methods the book "
            "does not use are shown for comparison: most flag far more than they state."
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
                alt.Tooltip("world:N", title="Simulated world"),
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
            [Column("words", "Test or limit"), Column("world", "Simulated world"), Column("level", "Level")]
            + [
                Column(key, label, css="text-right")
                for key, label in (
                    ("stated", "Stated false-alarm rate"),
                    ("observed", "Observed (± 2 Monte Carlo SE)"),
                    ("times", "Multiple of the stated rate"),
                )
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
                Column("world", "Simulated world"),
                Column("nominal", "Stated false-alarm rate", fmt=number("{:.2%}")),
                Column("observed", "Observed (± 2 Monte Carlo SE)"),
                Column("power", "Power: planted effects found", fmt=number("{:.0%}")),
                Column("effect", "Planted effect", missing=""),
                Column("n_sim", "Simulated data sets", fmt=number("{:,.0f}")),
            ],
            caption="Every simulated check: stated and observed false-alarm rates, and power",
            css="wres-calibration",
        )
