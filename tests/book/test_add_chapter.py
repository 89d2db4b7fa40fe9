"""Adding a chapter is one spec entry plus one template (book/site.yml, notebooks/): no code
change. A whole build on a copy of the repository."""

from __future__ import annotations

import nbformat
import yaml

from conftest import fresh_copy, run_build


def toy_template() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            'results_dir = "../../results"\ncolour = "grey"', metadata={"tags": ["parameters", "remove-cell"]}
        ),
        nbformat.v4.new_markdown_cell("# A toy chapter"),
        nbformat.v4.new_code_cell(
            "import pathlib\nprint(f'{colour} toy read', len(list(pathlib.Path(results_dir).glob('*.csv'))))",
            metadata={"tags": ["remove-input"]},
        ),
    ]
    return nb


def test_a_new_chapter_needs_only_a_spec_entry_and_a_template(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    nbformat.write(toy_template(), repo / "notebooks" / "toy.ipynb")
    spec_file = repo / "book" / "site.yml"
    spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    methods = next(p for p in spec["parts"] if p["caption"] == "Methods and data")
    methods["chapters"].append({"output": "toy", "template": "toy.ipynb", "parameters": {"colour": "teal"}})
    spec_file.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")

    proc = run_build(repo)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for p in toc["parts"] for c in p["chapters"]]
    assert files[-1] == "book/generated/toy"
    page = (repo / "_build" / "html" / "book" / "generated" / "toy.html").read_text(encoding="utf-8")
    assert "A toy chapter" in page and "teal toy read" in page
    # Listed in every page's navigation, e.g. the landing page's.
    assert 'href="generated/toy.html"' in (repo / "_build" / "html" / "book" / "intro.html").read_text(encoding="utf-8")
    # Nothing else changed, so only the new chapter ran.
    others = len(list((repo / "book" / "generated").rglob("*.ipynb"))) - 1
    assert proc.stdout.count("skipped (unchanged)") == others
