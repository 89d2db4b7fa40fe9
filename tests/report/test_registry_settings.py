"""The registry's statistical settings do what they say (issue 20, item 6).

One small analysis (the repository's national figures and a six-organisation synthetic
panel) under a registry copy with ``trend_tests.alpha: 0.10`` and
``multiple_comparisons: bonferroni``; its pages are rendered from the results it wrote, as the
chapters render them, and read as a reader would: every confidence label must say 90%, and
"95%" may remain only on the funnel plots' fixed 95%/99.8% control limits. The q-values are
checked against Bonferroni worked out here (p times the family's size, capped at 1).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wres import results
from wres.analysis.run import analyse
from wres.config import Paths
from wres.inputs.importer import write_long
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.registry import REGISTRY_ENV, Registry, RegistryError, load_registry, parse_registry

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "wres" / "indicators.yml"
RECORDED_TRENDS = ROOT / "tests" / "fixtures" / "backtest" / "national" / "national_trends.csv"

#: The only "95%" a reader may still see at alpha 0.10: the funnel plots' control limits,
#: which are fixed at 95% and 99.8% (wres.stats.funnels), not confidence intervals.
FIXED_95 = re.compile(r"95% (and 99\.8% )?(funnel )?limits?|95% and 99\.8%|95% funnel position|at 95% and")


def _changed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture(scope="module")
def at_ninety(tmp_path_factory):
    """(registry file, results folder) of an analysis at alpha 0.10 with Bonferroni."""
    tmp = tmp_path_factory.mktemp("settings")
    text = _changed(SHIPPED.read_text(encoding="utf-8"), "  alpha: 0.05\n", "  alpha: 0.10\n")
    text = _changed(text, "multiple_comparisons: fdr_bh", "multiple_comparisons: bonferroni")
    reg_file = tmp / "registry.yml"
    reg_file.write_text(text, encoding="utf-8")
    panel = tmp / "panel"
    panel.mkdir()
    write_long(make_panel(load_national(Paths(ROOT).national_csv), n_orgs=6), panel / "synthetic_panel.csv")

    class DemoPaths(Paths):
        @property
        def trusts(self) -> Path:
            return panel

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(REGISTRY_ENV, str(reg_file))
        out = tmp / "results"
        analyse(DemoPaths(ROOT, demo=True), load_registry(), out)
        yield reg_file, out


@pytest.fixture
def registry_copy(at_ninety, monkeypatch) -> Registry:
    monkeypatch.setenv(REGISTRY_ENV, str(at_ninety[0]))
    return load_registry()


def test_bonferroni_q_values_are_p_times_family_size(at_ninety, registry_copy):
    assert registry_copy.trend_tests.multiple_comparisons == "bonferroni"
    trends = pd.read_csv(at_ninety[1] / "national_trends.csv")
    for column, p_column in (("q_value", "p_value"), ("mk_q", "mk_p")):
        for family, rows in trends.groupby("family"):
            p = rows[p_column].to_numpy(dtype=float)
            m = int(np.isfinite(p).sum())
            assert m >= 2, family
            expected = np.minimum(1.0, p * m)
            np.testing.assert_allclose(
                rows[column].to_numpy(dtype=float), expected, rtol=1e-5, equal_nan=True
            )  # the CSV keeps 6 significant digits
    # ... and they are not the Benjamini-Hochberg q-values the default registry records.
    recorded = pd.read_csv(RECORDED_TRENDS).set_index(["indicator", "series"])["q_value"]
    now = trends.set_index(["indicator", "series"])["q_value"]
    assert (now.loc[recorded.index] != recorded).any()
    assert (now.loc[recorded.index].fillna(2) >= recorded.fillna(2) - 1e-12).all()  # Bonferroni >= BH


def test_slope_intervals_are_ninety_percent(at_ninety):
    """An ordinary least-squares slope's interval is slope +/- t(0.95, n - 2) x its standard
    error: at alpha 0.10 the ratio of half-width to the 95% one is t(0.95)/t(0.975)."""
    now = pd.read_csv(at_ninety[1] / "national_trends.csv").set_index(["indicator", "series"])
    before = pd.read_csv(RECORDED_TRENDS).set_index(["indicator", "series"])
    ols = now[(now["method"] == "ols") & now["slope"].notna()].index
    assert len(ols) > 3
    for key in ols:
        n = int(now.loc[key, "n_years"])
        half_now = (now.loc[key, "slope_ci_high"] - now.loc[key, "slope_ci_low"]) / 2
        half_before = (before.loc[key, "slope_ci_high"] - before.loc[key, "slope_ci_low"]) / 2
        ratio = stats.t.ppf(0.95, n - 2) / stats.t.ppf(0.975, n - 2)
        # The CSV keeps 6 significant digits of each end, so the half-width is good to about 1e-4.
        assert half_now == pytest.approx(half_before * ratio, rel=1e-3), key


def _text(part: object) -> str:
    """What a displayed part says: Markdown or HTML text, a chart's titles, tooltips and description."""
    if hasattr(part, "to_dict"):
        return json.dumps(part.to_dict(validate=False), ensure_ascii=False)
    if isinstance(part, tuple | list):
        return "\n".join(_text(p) for p in part)
    return str(getattr(part, "data", part))


