from pathlib import Path

import pandas as pd
import pytest

from wres.inputs.sources import check_cited, load_sources
from wres.inputs.validate import DataError

HEADER = "source,source_outlet,kind,publisher,description,figures_for_report_years\n"


def test_loads_and_rejects_missing_column(tmp_path):
    p = tmp_path / "wres_sources.csv"
    p.write_text(HEADER + "https://a.example/x,a.example,news,A,,2020\n", encoding="utf-8")
    s = load_sources(p)
    assert s.loc[0, "source"] == "https://a.example/x" and s.loc[0, "source_line"] == 2
    p.write_text("source,source_outlet,publisher\nhttps://a.example/x,a.example,A\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_sources(p)
    assert err.value.problems[0].column == "kind" and err.value.problems[0].line == 1


def test_an_uncited_source_is_named_with_its_figure_line(tmp_path):
    p = tmp_path / "wres_sources.csv"
    p.write_text(HEADER + "https://a.example/x,a.example,news,A,,2020\n", encoding="utf-8")
    figures = pd.DataFrame(
        {
            "source": ["https://a.example/x", "https://b.example/y"],
            "source_file": ["national.csv", "national.csv"],
            "source_line": [2, 3],
        }
    )
    with pytest.raises(DataError) as err:
        check_cited(load_sources(p), figures)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "national.csv",
        3,
        "source",
        "https://b.example/y",
    )
    assert "line 3" in str(problem)


def test_an_unknown_kind_of_source_is_refused_with_file_line_column_and_value(tmp_path):
    # Line 3 says "newspaper", which is not one of the kinds the pages know how to rank.
    p = tmp_path / "wres_sources.csv"
    p.write_text(
        HEADER + "https://a.example/x,a.example,news,A,,2020\nhttps://b.example/y,b.example,newspaper,B,,2021\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_sources(p)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.column, problem.value) == ("wres_sources.csv", 3, "kind", "newspaper")
    assert "unknown kind of source" in str(problem) and "mirror of a personal article" in str(problem)


def test_the_committed_sources_file_uses_known_kinds_and_its_mirror_is_flagged():
    from wres import config
    from wres.inputs.sources import source_standing

    s = load_sources(config.Paths.discover(Path(__file__)).sources_csv)
    standing = dict(zip(s["source_outlet"], s["kind"].map(source_standing), strict=True))
    # Read from data/raw/published/wres_sources.csv: the hotel's domain carries a copy of a
    # personal article; NHS England's own long reads are official.
    assert standing["granhotelsantacruz.com"] == "mirror"
    assert standing["england.nhs.uk"] == "official"
    assert standing["hsj.co.uk"] == "secondary"
