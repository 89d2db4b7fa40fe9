"""Which chapters a changed file affects, for ``wres preview``.

A build's chapter digest (:mod:`wres.book.hashing`) follows the whole package: any code
change re-runs every chapter, which is right for a build and far too slow between two
saves. The preview narrows it down:

* a template (``notebooks/NAME.ipynb``) affects the chapters executed from it;
* a package module affects the chapters whose ``reads_from`` report modules, or whose
  template's own ``import wres…`` lines, import it, directly or through other modules of the
  package (found by parsing the source, as :mod:`wres.book.reads` does, never importing it);
* a results file affects the chapters that read it (their ``reads``);
* anything else (a hand-written page, ``_config.yml``, ``data/README.md``) affects no chapter:
  Sphinx alone rebuilds the pages it changed.

Indicator kinds are loaded by name from the registry (``trust.kind``), not imported: a
chapter that imports :mod:`wres.registry` depends on every module of ``wres.kinds`` and on
the registry file too.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from wres.book.plan import Chapter
from wres.book.reads import REPORT_PACKAGE

PACKAGE = "wres"


def package_root() -> Path:
    """The folder of the installed ``wres`` package (its source, in an editable install)."""
    return Path(str(resources.files(PACKAGE)))


def module_file(module: str, root: Path) -> Path | None:
    """The source file of the package module ``module`` (dotted), None when there is none."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py") if len(parts) > 1 else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


def _parents(module: str) -> list[str]:
    # Importing wres.report.words runs wres/__init__.py and wres/report/__init__.py first.
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imported_modules(tree: ast.AST, module: str, root: Path, is_package: bool = False) -> set[str]:
    """The package modules an import statement in ``tree`` (the source of ``module``) names."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # Relative: from the module's package (a package's __init__ is its own package).
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            found.add(target)
            # `from wres.report import words` imports a module; `from wres.io import inside` a name.
            found |= {f"{target}.{a.name}" for a in node.names if module_file(f"{target}.{a.name}", root)}
    return {m for name in found for m in (*_parents(name), name) if module_file(m, root)}


def closure(modules: Iterable[str], root: Path) -> set[Path]:
    """The source files of ``modules`` and of every package module they import, transitively."""
    seen: set[Path] = set()
    todo = [m for name in modules for m in (*_parents(name), name)]
    while todo:
        name = todo.pop()
        path = module_file(name, root)
        if path is None or path in seen:
            continue
        seen.add(path)
        todo += _file_imports(str(path), path.stat().st_mtime_ns, name, str(root))
    if root / "registry.py" in seen:
        # The kinds are named in the registry and loaded from there (see the module docstring).
        seen |= set((root / "kinds").glob("*.py")) | set(root.glob("*.yml"))
    return seen


@lru_cache(maxsize=1024)
def _file_imports(path: str, _mtime: int, module: str, root: str) -> tuple[str, ...]:
    # Keyed on the file's time: a preview parses each module once until it is saved again.
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    return tuple(sorted(imported_modules(tree, module, Path(root), is_package=path.endswith("__init__.py"))))


def template_modules(template: Path, root: Path) -> set[str]:
    """The package modules a template's code cells import (lines a parser cannot read, such
    as IPython magics, are left out)."""
    nb = json.loads(template.read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        lines = [line for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        found |= imported_modules(tree, "__main__", root)
    return found


def chapter_code(chapter: Chapter, templates: Path, root: Path) -> set[Path]:
    """The package files whose code runs when ``chapter`` is executed."""
    modules = {f"{REPORT_PACKAGE}.{page}" for page in chapter.reads_from}
    template = templates / chapter.template
    if template.is_file():
        modules |= template_modules(template, root)
    return closure(modules, root)


@dataclass(frozen=True)
class Affected:
    """What a set of changed files asks of the preview."""

    #: Chapters to bring up to date, by name, in plan order.
    chapters: tuple[str, ...]
    #: Package code changed: the warm kernel must start afresh to import it.
    code: bool
    #: Templates among the changed files (their chapters may need only new Markdown).
    templates: tuple[str, ...] = ()


def affected(
    changed: Iterable[Path], plan: list[Chapter], templates: Path, results: Path, root: Path | None = None
) -> Affected:
    """The chapters of ``plan`` that the ``changed`` files (absolute paths) affect.

    ``templates`` is the folder of chapter templates, ``results`` the results folder and
    ``root`` the package's source folder (default: the installed package's)."""
    root = root or package_root()
    changed = {Path(p).resolve() for p in changed}
    templates, results, root = templates.resolve(), results.resolve(), root.resolve()
    code = {p for p in changed if p.is_relative_to(root) and p.suffix in {".py", ".yml"}}
    changed_templates = {p.name for p in changed if p.parent == templates and p.suffix == ".ipynb"}
    changed_results = {p.name for p in changed if p.parent == results}
    names = []
    code_cache: dict[tuple, set[Path]] = {}
    for ch in plan:
        hit = ch.template in changed_templates or bool(changed_results & set(ch.reads))
        if not hit and code:
            key = (ch.template, ch.reads_from)
            if key not in code_cache:
                code_cache[key] = chapter_code(ch, templates, root)
            hit = bool(code & code_cache[key])
        if hit:
            names.append(ch.name)
    return Affected(tuple(names), bool(code), tuple(sorted(changed_templates)))
