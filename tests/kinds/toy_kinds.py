"""The toy fifth kind (``toy_kind/toy_score_gap.py``) and a registry that uses it: the
fictional second standard of ``tests/fixtures/second_registry`` plus one indicator, a 0-10
engagement score compared between its two groups. Helpers for the kind tests; the kind
module is copied into a temporary folder, never imported from the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import FIXTURES

SECOND = FIXTURES / "second_registry"
TOY_MODULE = Path(__file__).parent / "toy_kind" / "toy_score_gap.py"
TOY_ID = 4
YEARS = range(2016, 2025)

TOY_INDICATOR = {
    "id": TOY_ID,
    "slug": "measure-four",
    "title": "Engagement score",
    "wording": "Mean staff engagement score (0-10) of group A staff compared with group B staff.",
    # The national measure closest to two groups' figures; the kind decides everything else.
    "measure_kind": "percentage_by_group",
    "source": "A fictional staff survey, as at 31 March of the report year",
    "year_basis": "report",
    "survey_lag": 0,
    "series": [
        {
            "key": f"{g}_score",
            "label": f"Group {g[-1].upper()} mean engagement score",
            "measure": "Mean staff engagement score (% of the maximum score)",
            "group": g,
            "transform": "logit",
            "improvement": "up",
            # The national file takes a fixed set of units (wres.inputs.validate): the mean
            # score is published as a percent of the maximum score.
            "unit": "percent",
        }
        for g in ("grp_a", "grp_b")
    ],
    "derived": [
        {
            "key": "score_gap",
            "label": "Group A mean score minus group B mean score (percentage points of the maximum)",
            "op": "gap",
            "a": "grp_a_score",
            "b": "grp_b_score",
            "transform": "identity",
            "improvement": "parity",
            "unit": "percentage points",
        }
    ],
    "headline_series": "score_gap",
    "sentence": "Group A staff scored {value} points on average against group B staff in {year}",
    "trust": {"kind": "toy_score_gap", "improvement": "up"},
}


def write_toy_kind(folder: Path) -> Path:
    """Copy the toy kind module into ``folder`` (to be put on the import path)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(TOY_MODULE, folder / TOY_MODULE.name))


def write_toy_registry(path: Path) -> Path:
    """The second registry with the toy indicator added, written to ``path``."""
    reg = yaml.safe_load((SECOND / "registry.yml").read_text(encoding="utf-8"))
    reg["indicators"].append(TOY_INDICATOR)
    path.write_text(yaml.safe_dump(reg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def toy_national_csv() -> str:
    """The second standard's national figures plus the toy indicator's, as CSV text."""
    lines = (SECOND / "national.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    src = "https://example.org/fictional-report,example.org,fictional,as_published"
    for i, y in enumerate(YEARS):
        a, b = 60.0 + 0.5 * i, 65.0 + 0.3 * i
        for g, v in (("grp_a", a), ("grp_b", b)):
            lines.append(
                f"{TOY_ID},Mean staff engagement score (% of the maximum score),{g},{y},{y},,{v:.1f},percent,{src}"
            )
    return "\n".join(lines) + "\n"
