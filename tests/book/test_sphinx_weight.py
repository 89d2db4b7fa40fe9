"""Each page loads only the scripts it uses (wres.book.sphinx_weight): decided from
hand-written page bodies and pages, checked against lists written out by hand."""

from __future__ import annotations

from pathlib import Path

from wres.book.sphinx_weight import copy_shared_data, light_page, page_scripts

SCRIPTS = [
    "_static/documentation_options.js?v=1",
    "_static/wres-vendor/vega-bundle.js?v=2",
    "_static/wres-vendor/wres-charts.js?v=3",
    "_static/wres-vendor/mathjax/tex-mml-chtml.js?v=4",
    "_static/wres-vendor/wres-reader.js?v=5",
]


class Script:
    """What Sphinx puts in ``script_files``: an object with a ``filename``."""

    def __init__(self, filename: str):
        self.filename = filename


def test_a_page_with_neither_chart_nor_maths_loads_neither():
    kept = page_scripts([Script(s) for s in SCRIPTS], "<p>Where each indicator stands.</p>")
    assert [s.filename for s in kept] == [
        "_static/documentation_options.js?v=1",
        "_static/wres-vendor/wres-reader.js?v=5",
    ]


def test_a_chart_keeps_the_chart_scripts_and_maths_keeps_mathjax():
    chart = '<div class="wres-chart" id="c1" data-wres-chart="1"></div>'
    assert page_scripts(SCRIPTS, chart) == [SCRIPTS[0], SCRIPTS[1], SCRIPTS[2], SCRIPTS[4]]
    maths = '<span class="math notranslate nohighlight">\\(p\\)</span>'
    assert page_scripts(SCRIPTS, maths) == [SCRIPTS[0], SCRIPTS[3], SCRIPTS[4]]
    assert page_scripts(SCRIPTS, "raw TeX $$x$$ in an output") == [SCRIPTS[0], SCRIPTS[3], SCRIPTS[4]]


PAGE = """<head>
    <script defer src="../../../_static/scripts/fontawesome.js?digest=55c2"></script>
    <script src="../../../_static/searchtools.js"></script>
    <script src="../../../_static/language_data.js"></script>
    <script src="../../../searchindex.js"></script>
    <script src="../../../_static/doctools.js?v=9"></script>
</head><ul><li><a class="btn" href="../../../_downloads/x/ZZ001.csv">ZZ001.csv</a></li>
      <li><a href="../../../_sources/book/generated/orgs/ZZ001.ipynb" target="_blank"
   class="btn btn-sm btn-download-source-button dropdown-item"
>
<span>.ipynb</span>
</a>
</li></ul>"""


def test_a_profile_page_loses_font_awesome_search_scripts_and_its_notebook_link():
    out = light_page(PAGE, "book/generated/orgs/ZZ001", "book/generated/orgs/")
    assert out == (
        "<head>\n"
        '    <script src="../../../_static/doctools.js?v=9"></script>\n'
        '</head><ul><li><a class="btn" href="../../../_downloads/x/ZZ001.csv">ZZ001.csv</a></li>\n'
        "      </ul>"
    )


def test_the_search_page_keeps_its_index_and_other_pages_their_notebook_link():
    search = light_page(PAGE, "search", "book/generated/orgs/")
    assert "searchindex.js" in search and "searchtools.js" in search and "fontawesome" not in search
    chapter = light_page(PAGE, "book/generated/indicator-2", "book/generated/orgs/")
    assert "_sources/book/generated/orgs/ZZ001.ipynb" in chapter and "searchindex.js" not in chapter


def test_shared_data_is_copied_to_static_and_stale_files_go(tmp_path: Path):
    src, out = tmp_path / "src", tmp_path / "out"
    (src / "book" / "generated" / "shared").mkdir(parents=True)
    (src / "book" / "generated" / "shared" / "funnel-a.js").write_text("A", encoding="utf-8")
    stale = out / "_static" / "wres-data" / "funnel-old.js"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    copied = copy_shared_data(src, out)
    assert [p.relative_to(out).as_posix() for p in copied] == ["_static/wres-data/funnel-a.js"]
    assert not stale.exists() and copied[0].read_text(encoding="utf-8") == "A"


ASSETS = [
    "_static/sphinx-design.min.css?v=1",
    "_static/copybutton.css?v=2",
    "_static/togglebutton.css?v=3",
    "_static/sphinx-thebe.css?v=4",
    "_static/mystnb.11b39860.css",
    "_static/styles/pydata-sphinx-theme.css?digest=5",
]


def test_extension_assets_load_only_where_the_page_uses_them():
    assert page_scripts(ASSETS, "<p>A hand-written page.</p>") == ["_static/styles/pydata-sphinx-theme.css?digest=5"]
    notebook = '<div class="cell tag_hide-input docutils container"><div class="highlight"><pre>x</pre></div></div>'
    assert page_scripts(ASSETS, notebook) == [ASSETS[1], ASSETS[2], ASSETS[4], ASSETS[5]]
    assert page_scripts(ASSETS, '<div class="sd-card">x</div>') == [ASSETS[0], ASSETS[5]]


def test_a_page_whose_charts_are_all_vega_loads_the_vega_runtime_instead_of_the_full_bundle():
    scripts = [*SCRIPTS[:2], "_static/wres-vendor/vega-runtime.js?v=6", *SCRIPTS[2:]]

    def page(schema: str) -> str:
        spec = '{"spec":{"$schema":"https://vega.github.io/schema/' + schema + '.json"},"opt":{}}'
        return (
            '<div class="wres-chart" data-wres-chart="1">'
            f'<script type="application/json" class="wres-chart-spec">{spec}</script></div>'
        )

    vega, vega_lite = page("vega/v6"), page("vega-lite/v6.4.1")
    assert page_scripts(scripts, vega) == [scripts[0], scripts[2], scripts[3], scripts[5]]
    assert page_scripts(scripts, vega_lite) == [scripts[0], scripts[1], scripts[3], scripts[5]]
    # One chart still in Vega-Lite on the page: the full bundle, which draws both.
    assert page_scripts(scripts, vega + vega_lite) == [scripts[0], scripts[1], scripts[3], scripts[5]]
