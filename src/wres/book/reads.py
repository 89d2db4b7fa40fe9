"""What a page reads: the ``READS`` constant of its report module, found without importing it.

Every page module in ``wres.report`` declares ``READS: tuple[str, ...]``, the results-catalogue
keys (``wres.results.TABLES``) it reads. A chapter's hash follows exactly those files, so
new results re-run the pages that show them and no others.

The modules are parsed, not imported: importing them pulls in pandas and Altair, which would
cost a no-change rebuild more than everything else it does. ``READS`` must therefore be
computable from the source: a tuple or list of strings, optionally with ``*NAME`` or ``+``
parts naming constants of the same module or constants imported from another module of the
same package (``from wres.report.organisation_section import READS as SECTION_READS``).
"""

from __future__ import annotations

import ast
from functools import lru_cache
from importlib import util
from pathlib import Path

REPORT_PACKAGE = "wres.report"


class ReadsError(ValueError):
    """A page module's READS cannot be found or worked out from its source."""


def module_file(module: str) -> Path:
    """The source file of ``module`` (dotted name), found without importing it."""
    found = util.find_spec(module)
    if found is None or not found.origin or not found.origin.endswith(".py"):
        raise ReadsError(f"no Python module {module!r}")
    return Path(found.origin)


def declared_reads(module: str, name: str = "READS") -> tuple[str, ...] | None:
    """The value of ``module.<name>`` read from its source, or None when it is not defined."""
    path = module_file(module)
    return _declared(str(path), path.stat().st_mtime_ns, module, name)


@lru_cache(maxsize=64)
def _declared(path: str, _mtime: int, module: str, name: str) -> tuple[str, ...] | None:
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    assigned: dict[str, ast.expr] = {}
    imported: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            assigned[node.target.id] = node.value
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    if name not in assigned:
        return None
    # Only constants of the same package are followed: finding another package's source
    # could import it, which is what this module avoids.
    top = module.split(".")[0]
    imported = {k: v for k, v in imported.items() if v[0].split(".")[0] == top}
    return _evaluate(assigned[name], assigned, imported, f"{module}.{name}")


def _from_import(module: str, name: str) -> tuple[str, ...] | None:
    """``name`` after ``from module import name``: a constant of ``module``."""
    try:
        return declared_reads(module, name)
    except ReadsError:
        return None


def _evaluate(node: ast.expr, assigned: dict, imported: dict, where: str) -> tuple[str, ...]:
    if isinstance(node, (ast.Tuple, ast.List)):
        out: list[str] = []
        for item in node.elts:
            if isinstance(item, ast.Starred):
                out += _evaluate(item.value, assigned, imported, where)
            elif isinstance(item, ast.Constant) and isinstance(item.value, str):
                out.append(item.value)
            else:
                out += _evaluate(item, assigned, imported, where)
        return tuple(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _evaluate(node.left, assigned, imported, where) + _evaluate(node.right, assigned, imported, where)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.Name):
        if node.id in assigned:
            # Without the name itself, so a constant defined in terms of itself cannot loop.
            rest = {k: v for k, v in assigned.items() if k != node.id}
            return _evaluate(assigned[node.id], rest, imported, where)
        if node.id in imported:
            other = _from_import(*imported[node.id])
            if other is not None:
                return other
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        # e.g. organisation_section.READS after `from wres.report import organisation_section`
        base = imported.get(node.value.id)
        if base:
            other = declared_reads(f"{base[0]}.{base[1]}", node.attr)
            if other is not None:
                return other
    raise ReadsError(
        f"{where}: cannot work out {ast.unparse(node)!r} without importing the module; "
        "write READS as a tuple of result keys (strings), optionally with *OTHER_READS parts"
    )


def page_files(page: str, package: str = REPORT_PACKAGE) -> tuple[str, ...]:
    """The results files (names in ``results/``) the page module ``package.page`` reads."""
    keys = declared_reads(f"{package}.{page}")
    if keys is None:
        raise ReadsError(f"{package}.{page} declares no READS (a tuple of wres.results keys)")
    return keys_to_files(keys, where=f"{package}.{page}.READS")


def keys_to_files(keys: tuple[str, ...], where: str = "READS") -> tuple[str, ...]:
    """Results-catalogue keys as file names. A page reading any organisation results also
    follows ``trust_meta.json``, which says whether they are synthetic (pages show a banner)."""
    from wres import results

    files: list[str] = []
    for key in keys:
        if key in (results.ORGANISATION_META, results.ORGANISATION_META_KEY):
            files.append(results.ORGANISATION_META)
        elif key in results.BY_KEY:
            files.append(results.BY_KEY[key].file)
        else:
            raise ReadsError(f"{where}: {key!r} is not a results key (wres.results.TABLES)")
    if any(f.startswith("trust_") for f in files) and results.ORGANISATION_META not in files:
        files.append(results.ORGANISATION_META)
    return tuple(dict.fromkeys(files))


def chapter_files(pages: tuple[str, ...], package: str = REPORT_PACKAGE) -> tuple[str, ...]:
    """Union of the files read by ``pages``, in first-seen order."""
    return tuple(dict.fromkeys(f for page in pages for f in page_files(page, package)))
