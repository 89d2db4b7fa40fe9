"""The overview's first paragraph names the indicators behind each verdict and says which
latest figures are old; the table says how old each latest figure is."""

import pandas as pd

from wres.registry import load_registry
from wres.report.changes_page import headline_text
from wres.report.overview_page import Overview

REG = load_registry()


def _overview(verdicts: dict[int, str], latest: dict[int, int]) -> Overview:
    ids = [i.id for i in REG.indicators]
    summary = pd.DataFrame(
        {
            "indicator": ids,
            "label": ["x"] * len(ids),
            "unit": ["ratio"] * len(ids),
            "n_years": [5] * len(ids),
            "first_year": [2016] * len(ids),
            "first_value": [1.0] * len(ids),
            "latest_year": [latest.get(i, 2024) for i in ids],
            "latest_value": [1.1] * len(ids),
            "change": [0.1] * len(ids),
            "verdict": [verdicts.get(i, "no significant change") for i in ids],
        }
    )
    return Overview(REG, ".", summary=summary, series=pd.DataFrame(), sources=pd.DataFrame())


def test_headline_names_the_indicators_behind_each_verdict_and_the_old_figures():
    first, second, third = REG.indicators[0], REG.indicators[1], REG.indicators[2]
    ov = _overview({first.id: "improving", third.id: "too few years"}, {second.id: 2021, third.id: 2023})
    head = ov.headline()
    rest = [i.id for i in REG.indicators if i.id not in (first.id, third.id)]
    # Significant verdicts first; every verdict names its indicators by name, never number.
    assert f"One is improving: {first.title}. " in head
    assert f"show no significant change: {REG.indicator(rest[0]).title}; " in head
    assert f"One has too few years to test: {third.title}." in head
    assert "(indicator" not in head and "indicators " not in head.split("**Trends**")[1].split(":")[1]
    # A year behind is how the WRES publishes; three years behind is said.
    assert f"no national figure for {second.title} since the {second.year_phrase(2021)}." in head
    assert f"{third.title} since" not in head


def test_latest_figures_say_how_old_they_are():
    second = REG.indicators[1]
    frame = _overview({}, {second.id: 2021})._table_frame().set_index("id")
    assert frame.at[second.id, "when"] == f"{second.year_phrase(2021)}: no figure since, 3 report years old"
    assert frame.at[REG.indicators[0].id, "when"] == f"{REG.indicators[0].year_phrase(2024)}, the newest data"


def test_what_changed_says_which_indicators_have_no_figure_for_the_latest_year():
    changes = pd.DataFrame(
        {
            "indicator": [2, 4, 4, 6],
            "label": ["a", "b", "c", "d"],
            "latest_year": [2024] * 4,
            "latest_value": [1.0, float("nan"), float("nan"), float("nan")],
            "previous_year": [2023, 2020, 2019, float("nan")],
            "verdict_changed": [False] * 4,
        }
    )
    text = headline_text(changes)
    assert "1 of 4 national series have a figure for it" in text
    # No sources given: nothing says which report to transcribe from, so it says only that the
    # figure is not in the data (never that it was not published).
    assert text.endswith(
        f"No figure for it in the data yet: {REG.indicator(4).title} (none since the {REG.indicator(4).year_phrase(2020)})."
    )
