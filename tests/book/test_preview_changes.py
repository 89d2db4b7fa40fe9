"""Which chapters a saved file re-runs in ``wres preview`` (wres.book.preview_changes), and
the Markdown-only shortcut for templates (wres.book.preview)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from wres.book.plan import Chapter
from wres.book.preview import markdown_only, patch_markdown
from wres.book.preview_changes import affected


def _write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _template(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell(code)])
    return _write(path, nbformat.writes(nb))


@pytest.fixture
def book(tmp_path: Path):
    """A toy package and book. Imports, worked out by hand:
    page_a -> words (from wres.report import words); words -> formats (relative import);
    page_b -> registry (import wres.registry); template b.ipynb -> wres.report.extra.
    The kinds are loaded by the registry, so every chapter importing the registry depends on them."""
    pkg = tmp_path / "src" / "wres"
    _write(pkg / "__init__.py")
    _write(pkg / "registry.py", "KINDS = 'loaded by name'\n")
    _write(pkg / "kinds" / "__init__.py")
    _write(pkg / "kinds" / "score.py")
    _write(pkg / "report" / "__init__.py")
    _write(pkg / "report" / "page_a.py", "from wres.report import words\nREADS = ('a',)\n")
    _write(pkg / "report" / "words.py", "from .formats import percent\n")
    _write(pkg / "report" / "formats.py", "def percent(x):\n    return x\n")
    _write(pkg / "report" / "page_b.py", "import wres.registry\nREADS = ('b',)\n")
    _write(pkg / "report" / "extra.py")
    _write(pkg / "analysis" / "__init__.py")
    _write(pkg / "analysis" / "run.py", "from wres.report import formats\n")
    templates = tmp_path / "notebooks"
    _template(templates / "a.ipynb", "x = 1")
    _template(templates / "b.ipynb", "%matplotlib inline\nfrom wres.report.extra import *")
    results = tmp_path / "results"
    _write(results / "a.csv")
    _write(results / "b.csv")
    plan = [
        Chapter("a-1", "a.ipynb", {"n": 1}, reads=("a.csv",), for_each="indicator", reads_from=("page_a",)),
        Chapter("a-2", "a.ipynb", {"n": 2}, reads=("a.csv",), for_each="indicator", reads_from=("page_a",)),
        Chapter("b", "b.ipynb", {}, reads=("b.csv",), reads_from=("page_b",)),
    ]

    def hit(*changed: str):
        found = affected([tmp_path / c for c in changed], plan, templates, results, root=pkg)
        return found.chapters, found.code

    return hit


def test_a_template_re_runs_its_own_chapters(book):
    assert book("notebooks/a.ipynb") == (("a-1", "a-2"), False)


def test_a_report_module_re_runs_the_chapters_whose_reads_from_import_it(book):
    # formats is imported by words (relatively), which page_a imports: the a chapters only.
    assert book("src/wres/report/formats.py") == (("a-1", "a-2"), True)
    assert book("src/wres/report/page_b.py") == (("b",), True)


def test_a_module_the_template_imports_re_runs_its_chapters(book):
    assert book("src/wres/report/extra.py") == (("b",), True)


def test_a_kind_re_runs_the_chapters_that_import_the_registry(book):
    assert book("src/wres/kinds/score.py") == (("b",), True)


def test_code_no_chapter_imports_re_runs_nothing(book):
    assert book("src/wres/analysis/run.py") == ((), True)


def test_a_hand_written_page_re_runs_no_chapter(book):
    assert book("book/methods.md") == ((), False)


def test_a_results_file_re_runs_the_chapters_reading_it(book):
    assert book("results/b.csv") == (("b",), False)


def test_the_real_changes_page_module_re_runs_only_what_changed(root):
    """In this repository's spec only the what-changed entry names changes_page, and no other
    report module imports it (checked by grep when this test was written)."""
    from wres.book.pipeline import site_layout, site_spec
    from wres.registry import load_registry

    plan = site_layout(site_spec(root), load_registry(), []).chapters()
    found = affected([root / "src/wres/report/changes_page.py"], plan, root / "notebooks", root / "results")
    assert found.chapters == ("what-changed",)


def _nb(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def test_markdown_only_tells_text_edits_from_code_edits():
    md = nbformat.v4.new_markdown_cell("Old sentence.", id="m")
    code = nbformat.v4.new_code_cell("x = 1", id="c")
    old = _nb(md, code)
    assert markdown_only(old, _nb(nbformat.v4.new_markdown_cell("New sentence.", id="m"), code))
    assert not markdown_only(old, _nb(md, nbformat.v4.new_code_cell("x = 2", id="c")))
    assert not markdown_only(old, _nb(md, code, nbformat.v4.new_markdown_cell("More.", id="n")))
    # Without cell ids the executed notebook's cells cannot be matched: run the chapters instead.
    plain = _nb(nbformat.v4.new_markdown_cell("Old."), nbformat.v4.new_code_cell("x = 1"))
    for cell in plain.cells:
        cell.pop("id")
    assert not markdown_only(plain, plain)


def test_patch_markdown_writes_the_rendered_text_and_keeps_outputs(tmp_path: Path):
    from wres.registry import load_registry

    template = _write(
        tmp_path / "t.ipynb",
        nbformat.writes(
            _nb(nbformat.v4.new_markdown_cell("About {{ org_name }}.", id="m"), nbformat.v4.new_code_cell("1", id="c"))
        ),
    )
    out = nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=1)
    executed = _nb(
        nbformat.v4.new_markdown_cell("Before.", id="m"),
        nbformat.v4.new_code_cell("1", id="c", outputs=[out], execution_count=1),
    )
    target = _write(tmp_path / "out.ipynb", nbformat.writes(executed))
    chapter = Chapter("x", "t.ipynb", {}, context={"org_name": "Ash Trust"})
    assert patch_markdown(chapter, template, target, load_registry())
    cells = json.loads(target.read_text(encoding="utf-8"))["cells"]
    assert "".join(cells[0]["source"]) == "About Ash Trust."
    assert cells[1]["outputs"][0]["data"] == {"text/plain": ["1"]}  # as nbformat writes it
    # Patching again changes nothing (the notebook, and so Sphinx, is left alone).
    assert not patch_markdown(chapter, template, target, load_registry())
