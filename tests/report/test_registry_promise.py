"""The registry's promise in the report layer and the templates: no group word, no
indicator count and no indicator number or range in string literals or template Markdown."""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(r"\bBME\b|\bWhite\b|\bnine\b|indicators? \(?\d|\(\d+\s*[–-]\s*\d+\)")


def _literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc_nodes = {id(n.body[0].value) for n in ast.walk(tree)
                 if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                 and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in doc_nodes]


@pytest.mark.parametrize("path", sorted((ROOT / "src" / "wres" / "report").glob("*.py")), ids=lambda p: p.name)
def test_report_literals_derive_words_from_the_registry(path):
    # The table of number words (words.count_words) is the one place "nine" may be spelt.
    bad = [s for s in _literals(path) if FORBIDDEN.search(s) and " " in s.strip()]
    assert not bad, bad


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_template_markdown_derives_words_from_the_registry(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for c in cells:
        text = "".join(c["source"])
        if c["cell_type"] == "markdown":
            assert not FORBIDDEN.search(text), text
            assert "{{" not in text and "{%" not in text, text  # headings a reader sees are real text
        else:
            assert not FORBIDDEN.search(text), text