def _pages(out: Path, registry: Registry) -> dict[str, str]:
    from wres.report import pdf_report
    from wres.report.changes_page import ChangesView
    from wres.report.indicator_page import IndicatorChapter
    from wres.report.organisation_page import OrgProfile
    from wres.report.organisation_section import section
    from wres.report.overview_page import Overview
    from wres.report.pdf_html import Stamp

    pages = {}
    for ind in registry.indicators:
        ch = IndicatorChapter.load(ind.id, out)
        parts = [ch.headline(), ch.chart_note(), ch.method_markdown(), ch.trends_html() or ""]
        parts += [*ch.main_chart_parts(), *ch.derived_chart_parts()]
        parts += section(ind.id, out, heading=False, index_link="organisations.html", profile_link="{org_code}.html")
        pages[f"indicator {ind.id}"] = "\n".join(_text(p) for p in parts)
    ov = Overview.load(out)
    pages["overview"] = "\n".join(
        _text(p) for p in (ov.headline(), ov.table_html(), *ov.relative_likelihood_chart_parts())
    )
    view = ChangesView.load(out)
    pages["changes"] = "\n".join(_text(p) for p in (view.headline(), view.national_html(), *view.organisations("x")))
    code = str(results.read(out, "organisations")["org_code"].iloc[0])
    prof = OrgProfile.load(code, out)
    parts = [prof.headline(), prof.indicators_intro(), prof.table_html(), prof.versus_national_markdown()]
    parts += [*prof.charts_with_tables(), *prof.funnels("{org_code}.html"), prof.trends_html(), prof.methods_markdown()]
    pages["profile"] = "\n".join(_text(p) for p in parts)
    stamp = Stamp("7 December 2026", "test")
    pages["board report"] = pdf_report.organisation_report_html(out, code, stamp)
    pages["national board report"] = pdf_report.national_report_html(out, stamp)
    return pages


def test_every_confidence_label_follows_alpha(at_ninety, registry_copy):
    pages = _pages(at_ninety[1], registry_copy)
    for name, text in pages.items():
        if name not in ("overview", "changes"):  # verdicts, figures and changes, no interval
            assert "90%" in text, name
        left = FIXED_95.sub("", text)
        where = left.find("95%")
        assert where < 0, f"{name}: ...{left[max(0, where - 120) : where + 60]}..."
    # The pages that name the national adjustment name Bonferroni, not Benjamini-Hochberg.
    national = pages["indicator 1"] + pages["overview"] + pages["national board report"]
    assert "Bonferroni" in national
    assert "Benjamini" not in pages["indicator 1"] + pages["national board report"]
    assert "family-wise error rate" in pages["overview"]


def test_methods_page_says_the_registry_settings(registry_copy):
    from wres.book.sphinx_settings import fill, settings_text

    page = fill((ROOT / "book" / "methods.md").read_text(encoding="utf-8"), settings_text())
    assert "{{" not in page
    assert "**Bonferroni q-values**" in page
    assert "are plain 90% intervals" in page
    assert "controlled at 10% across that" in page
    assert "$p \\le 0.1/m$" in page
    assert "Benjamini–Hochberg q-values" not in page


def test_an_unknown_adjustment_names_the_field_and_line():
    text = SHIPPED.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip().startswith("multiple_comparisons:"))
    with pytest.raises(RegistryError) as err:
        parse_registry(text.replace("multiple_comparisons: fdr_bh", "multiple_comparisons: sidak"), "reg.yml")
    message = str(err.value)
    assert "reg.yml" in message and f"line {line}" in message
    assert "key 'trend_tests.multiple_comparisons'" in message and "'sidak'" in message
    assert "holm" in message and "bonferroni" in message


def _fields(model, seen=None) -> set[str]:
    """Every field name of a registry model and of the models inside it."""
    seen = set() if seen is None else seen
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        for inner in re.findall(r"wres\.registry\.(\w+)", repr(info.annotation)):
            import wres.registry as reg

            cls = getattr(reg, inner, None)
            if cls is not None and cls not in seen and hasattr(cls, "model_fields"):
                seen.add(cls)
                names |= _fields(cls, seen)
    return names


def test_every_registry_field_is_documented_in_the_file_header():
    header = "\n".join(t for t in SHIPPED.read_text(encoding="utf-8").splitlines() if t.startswith("#"))
    fields = _fields(Registry)
    assert {"alpha", "min_years", "multiple_comparisons", "excluded_from_tests", "senior_label"} <= fields
    missing = sorted(f for f in fields if not re.search(rf"\b{f}\b", header))
    assert not missing, f"not described in the header of indicators.yml: {missing}"
