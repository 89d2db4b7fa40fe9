"""The registry's statistical settings in a reader's words: the confidence level of every
interval ("95%" at alpha 0.05, "90%" at 0.10) and the name of the multiple-comparison
adjustment. Every page, chart, table heading and the print report take these words from here,
so changing ``trend_tests`` in the registry changes what readers are told."""

from __future__ import annotations

from wres.registry import Registry, load_registry

#: The registry's ``trend_tests.multiple_comparisons`` codes in words.
ADJUSTMENT_WORDS = {
    "fdr_bh": "Benjamini–Hochberg",
    "holm": "Holm",
    "bonferroni": "Bonferroni",
}
#: What each adjustment controls, for a sentence such as "... controls the {} across ...":
#: the expected share of false discoveries, or the chance of any false alarm (family-wise).
CONTROLS = {
    "fdr_bh": "false discovery rate",
    "holm": "family-wise error rate",
    "bonferroni": "family-wise error rate",
}


def confidence(registry: Registry | None = None) -> str:
    """The confidence level of every interval the book shows, e.g. ``"95%"``."""
    return (registry or load_registry()).trend_tests.confidence_percent


def ci(registry: Registry | None = None) -> str:
    """The short label of an interval, e.g. ``"95% CI"``."""
    return f"{confidence(registry)} CI"


def adjustment(registry: Registry | None = None) -> str:
    """The national trend tests' multiple-comparison adjustment by name, e.g. ``"Holm"``."""
    return ADJUSTMENT_WORDS[(registry or load_registry()).trend_tests.multiple_comparisons]


def controls(registry: Registry | None = None) -> str:
    """What that adjustment controls, e.g. ``"false discovery rate"``."""
    return CONTROLS[(registry or load_registry()).trend_tests.multiple_comparisons]
