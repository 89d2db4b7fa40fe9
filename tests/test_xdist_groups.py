"""`make test` runs on two workers with ``--dist loadgroup``: tests that share an
``xdist_group`` must run on one worker, or each worker builds the shared sites again (the
conftest groups them; tests/conftest.py). Checked by running a tiny suite of four grouped
tests and reading which worker ran each."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = """
import pytest
pytestmark = pytest.mark.xdist_group("one")
def test_a(): pass
def test_b(): pass
def test_c(): pass
def test_d(): pass
"""


@pytest.mark.slow
def test_a_group_runs_on_one_worker(tmp_path: Path):
    (tmp_path / "test_grouped.py").write_text(SUITE, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-c",
            "/dev/null",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    workers = re.findall(r"\[(gw\d)\] .*PASSED \S*test_grouped\.py::test_\w", run.stdout)
    assert len(workers) == 4 and len(set(workers)) == 1, run.stdout[-2000:]


class _Item:
    """Just what the ordering reads from a pytest item."""

    def __init__(self, nodeid: str, group: str | None = None, slow: bool = False):
        self.nodeid = nodeid
        self.path = Path(__file__).parent / nodeid.split("::")[0]
        self._marks = {"xdist_group": pytest.mark.xdist_group(group).mark if group else None}
        self._marks["slow"] = pytest.mark.slow.mark if slow else None

    def get_closest_marker(self, name):
        return self._marks.get(name)


def test_long_units_are_handed_out_first_and_a_unit_stays_together():
    from conftest import longest_first

    items = [
        _Item("unit/test_a.py::test_quick"),
        _Item("browser/test_p.py::test_page[x]", group="page:demo:x"),
        _Item("book/test_b.py::test_rebuild", slow=True),
        _Item("unit/test_c.py::test_quick"),
        _Item("book/test_site.py::test_one", group="module:test_site.py", slow=True),
        _Item("browser/test_p.py::test_other[x]", group="page:demo:x"),
        _Item("book/test_site.py::test_two", group="module:test_site.py"),
    ]
    order = [i.nodeid for i in longest_first(items)]
    assert order == [
        "book/test_site.py::test_one",  # a module's own site: set-up builds it
        "book/test_site.py::test_two",
        "book/test_b.py::test_rebuild",  # another whole build
        "browser/test_p.py::test_page[x]",  # one page's browser tests, together
        "browser/test_p.py::test_other[x]",
        "unit/test_a.py::test_quick",  # the short tests last, in collection order
        "unit/test_c.py::test_quick",
    ]
