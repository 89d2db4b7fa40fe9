"""``wres build --timings-json FILE`` writes the numbers of the timing table the build prints
(benchmarks/bench_build.py reads them from there). Slow: a forced whole build."""

from __future__ import annotations

import json
import re
import time

from conftest import fresh_copy, run_build

STEPS = ("load, validate and analyse", "execute chapters", "build book (Sphinx)", "total")


def test_timings_json_has_every_step_and_chapter_within_the_wall_time(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    out = tmp_path / "timings" / "build.json"
    # --force: every step runs, so every step has a time (an unchanged site skips Sphinx).
    start = time.perf_counter()
    proc = run_build(repo, "--force", "--workers", "2", "--timings-json", str(out))
    wall = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    record = json.loads(out.read_text(encoding="utf-8"))

    steps = record["steps"]
    assert list(steps) == list(STEPS)
    assert all(isinstance(s, float) and s >= 0 for s in steps.values())
    # The steps are consecutive parts of the build's own clock, which starts after the
    # interpreter and stops before it exits: so they add up to at most its total, and the
    # total is at most the wall time measured here around the whole command.
    parts = sum(v for k, v in steps.items() if k != "total")
    assert parts <= steps["total"] <= wall, (parts, steps["total"], wall)

    # Every executed notebook is a chapter of the record, and --force ran each one.
    generated = sorted(p.stem for p in (repo / "book" / "generated").rglob("*.ipynb"))
    chapters = record["chapters"]
    assert sorted(ch["name"].rsplit("/", 1)[-1] for ch in chapters) == generated
    for ch in chapters:
        assert ch["skipped"] is False and 0 < ch["seconds"] <= steps["execute chapters"], ch
    assert record["book_built"] is True and record["workers"] == 2 and record["force"] is True

    # The same numbers as the table printed on stdout (which rounds to 0.1 s).
    table = {}
    for line in proc.stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│|┃]", line) if c.strip()]
        if len(cells) == 2:
            table[cells[0]] = cells[1]
    for step, secs in steps.items():
        assert table[step] == f"{secs:.1f}", (step, table.get(step), secs)
    for ch in chapters:
        if ch["for_each"] != "organisation":
            assert table[f"chapter {ch['name']}"] == f"{ch['seconds']:.1f}", ch


def test_demo_passes_timings_json_to_the_build(tmp_path, monkeypatch):
    """``wres demo --timings-json FILE`` hands FILE to the same report as ``wres build`` (whose
    file the test above checks); without the option it hands None. The build itself is
    replaced: the demo's panel is written into a copy, and the report's arguments recorded."""
    import shutil

    from typer.testing import CliRunner

    import wres.cli
    from conftest import IGNORE, ROOT

    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    seen: list = []
    monkeypatch.setattr(wres.cli, "_report", lambda paths, workers, force, wait, timings=None: seen.append(timings))
    out = tmp_path / "demo-timings.json"
    for extra in (["--timings-json", str(out)], []):
        result = CliRunner().invoke(wres.cli.app, ["demo", "--orgs", "3", "--root", str(repo), *extra])
        assert result.exit_code == 0, result.output
    assert seen == [out, None]
    assert (repo / "_build" / "demo" / "trusts" / "synthetic_panel.csv").is_file()
