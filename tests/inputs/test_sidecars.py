import hashlib

from wres.inputs.sidecars import COLUMNS, read_sidecars


def test_sidecars_checked_and_counted(tmp_path):
    raw = tmp_path / "data" / "raw" / "published"
    raw.mkdir(parents=True)
    good = raw / "a.csv"
    good.write_text('x,y\n1,"two\nlines"\n3,4\n', encoding="utf-8")
    digest = hashlib.md5(good.read_bytes()).hexdigest()
    (raw / "a.csv.meta.yml").write_text(f"title: A\nlicence: OGL\nmd5: {digest}\n", encoding="utf-8")
    (raw / "b.csv").write_text("x\n1\n", encoding="utf-8")
    (raw / "b.csv.meta.yml").write_text("title: B\nmd5: 0000\n", encoding="utf-8")
    out = read_sidecars(tmp_path / "data" / "raw", tmp_path)
    assert list(out.columns) == list(COLUMNS)
    a, b = out.iloc[0], out.iloc[1]
    assert a["file"] == "data/raw/published/a.csv" and a["title"] == "A" and a["licence"] == "OGL"
    assert a["md5_ok"] and a["md5_actual"] == digest and a["rows"] == 2  # a quoted cell spans two lines
    assert a["description"] == ""
    assert not b["md5_ok"] and b["md5_recorded"] == "0000" and b["rows"] == 1
