"""The registry keeps its promise: group words, the indicator count and indicator ids live
in indicators.yml only, never in code, template Markdown or the sentences built from them."""

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "wres"

# Group words and the count, as whole words, case as written ("bme" column suffixes are
# part of the results contract and stay).
WORDS = re.compile(r"\b(BME|White|nine)\b")
# An indicator id or id range written out: "indicators 2-4", "ind 3", "(5–8)".
IDS = re.compile(r"\b(?:[Ii]ndicators?|ind)\s+\d|\([1-9]\s*[–-]\s*[1-9]\)")


def string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def offending(text: str) -> list[str]:
    return [m.group(0) for pat in (WORDS, IDS) for m in pat.finditer(text)]


def test_no_group_word_count_or_id_in_package_strings():
    bad = [
        f"{p.relative_to(ROOT)}:{line}: {hits}"
        for p in sorted(PACKAGE.rglob("*.py"))
        for line, s in string_literals(p)
        if (hits := offending(s))
    ]
    assert not bad, "\n".join(bad)


def test_no_group_word_count_or_id_in_templates():
    bad = []
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                source = " ".join(s for _, s in _code_strings(source))
            if hits := offending(source):
                bad.append(f"{nb.name} cell {i}: {hits}")
    assert not bad, "\n".join(bad)


def _code_strings(source: str) -> list[tuple[int, str]]:
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_the_patterns_catch_what_they_must():
    assert offending('f"Of the nine indicators"') == ["nine"]
    assert offending("BME staff vs White staff") == ["BME", "White"]
    assert offending("Staff-survey indicators (5–8)") == ["(5–8)"]
    assert offending("see indicators 2-4") == ["indicators 2"]
    assert offending("rate_bme, whitespace, ninety") == []
