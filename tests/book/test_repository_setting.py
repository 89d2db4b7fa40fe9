"""The repository's address is one setting (``repository.url`` in ``_config.yml``): the header's
buttons and the corrections page's links are made from it, and a fork changes nothing else
(issue 20). The built pages are checked in test_new_year, whose build uses a fork's address."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from wres.book.sphinx_repository import substitutions

SKIP = {".git", ".venv", "_build", "results", "generated", "__pycache__", ".pytest_cache", ".hypothesis", "editions"}


def configured_url(repo) -> str:
    return yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]


def test_the_pages_link_the_repository_and_its_new_issue_form():
    links = substitutions("https://github.com/a-fork/wres-copy")
    assert links["repository_link"] == "[the book's repository](https://github.com/a-fork/wres-copy)"
    assert links["issue_link"] == (
        "[open an issue in the book's repository](https://github.com/a-fork/wres-copy/issues/new)"
    )


@pytest.mark.parametrize(
    "bad", ["", "github.com/a/b", "https://github.com/a/b/", "https://x.org/a b", "https://x.org/a)"]
)
def test_an_address_that_would_break_a_link_is_an_error_naming_the_setting(bad):
    with pytest.raises(ValueError, match=r"_config.yml: repository.url"):
        substitutions(bad)


def test_the_address_is_written_in_one_place_only(root):
    url = configured_url(root)
    assert url.startswith("https://")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    assert config["html"]["use_repository_button"] is True and config["html"]["use_issues_button"] is True
    holders = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP]  # never walk into environments or builds
        for name in files:
            path = Path(folder) / name
            if path.stat().st_size < 2_000_000 and url in path.read_text(encoding="utf-8", errors="ignore"):
                holders.append(path.relative_to(root).as_posix())
    assert holders == ["_config.yml"]
    corrections = (root / "book" / "corrections.md").read_text(encoding="utf-8")
    assert "{{ issue_link }}" in corrections and "{{ repository_link }}" in corrections


def test_the_workflow_names_no_repository_and_says_what_a_fork_changes(root):
    flow = (root / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert not re.search(r"github\.com/|github\.repository", flow)
    assert "repository.url" in flow
    assert "repository.url" in (root / "README.md").read_text(encoding="utf-8")
