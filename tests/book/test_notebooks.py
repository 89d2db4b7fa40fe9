"""A researcher can run every notebook template from ``notebooks/`` with its defaults.

Each template is executed with papermill in ``notebooks/`` (national templates with their
default parameters after ``wres build``; organisation templates with ``demo=True`` after
``wres demo``), and the Markdown it shows must equal what the built page shows: the
heading (a Markdown cell of the page notebook, promoted from the template's heading output)
and every Markdown output, in order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from wres.book.standalone import plain_markdown
from wres.config import Paths

papermill = pytest.importorskip("papermill")

# Compares each template with the page of a whole build (national and demonstration).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = Paths(ROOT)
DEMO = Paths(ROOT, demo=True)

# template -> (page notebook, parameters, build it needs)
CASES = {
    "overview": ("overview", {}, NATIONAL),
    "indicator": ("indicator-3", {}, NATIONAL),
    "changes": ("what-changed", {}, NATIONAL),
    "data": ("data", {}, NATIONAL),
    "quality": ("data-quality", {}, NATIONAL),
    "organisation": ("orgs/ZZ001", {"demo": True}, DEMO),
    "organisations": ("organisations", {"demo": True}, DEMO),
}


def _markdown_outputs(nb) -> list[str]:
    return [
        o["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]


def _heading(nb) -> str:
    return next(c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# "))


@pytest.mark.parametrize("template", list(CASES))
def test_template_runs_from_notebooks_folder_and_shows_the_page(template, tmp_path):
    page, parameters, paths = CASES[template]
    built = paths.chapters / f"{page}.ipynb"
    if not built.exists():
        pytest.skip(f"{built} is absent: run `wres {'demo' if paths.demo else 'build'}` first")
    downloads = NATIONAL.notebooks / "downloads"
    had_downloads = downloads.exists()
    try:
        out = papermill.execute_notebook(
            str(NATIONAL.notebooks / f"{template}.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters=parameters,
            cwd=str(NATIONAL.notebooks),
            kernel_name="python3",
            progress_bar=False,
        )
    finally:
        if not had_downloads and downloads.exists():
            shutil.rmtree(downloads)  # the CSV downloads a page writes next to itself
    ran = _markdown_outputs(out)
    page_nb = nbformat.read(built, as_version=4)
    heading_cells = [c for c in out.cells if "page-heading" in c.metadata.get("tags", [])]
    if heading_cells:
        # The template's heading is real text in Jupyter; the book made it the page's title cell.
        heading = ran.pop(0)
        assert heading.startswith("# ") and "{{" not in heading
        assert heading == plain_markdown(_heading(page_nb))
    else:
        assert _heading(out) == _heading(page_nb)
    # Outside the book the MyST roles are readable text (wres.book.standalone), else the same.
    assert ran == [plain_markdown(m) for m in _markdown_outputs(page_nb)]
    assert not any("{{" in c.source or "{%" in c.source for c in out.cells if c.cell_type == "markdown")
