"""Indicator kinds: what an organisation's figure of an indicator is, and everything that
follows from it, one module per kind.

The registry's ``trust.kind`` names the kind. A built-in name (``relative_likelihood``,
``percentage``, ``representation``) is the module of that name in this package; a dotted
name (``my_package.score_kind``) is any importable module, so a new kind is one module plus
a registry entry. Each module exposes ``KIND``, a subclass of :class:`wres.kinds.base.Kind`.

Nothing outside this package branches on the kind: code asks the kind object
(:func:`kind_of`) for words, units, directions, counts and chart settings instead.

Writing a kind: subclass :class:`~wres.kinds.base.Kind`, give its ``name``, ``unit``,
``measure`` and words, then either steer the analysis's count code with its attributes
(``likelihood``, ``weighted_survey``, ``versus_workforce``, ``rates_measure``) or answer the
analysis hooks yourself (``organisation_rows``, ``aggregate_rows``, ``trend_counts``,
``versus_national``, ``change_test_result``, ``funnel_year``, ``synthetic_rows``).
``tests/kinds/toy_kind/toy_score_gap.py`` is a complete kind outside the package (a score
difference); ``tests/kinds/test_conformance.py`` holds the checks every kind must pass.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from wres.kinds.base import Kind
from wres.registry import KIND_NAME, Indicator, Registry

#: The kinds shipped with the package (module names in ``wres.kinds``).
BUILT_IN = ("relative_likelihood", "percentage", "representation")


class UnknownKind(LookupError):
    """The registry names a kind no module provides."""


@lru_cache(maxsize=32)
def kind_class(name: str) -> type[Kind]:
    """The :class:`Kind` subclass a registry kind name stands for."""
    if not KIND_NAME.fullmatch(name or ""):
        raise UnknownKind(f"kind {name!r} is not a module name (letters, digits, _ and dots)")
    module_name = f"wres.kinds.{name}" if name in BUILT_IN else name
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownKind(
            f"kind {name!r}: no module {module_name!r} ({exc}); built-in kinds are {', '.join(BUILT_IN)}"
        ) from None
    cls = getattr(module, "KIND", None)
    if not (isinstance(cls, type) and issubclass(cls, Kind)):
        raise UnknownKind(f"kind {name!r}: module {module_name!r} has no KIND (a wres.kinds.base.Kind subclass)")
    return cls


def kind_of(ind: Indicator, registry: Registry) -> Kind:
    """The kind object of ``ind`` (its registry's ``trust.kind``), bound to the indicator."""
    return kind_class(ind.trust.kind)(ind, registry)


def kinds_of(registry: Registry) -> dict[int, Kind]:
    """Every indicator's kind object, by indicator id."""
    return {ind.id: kind_of(ind, registry) for ind in registry.indicators}


__all__ = ["BUILT_IN", "Kind", "UnknownKind", "kind_class", "kind_of", "kinds_of"]
