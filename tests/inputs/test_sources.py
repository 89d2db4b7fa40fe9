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
