"""wres.inputs.load: every input of a build read and validated, without the statistics."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import NATIONAL_CSV, ROOT, replace_line
from wres.config import Paths
from wres.errors import DataError
from wres.inputs.load import load_inputs
from wres.registry import load_registry


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "raw" / "published", tmp_path / "data" / "raw" / "published")
    return tmp_path


def test_the_shipped_inputs_are_read_whole(repo):
    figures, breakdowns, trusts, sources = load_inputs(Paths(repo), load_registry())
    # Every data row of the national file (its lines less the header), and no organisation file.
    lines = (repo / NATIONAL_CSV).read_text(encoding="utf-8").splitlines()
    assert len(figures) == len(lines) - 1
    assert trusts.empty
    # Every source a figure cites is in the sources table.
    assert set(figures["source"]) <= set(sources["source"])


def test_a_malformed_figure_is_named_with_its_line_column_and_value(repo):
    path = repo / NATIONAL_CSV
    path.write_bytes(replace_line(2, ",17.7,", ",seventeen,")(path.read_bytes()))
    with pytest.raises(DataError) as err:
        load_inputs(Paths(repo), load_registry())
    message = str(err.value)
    for part in (NATIONAL_CSV.name, "line 2", "'value'", "seventeen"):
        assert part in message, message


def test_validation_loads_no_statistics():
    # Why the module exists apart from wres.analysis.run: a malformed file is named before
    # statsmodels and scipy's statistics (about a second to import) are loaded.
    probe = (
        "import sys; import wres.inputs.load; "
        "print(sorted(m for m in ('statsmodels', 'scipy.stats', 'wres.stats', 'wres.analysis') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
