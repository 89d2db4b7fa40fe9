"""The profiles' shared chart data files (wres.book.shared_data)."""

from __future__ import annotations

import json
from pathlib import Path

from wres.book.shared_data import data_script, write_shared_data

PREFIX = "window.wresData=Object.assign(window.wresData||{},"


def _payload(script: str) -> dict:
    assert script.startswith(PREFIX) and script.endswith(");\n")
    return json.loads(script[len(PREFIX) : -3])


def test_text_from_data_cannot_close_a_tag_or_break_a_line_of_script():
    name = "A</script><script>alert(1)</script>\u2028B"
    script = data_script({"funnel-x-points": [{"name": name, "p": 12.5}]})
    assert "<" not in script and "\u2028" not in script
    assert _payload(script) == {"funnel-x-points": [{"name": name, "p": 12.5}]}


def test_files_are_written_once_each_and_old_ones_removed(tmp_path: Path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "funnel-gone.js").write_text("x", encoding="utf-8")
    written = write_shared_data({"funnel-a": {"funnel-a-points": []}}, tmp_path)
    assert [p.name for p in written] == ["funnel-a.js"]
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["funnel-a.js"]
    assert _payload(written[0].read_text(encoding="utf-8")) == {"funnel-a-points": []}
    assert write_shared_data({}, tmp_path) == [] and not list((tmp_path / "shared").iterdir())


def test_chart_templates_go_to_their_own_global_and_cannot_close_a_tag():
    template = {"spec": {"title": {"text": "</script><b>"}, "layer": [{"data": {"name": "page-rows"}}]}, "opt": {}}
    script = data_script({"funnel-x-points": []}, {"funnel-x-over-time": template})
    first, second = script.splitlines()
    assert _payload(first + "\n") == {"funnel-x-points": []}
    prefix = "window.wresTemplates=Object.assign(window.wresTemplates||{},"
    assert second.startswith(prefix) and "<" not in second
    assert json.loads(second[len(prefix) : -2]) == {"funnel-x-over-time": template}
    # Without templates the file is as before: datasets only.
    assert data_script({"funnel-x-points": []}).count("\n") == 1
