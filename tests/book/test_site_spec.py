"""The site spec (wres.book.spec) and what is derived from it: the chapter plan, the links
between chapters and the table of contents (wres.book.plan, wres.book.toc)."""

from __future__ import annotations

import ast
import json

import pytest
import yaml

from wres.book.plan import Organisation, layout
from wres.book.spec import SPEC_FILE, SiteSpec, load_spec
from wres.book.toc import toc_data, toc_text
from wres.registry import load_registry
from wres.report.words import count_words

ORGS = [Organisation("ZZ002", "Second <b>Trust</b>"), Organisation("ZZ001", "First Trust")]


@pytest.fixture(scope="module")
def spec(root):
    return load_spec(root / SPEC_FILE)


def test_committed_toc_is_what_the_spec_generates(root, spec):
    # If this fails, run `wres toc` (the committed _toc.yml is generated from book/site.yml).
    assert (root / "_toc.yml").read_text(encoding="utf-8") == toc_text(layout(spec, load_registry(), []))


def test_committed_toc_lists_every_page_once_with_todays_urls(root):
    reg = load_registry()
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    expected = (
        ["book/generated/overview", "book/generated/what-changed"]
        + [f"book/generated/{ind.slug}" for ind in reg.indicators]
        + [
            "book/methods",
            "book/generated/calibration",
            "book/generated/data",
            "book/generated/data-quality",
            "book/data-dictionary",
            "book/reuse",
            "book/corrections",
        ]
    )
    assert toc["root"] == "book/intro"
    assert files == expected
    assert [p["caption"] for p in toc["parts"]] == [
        "Findings",
        f"The {count_words(len(reg.indicators))} indicators",
        "Methods and data",
    ]


def test_organisations_part_only_with_organisation_results(spec):
    reg = load_registry()
    national = toc_data(layout(spec, reg, []))
    with_orgs = toc_data(layout(spec, reg, ORGS))
    assert "Organisations" not in [p["caption"] for p in national["parts"]]
    assert with_orgs["parts"][:-1] == national["parts"]
    assert with_orgs["parts"][-1] == {
        "caption": "Organisations",
        "chapters": [
            {
                "file": "book/generated/organisations",
                "sections": [{"file": "book/generated/orgs/ZZ001"}, {"file": "book/generated/orgs/ZZ002"}],
            }
        ],
    }


def test_plan_parameters_context_and_profile_link(spec):
    reg = load_registry()
    plan = {ch.name: ch for ch in layout(spec, reg, ORGS).chapters()}
    first = reg.indicators[0]
    assert plan[first.slug].parameters == {"indicator_id": first.id}
    assert plan[first.slug].context == {"ind": first}
    assert plan["organisations"].parameters == {"profile_link": "orgs/{org_code}.html"}
    assert plan["orgs/ZZ002"].parameters == {"org_code": "ZZ002", "shared_funnels": True}
    # Names reach Markdown headings escaped (the chapter title is a Markdown cell).
    assert "<b>" not in plan["orgs/ZZ002"].context["org_name"]
    # The overview's find box links to the profiles, as seen from the overview.
    assert plan["overview"].parameters == {"profile_link": "orgs/{org_code}.html"}
    assert plan["overview"].template == "overview.ipynb"
    assert "trust_orgs.csv" in plan["overview"].reads
    # The profile follows what its page module reads (wres.report.organisation_page.READS).
    assert {"trust_indicators.csv", "trust_meta.json"} <= set(plan["orgs/ZZ001"].reads)
    assert "trust_orgs.csv" not in plan["orgs/ZZ001"].reads


def test_every_template_names_the_report_modules_it_imports(root, spec):
    """The hash follows the READS of `reads_from`: a template importing a page module the
    spec does not name would not be re-run when that page's results change."""
    for entry in (e for e in spec.entries() if e.template):
        nb = json.loads((root / "notebooks" / entry.template).read_text(encoding="utf-8"))
        imported = set()
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom) and node.module == "wres.report":
                    imported |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wres.report."):
                    imported.add(node.module.rsplit(".", 1)[1])
        assert imported <= set(entry.reads_from), (entry.template, imported - set(entry.reads_from))


BASE = {"root": "intro", "parts": [{"caption": "A", "chapters": []}]}


def with_chapters(*chapters, **extra) -> dict:
    return {**BASE, "parts": [{"caption": "A", "chapters": list(chapters), **extra}]}


@pytest.mark.parametrize(
    "chapter, message",
    [
        ({"output": "x", "template": "x.ipynb", "temlate": "y"}, "temlate"),
        ({"page": "methods", "template": "x.ipynb"}, "hand-written page"),
        ({"output": "x"}, "both `output` and `template`"),
        ({"output": "{slug}", "template": "x.ipynb"}, "fields"),
        ({"output": "orgs/{slug}", "template": "x.ipynb", "for_each": "organisation"}, "fields"),
        ({"output": "all", "template": "x.ipynb", "for_each": "indicator"}, "must use one"),
        ({"output": "x", "template": "x.ipynb", "parameters": {"results_dir": "."}}, "results_dir"),
        ({"output": "x", "template": "x.ipynb", "parameters": {"p": {"link_to": "organisation"}}}, "no entry"),
    ],
)
def test_spec_mistakes_fail_loudly(chapter, message):
    with pytest.raises(ValueError, match=message):
        SiteSpec.model_validate(with_chapters(chapter))


def test_duplicate_output_names_are_refused():
    with pytest.raises(ValueError, match="share an output"):
        SiteSpec.model_validate(
            with_chapters({"output": "x", "template": "a.ipynb"}, {"output": "x", "template": "b.ipynb"})
        )


def test_link_is_relative_to_the_linking_chapter():
    spec = SiteSpec.model_validate(
        with_chapters(
            {"output": "sub/index", "template": "i.ipynb", "parameters": {"to": {"link_to": "organisation"}}},
            {"output": "profiles/{org_code}", "template": "p.ipynb", "for_each": "organisation"},
        )
    )
    plan = layout(spec, load_registry(), ORGS).chapters()
    assert plan[0].parameters == {"to": "../profiles/{org_code}.html"}
    assert [ch.name for ch in plan[1:]] == ["profiles/ZZ001", "profiles/ZZ002"]


def test_count_words_spells_one_to_nine_and_digits_above():
    assert [count_words(n) for n in (0, 1, 3, 9, 10, 13)] == ["no", "one", "three", "ni" + "ne", "10", "13"]
