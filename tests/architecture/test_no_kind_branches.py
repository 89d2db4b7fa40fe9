"""Nothing outside an indicator's kind branches on the kind's name: code asks the kind object
(``wres.kinds.kind_of``) instead, so a new kind is one module plus a registry entry.

Read from the source (AST): a comparison of ``<x>.kind`` or ``measure_kind`` with text, the removed
``is_relative_likelihood``, or a dict keyed by built-in kind names is a branch on the kind.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from wres.kinds import BUILT_IN

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "wres"
CHECKED = [
    *sorted((PACKAGE / "analysis").glob("*.py")),
    *sorted((PACKAGE / "kinds").glob("*.py")),
    PACKAGE / "inputs" / "synthetic.py",
    PACKAGE / "registry.py",
]
#: The funnel functions are being moved to their own module, which replaces their branches;
#: until then they are left out by name.
FUNNEL_FUNCTIONS = {
    "_limits_frame",
    "_funnel_year",
    "_not_placed",
    "_two_sided_p",
    "_additive_year",
    "_representation_year",
    "_representation_limits",
    "_funnelplotr_year",
    "_pooled_ratio",
}
KIND_WORDS = {"kind", "measure_kind"}


def _is_kind(node: ast.AST) -> bool:
    """``x.kind``, ``x.measure_kind`` or a variable ``kind`` (the name, not the kind object's
    attributes: ``kind.unit == ...`` asks the kind)."""
    return (isinstance(node, ast.Attribute) and node.attr in KIND_WORDS) or (
        isinstance(node, ast.Name) and node.id in KIND_WORDS
    )


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_is_text(e) for e in node.elts)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_kind_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in BUILT_IN


def branches(source: str) -> list[str]:
    """``line: what`` of each branch on a kind's name in ``source``."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.name in FUNNEL_FUNCTIONS:
            skip.update(range(fn.lineno, (fn.end_lineno or fn.lineno) + 1))
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if line in skip:
            continue
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            by_name = any(_is_kind(a) for a in sides) and any(_is_text(a) for a in sides)
            if by_name or any(_is_kind_name(a) for a in sides):
                found.append(f"{line}: comparison with a kind")
        elif isinstance(node, ast.Attribute) and node.attr == "is_relative_likelihood":
            found.append(f"{line}: is_relative_likelihood")
        elif isinstance(node, ast.Dict) and sum(_is_kind_name(k) for k in node.keys if k is not None) >= 2:
            found.append(f"{line}: dict keyed by kind names")
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_branch_on_a_kind_name(path):
    assert branches(path.read_text(encoding="utf-8")) == []


def test_the_checker_sees_each_kind_of_branch():
    planted = (
        "def f(ind, registry):\n"
        "    if ind.trust.kind == 'percentage':\n"
        "        pass\n"
        "    x = ind.is_relative_likelihood\n"
        "    if ind.measure_kind in ('representation', 'x'):\n"
        "        pass\n"
        "    return {'relative_likelihood': 1, 'representation': 2}\n"
        "def _funnel_year(ind):\n"
        "    return ind.trust.kind == 'representation'\n"
    )
    assert branches(planted) == [
        "2: comparison with a kind",
        "4: is_relative_likelihood",
        "5: comparison with a kind",
        "7: dict keyed by kind names",
    ]
