"""wres.analysis.provenance: each cited source page with the number of national and
breakdown figures that cite it (counted by hand below)."""

from __future__ import annotations

import pandas as pd

from wres.analysis.provenance import SOURCE_TABLE_COLUMNS, sources_table


def sources(*urls: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": list(urls),
            "source_outlet": ["example.org"] * len(urls),
            "kind": ["official"] * len(urls),
            "publisher": ["NHS England"] * len(urls),
            "description": [f"page {i}" for i in range(len(urls))],
            "figures_for_report_years": ["2020"] * len(urls),
        }
    )


def cites(*urls: str) -> pd.DataFrame:
    return pd.DataFrame({"source": list(urls), "value": [1.0] * len(urls)})


def test_each_source_counts_the_national_and_breakdown_rows_citing_it_in_the_listed_order():
    listed = sources("https://c.example", "https://a.example", "https://b.example")
    got = sources_table(
        listed,
        cites("https://a.example", "https://a.example", "https://c.example"),
        cites("https://a.example", "https://b.example", "https://not-listed.example"),
    )
    assert list(got.columns) == SOURCE_TABLE_COLUMNS
    assert got["source"].tolist() == ["https://c.example", "https://a.example", "https://b.example"]
    assert got["n_figures"].tolist() == [1, 3, 1]
    # The listed columns pass through unchanged.
    assert got["description"].tolist() == ["page 0", "page 1", "page 2"]


def test_a_source_nothing_cites_counts_zero_and_no_figures_at_all_is_allowed():
    listed = sources("https://a.example", "https://b.example")
    got = sources_table(listed, cites("https://a.example"), cites())
    assert got["n_figures"].tolist() == [1, 0]
    none = sources_table(listed, cites(), cites())
    assert none["n_figures"].tolist() == [0, 0] and none["n_figures"].dtype.kind == "i"
