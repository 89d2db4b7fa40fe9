"""A chapter's hash (wres.book.hashing, wres.book.execute.chapter_digests) follows its
template, parameters, Markdown context and the results files it reads, and nothing else."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

from wres.book import hashing
from wres.book.execute import chapter_digests
from wres.book.hashing import file_digests
from wres.book.plan import Chapter
from wres.registry import REGISTRY_ENV


def setup(tmp_path):
    templates, results = tmp_path / "notebooks", tmp_path / "results"
    templates.mkdir()
    results.mkdir()
    (templates / "t.ipynb").write_text("{}")
    (results / "a.csv").write_text("x\n1\n")
    (results / "b.csv").write_text("y\n2\n")
    plan = [Chapter("one", "t.ipynb", {"p": 1}, {}, ("a.csv",)), Chapter("two", "t.ipynb", {"p": 1}, {}, ("b.csv",))]
    return templates, results, plan


def test_a_changed_results_file_changes_only_the_chapters_reading_it(tmp_path):
    templates, results, plan = setup(tmp_path)
    before = chapter_digests(plan, templates, results)
    assert before == chapter_digests(plan, templates, results)
    (results / "b.csv").write_text("y\n3\n")
    after = chapter_digests(plan, templates, results)
    assert after["one"] == before["one"] and after["two"] != before["two"]


def test_template_parameters_and_context_count(tmp_path):
    templates, results, plan = setup(tmp_path)
    before = chapter_digests(plan, templates, results)["one"]
    assert chapter_digests([Chapter("one", "t.ipynb", {"p": 2}, {}, ("a.csv",))], templates, results)["one"] != before
    assert (
        chapter_digests([Chapter("one", "t.ipynb", {"p": 1}, {"title": "x"}, ("a.csv",))], templates, results)["one"]
        != before
    )
    (templates / "t.ipynb").write_text('{"cells": []}')
    assert chapter_digests(plan, templates, results)["one"] != before


def test_file_digests_are_sha256_of_the_bytes(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x\n1\n")
    assert file_digests(tmp_path, {"a.csv", "gone.csv"}) == {
        "a.csv": hashlib.sha256(b"x\n1\n").hexdigest(),
        "gone.csv": "absent",
    }


def test_a_log_line_gives_chapters_done_time_taken_and_time_left():
    from wres.book.execute import progress_line

    # 3 chapters in 6 s: 2 s each, 7 to go, 14 s left.
    assert progress_line(3, 10, 6.0) == "Executed 3 of 10 chapters in 0:06; about 0:14 left"
    assert progress_line(10, 10, 65.4) == "Executed 10 of 10 chapters in 1:05"
    assert progress_line(0, 5, 1.0) == "Executed 0 of 5 chapters in 0:01"
    # 40 of 220 in 100 s: 2.5 s each, 180 to go, 450 s = 7:30 left.
    assert progress_line(40, 220, 100.0) == "Executed 40 of 220 chapters in 1:40; about 7:30 left"


def test_the_package_digest_follows_its_scripts_and_styles_not_other_files(tmp_path, monkeypatch):
    # A stand-in package: the chart loader's JavaScript lives in a .js file, not in Python,
    # so a change to it must still re-run the build.
    (tmp_path / "book").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "book" / "chart_loader.js").write_text("draw();\n")
    (tmp_path / "book" / "notes.txt").write_text("not shipped\n")
    monkeypatch.setattr(hashing, "resources", SimpleNamespace(files=lambda _: tmp_path))
    monkeypatch.delenv(REGISTRY_ENV, raising=False)
    # By hand: each covered file's name then its bytes, in path order (a.py, book/chart_loader.js).
    assert hashing.package_digest() == hashlib.sha256(b"a.pyx = 1\nchart_loader.jsdraw();\n").hexdigest()
    (tmp_path / "book" / "chart_loader.js").write_text("draw(all);\n")
    assert hashing.package_digest() == hashlib.sha256(b"a.pyx = 1\nchart_loader.jsdraw(all);\n").hexdigest()
    (tmp_path / "book" / "notes.txt").write_text("still not shipped\n")
    assert hashing.package_digest() == hashlib.sha256(b"a.pyx = 1\nchart_loader.jsdraw(all);\n").hexdigest()
