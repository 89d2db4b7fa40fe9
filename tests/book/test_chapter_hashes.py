"""A chapter's hash (wres.book.hashing, wres.book.execute.chapter_digests) follows its
template, parameters, Markdown context and the results files it reads, and nothing else."""

from __future__ import annotations

import hashlib

from wres.book.execute import chapter_digests
from wres.book.hashing import file_digests
from wres.book.plan import Chapter


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
