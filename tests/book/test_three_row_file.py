"""Every organisation file that passes validation builds (issue 17): three rows (one
organisation, one year, one pay band of the representation indicator) used to fail the
profile chapter with a KeyError. Now the organisation gets its page, saying why there is no
figure."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from conftest import IGNORE, ROOT, run_build
from wres.kinds import kind_of
from wres.registry import load_registry

pytestmark = pytest.mark.slow
REG = load_registry()


def test_a_three_row_file_builds_a_site_with_its_profile(tmp_path):
    # The registry's band-by-band representation indicator, given for one pay band only.
    ind = next(i for i in REG.indicators if kind_of(i, REG).holds_workforce)
    std = REG.standard
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    folder = repo / "data" / "raw" / "trusts"
    folder.mkdir(parents=True, exist_ok=True)
    header = (
        "year,org_code,org_name,region,org_type,indicator,band,group,numerator,denominator,percent,missing_reason\n"
    )
    rows = "".join(
        f"2024,ZX101,Northfield Demo Hospitals NHS Trust (fictitious),London,Acute,{ind.id},1,{g},{k},52,,\n"
        for g, k in ((std.majority_group, 30), (std.minority_group, 20), ("unknown", 2))
    )
    (folder / "three.csv").write_text(header + rows)
    proc = run_build(repo)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    page = repo / "_build" / "html" / "book" / "generated" / "orgs" / "ZX101.html"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))).split())
    assert "Northfield Demo Hospitals NHS Trust (fictitious)" in text
    assert f"no figure: the input's rows for this indicator do not give the {ind.trust.band} band" in text
