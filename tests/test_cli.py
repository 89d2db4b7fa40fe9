"""The command line (wres.cli): import and demo-data, run as a user would."""

import pandas as pd
from typer.testing import CliRunner

from wres.cli import app

runner = CliRunner()


def test_import_fixture_reproduces_expected_long_file(fixtures, tmp_path):
    out = tmp_path / "long.csv"
    res = runner.invoke(app, ["import", str(fixtures / "trusts" / "org_level_fixture.xlsx"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    want = pd.read_csv(fixtures / "trusts" / "org_level_expected.csv", dtype=str, keep_default_na=False)
    key = ["year", "org_code", "indicator", "band", "group"]
    got = got[want.columns].sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_import_never_overwrites(fixtures, tmp_path):
    out = tmp_path / "long.csv"
    out.write_text("keep me")
    res = runner.invoke(app, ["import", str(fixtures / "trusts" / "org_level_fixture.xlsx"), "--out", str(out)])
    assert res.exit_code != 0
    assert out.read_text() == "keep me"


def test_import_bad_mapping_names_mapping_key_and_header(fixtures, tmp_path):
    from wres.inputs.importer import shipped_mapping

    text = shipped_mapping().read_text().replace("Organisation code", "Organisation kode", 1)
    bad = tmp_path / "bad.yml"
    bad.write_text(text)
    res = runner.invoke(
        app,
        [
            "import",
            str(fixtures / "trusts" / "org_level_fixture.xlsx"),
            "--mapping",
            str(bad),
            "--out",
            str(tmp_path / "x.csv"),
        ],
    )
    assert res.exit_code == 2
    assert "bad.yml" in res.output and "Organisation kode" in res.output
    assert not (tmp_path / "x.csv").exists()


def test_demo_data_is_synthetic_and_deterministic(root, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        res = runner.invoke(app, ["demo-data", "--root", str(root), "--orgs", "12", "--out", str(out)])
        assert res.exit_code == 0, res.output
    assert a.read_bytes() == b.read_bytes()
    df = pd.read_csv(a)
    assert df["org_code"].nunique() == 12
    assert df["org_name"].str.contains("synthetic", case=False).all()


def test_toc_checks_and_rewrites_the_committed_toc(root, tmp_path):
    import shutil

    for name in ("_toc.yml", "_config.yml", "book/site.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    assert runner.invoke(app, ["toc", "--check", "--root", str(tmp_path)]).exit_code == 0
    committed = (tmp_path / "_toc.yml").read_text()
    (tmp_path / "_toc.yml").write_text(committed.replace("book/reuse", "book/reused"))
    res = runner.invoke(app, ["toc", "--check", "--root", str(tmp_path)])
    assert res.exit_code == 1 and "wres toc" in res.output
    assert runner.invoke(app, ["toc", "--root", str(tmp_path)]).exit_code == 0
    assert (tmp_path / "_toc.yml").read_text() == committed
