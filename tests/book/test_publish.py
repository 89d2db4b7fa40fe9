"""Publishing a finished build (wres.book.publish): the site shows the new copy, whole, with
the file that stops GitHub Pages' Jekyll from dropping Sphinx's underscore folders."""

from __future__ import annotations

from wres.book.publish import publish


def test_published_site_is_the_build_with_nojekyll(tmp_path):
    staging = tmp_path / "staging"
    (staging / "_static").mkdir(parents=True)
    (staging / "index.html").write_text("<p>one</p>")
    (staging / "_static" / "site.css").write_text("p{}")
    site = tmp_path / "_build" / "html"
    publish(staging, site)
    assert (site / "index.html").read_text() == "<p>one</p>"
    assert (site / "_static" / "site.css").read_text() == "p{}"
    assert (site / ".nojekyll").is_file()
    # A second build replaces the first, and keeps the marker.
    (staging / "index.html").write_text("<p>two</p>")
    publish(staging, site)
    assert (site / "index.html").read_text() == "<p>two</p>"
    assert (site / ".nojekyll").is_file()
    assert not (staging / ".nojekyll").exists()


def test_the_pages_workflow_tests_then_deploys_the_national_site(root):
    import yaml

    from wres.config import Paths

    flow = yaml.safe_load((root / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = flow["jobs"]["build"]["steps"]
    runs = [s.get("run") for s in steps]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    # The folder uploaded is the one `wres build` publishes, and the tests run before it.
    assert upload["with"]["path"] == str(Paths(root).site.relative_to(root))
    assert runs.index("make test") < steps.index(upload)
    assert flow["jobs"]["deploy"]["needs"] == "build"
    assert any(str(s.get("uses", "")).startswith("actions/deploy-pages") for s in flow["jobs"]["deploy"]["steps"])
