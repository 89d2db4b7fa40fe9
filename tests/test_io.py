import pandas as pd
import pytest

from wres.io import round_floats, write_csv


def test_round_floats_only_touches_floats():
    df = pd.DataFrame({"f": [0.1 + 0.2, float("nan")], "i": [1, 2], "s": ["0.30000000000000004", "x"]})
    out = round_floats(df)
    assert out["f"].iloc[0] == 0.3 and pd.isna(out["f"].iloc[1])
    assert out["s"].iloc[0] == "0.30000000000000004" and list(out["i"]) == [1, 2]


def test_write_csv_bytes_and_unchanged_file_left_alone(tmp_path):
    p = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"a": [1.0 / 3], "b": ["x"]}), p)
    assert p.read_bytes() == b"a,b\n0.3333333333\nx\n".replace(b"0.3333333333\nx", b"0.3333333333,x")
    before = p.stat().st_mtime_ns
    write_csv(pd.DataFrame({"a": [1.0 / 3], "b": ["x"]}), p)
    assert p.stat().st_mtime_ns == before


def test_inside_refuses_paths_that_leave_their_folder(tmp_path):
    from wres.io import inside

    assert inside(tmp_path / "orgs" / "RJ1.ipynb", tmp_path) == tmp_path / "orgs" / "RJ1.ipynb"
    for bad in ("../x.ipynb", "orgs/../../x.ipynb", "/etc/passwd"):
        with pytest.raises(ValueError, match="outside"):
            inside(tmp_path / bad, tmp_path)
    (tmp_path / "link").symlink_to(tmp_path.parent)
    with pytest.raises(ValueError, match="outside"):
        inside(tmp_path / "link" / "x.csv", tmp_path)
