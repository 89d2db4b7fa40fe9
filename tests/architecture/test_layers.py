"""The package's one import direction, read from the source (imports inside functions too).

inputs -> analysis (using stats) -> results files -> report -> book. A short AST walk is
enough here; import-linter would add a dependency for the same five rules.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "wres"

# What each layer must never import (prefixes of module names).
FORBIDDEN = {
    "stats": (
        "wres.registry",
        "wres.config",
        "wres.results",
        "wres.inputs",
        "wres.analysis",
        "wres.report",
        "wres.book",
        "altair",
        "jinja2",
        "IPython",
        "rich",
        "typer",
    ),
    "inputs": ("wres.analysis", "wres.report", "wres.book"),
    "analysis": ("wres.report", "wres.book", "altair", "jinja2", "IPython"),
    # Kinds describe an indicator's organisation figure for analysis and report alike; they
    # may use pure statistics (analysis asks them to compute), never files, pages or the book.
    "kinds": ("wres.inputs", "wres.analysis", "wres.report", "wres.book", "altair", "jinja2", "IPython"),
    "report": ("wres.stats", "wres.analysis", "wres.inputs", "scipy", "statsmodels", "wres.book.pipeline"),
}
# Shared top-level modules sit below every layer.
SHARED = ("config", "registry", "errors", "io", "results")
SHARED_FORBIDDEN = ("wres.inputs", "wres.stats", "wres.analysis", "wres.report", "wres.book", "wres.cli")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            names.add(mod)
            names.update(f"{mod}.{a.name}" for a in node.names)
    return names


#: Exceptions to FORBIDDEN: the funnel methods package describes its own fits in words
#: (``describe``), pure Python with no scipy or statsmodels at import
#: (tests/stats/test_funnel_methods.py), so pages ask a fit for its sentences.
ALLOWED = {"report": ("wres.stats.funnels",)}


def _violations(path: Path, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    def hit(m: str, prefixes: tuple[str, ...]) -> bool:
        return any(m == f or m.startswith(f + ".") for f in prefixes)

    return sorted(m for m in imported_modules(path) if hit(m, forbidden) and not hit(m, allowed))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downwards(layer):
    bad = {
        str(p.relative_to(PACKAGE)): v
        for p in sorted((PACKAGE / layer).rglob("*.py"))
        if (v := _violations(p, FORBIDDEN[layer], ALLOWED.get(layer, ())))
    }
    assert not bad, f"{layer}/ imports what it must not: {bad}"


def test_shared_modules_import_no_layer():
    bad = {name: v for name in SHARED if (v := _violations(PACKAGE / f"{name}.py", SHARED_FORBIDDEN))}
    assert not bad, bad


def test_the_checker_sees_a_violation(tmp_path, monkeypatch):
    # The rule must be able to fail: a planted report module importing statsmodels is caught.
    # Planted in a copy of the package's folder layout, not in src/: tests running alongside
    # (pytest -n) must never see it.
    fake = tmp_path / "src" / "wres"
    planted = fake / "report" / "_planted_for_test.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("def f():\n    from statsmodels.api import OLS\n    from ..stats import trends\n")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    assert _violations(planted, FORBIDDEN["report"]) == [
        "statsmodels.api",
        "statsmodels.api.OLS",
        "wres.stats",
        "wres.stats.trends",
    ]
