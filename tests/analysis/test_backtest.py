"""Backtests (as in NHS Digital's RAP pipelines): the analysis of the repository's own data
must reproduce the results files recorded in tests/fixtures/backtest byte for byte.

The recorded files were written by the code as it stood before the package was split into
layers (plus the tables added since), so this proves the move changed no result. A
deliberate change of method updates them: run this module with WRES_UPDATE_BACKTEST=1 and
commit the new files with the change that explains them."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from wres.analysis.run import analyse
from wres.config import Paths
from wres.inputs.importer import write_long
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "tests" / "fixtures" / "backtest"
UPDATE = os.environ.get("WRES_UPDATE_BACKTEST") == "1"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_national_results_are_reproduced_byte_for_byte(tmp_path):
    out = tmp_path / "results"
    analyse(Paths(ROOT), load_registry(), out)
    if UPDATE:
        shutil.rmtree(RECORDED / "national", ignore_errors=True)
        shutil.copytree(out, RECORDED / "national", ignore=shutil.ignore_patterns("*.json"))
    written = sorted(p.name for p in out.glob("*.csv"))
    assert written == sorted(p.name for p in (RECORDED / "national").glob("*.csv"))
    for name in written:
        assert (out / name).read_bytes() == (RECORDED / "national" / name).read_bytes(), name


def test_twenty_organisation_demo_results_are_reproduced(tmp_path):
    panel_dir = tmp_path / "panel"
    panel_dir.mkdir()
    write_long(make_panel(load_national(Paths(ROOT).national_csv), n_orgs=20), panel_dir / "synthetic_panel.csv")

    class DemoPaths(Paths):
        @property
        def trusts(self) -> Path:  # the panel above, not the demo build's own folder
            return panel_dir

    out = tmp_path / "results"
    analyse(DemoPaths(ROOT, demo=True), load_registry(), out)
    got = {p.name: _digest(p) for p in sorted(out.iterdir()) if p.suffix in {".csv", ".json"}}
    manifest = RECORDED / "demo20.sha256"
    if UPDATE:
        manifest.write_text("".join(f"{d}  {n}\n" for n, d in sorted(got.items())))
    recorded = dict(reversed(line.split()) for line in manifest.read_text().splitlines())
    assert sorted(got) == sorted(recorded)
    changed = [n for n in got if got[n] != recorded[n]]
    assert not changed, f"results differ from the recorded backtest: {changed}"
