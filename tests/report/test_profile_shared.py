"""The profiles' shared funnel data (wres.report.profile_shared): one file per indicator holds
every organisation's point, worked out here from the results CSV; a profile's chart names it
instead of carrying it, and its table view lists the organisation itself."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from wres.analysis.organisations import analyse_trusts, write_trust_results
from wres.inputs.national import load_national
from wres.inputs.synthetic import make_panel
from wres.registry import load_registry
from wres.report.organisation_page import OrgProfile
from wres.report.profile_shared import profile_shared_data

REG = load_registry()


@pytest.fixture(scope="module")
def results_dir(root, tmp_path_factory) -> Path:
    national = load_national(root / "data" / "raw" / "published" / "wres_national_published.csv")
    panel = make_panel(national, seed=5, n_orgs=24, first_year=2020)
    d = tmp_path_factory.mktemp("shared")
    write_trust_results(analyse_trusts(panel, REG), d, synthetic=True, source="make_panel(seed=5, n_orgs=24)")
    return d


def _sig4(x: float) -> float:
    return float(f"{x:.4g}")


def test_each_indicator_file_holds_every_placed_organisation_of_the_latest_year(results_dir):
    with (results_dir / "trust_indicators.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    files = profile_shared_data(results_dir, REG, "{org_code}.html")
    ind = REG.indicators[1]
    mine = [r for r in rows if r["indicator"] == str(ind.id)]
    latest = max(int(r["year"]) for r in mine)
    placed = {
        r["org_code"]: (_sig4(float(r["funnel_precision"])), _sig4(float(r["value"])))
        for r in mine
        if int(r["year"]) == latest
        and r["value"] not in ("", "inf")
        and r["funnel_precision"] not in ("", "inf")
        and math.isfinite(float(r["value"]))
        and float(r["funnel_precision"]) > 0
    }
    points = files[f"funnel-{ind.slug}"][f"funnel-{ind.slug}-points"]
    assert {p["code"]: (p["p"], p["v"]) for p in points} == placed
    assert len(placed) >= 20  # a funnel is drawn
    assert sorted(files) == sorted(
        f"funnel-{i.slug}" for i in REG.indicators if any(r["indicator"] == str(i.id) for r in rows)
    )


def test_a_profile_chart_names_the_shared_data_and_its_table_lists_the_organisation(results_dir):
    prof = OrgProfile.load("ZZ003", results_dir, REG)
    inline = prof.funnels("{org_code}.html")
    shared = prof.funnels("{org_code}.html", shared=True)
    assert len(inline) == len(shared) > 0
    for (_, _, t_in), (_, c_sh, t_sh) in zip(inline, shared, strict=True):
        spec = c_sh.to_dict(validate=False)
        name = spec["usermeta"]["wresShared"]
        named = {layer["data"]["name"] for layer in spec["layer"] if "name" in layer.get("data", {})}
        # Altair names its own inline datasets "data-<hash>"; those stay in the chart.
        assert {n for n in named if not n.startswith("data-")} == {f"{name}-points", f"{name}-limits"}
        assert not {f"{name}-points", f"{name}-limits"} & set(spec.get("datasets", {}))
        # The inline chart carries every organisation (24 rows in its table); the shared one only its own.
        assert t_in.count("<tr") > 20 and t_sh.count("<tr") == 2  # a header row and the organisation's
        assert "(this organisation)" in t_sh and "Every organisation is in the table" in t_sh
