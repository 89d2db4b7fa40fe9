"""A raw file changed without its sidecar is found, and `accept` records its new md5."""

import hashlib
import shutil

import pytest

from wres.errors import DataError
from wres.inputs.sidecars import accept, md5_mismatches


@pytest.fixture
def raw(tmp_path, root):
    dest = tmp_path / "data" / "raw" / "published"
    shutil.copytree(root / "data" / "raw" / "published", dest)
    return tmp_path


def test_a_changed_file_is_named_with_both_md5s_and_accept_records_the_new_one(raw):
    csv = raw / "data" / "raw" / "published" / "wres_sources.csv"
    before = hashlib.md5(csv.read_bytes()).hexdigest()
    assert md5_mismatches(raw / "data" / "raw", raw) == []
    csv.write_bytes(csv.read_bytes() + b"\n")
    after = hashlib.md5(csv.read_bytes()).hexdigest()
    assert md5_mismatches(raw / "data" / "raw", raw) == [("data/raw/published/wres_sources.csv", before, after)]
    meta = csv.with_name(csv.name + ".meta.yml")
    comment = meta.read_text().splitlines()[0]
    assert accept(csv, raw) == (before, after)
    assert md5_mismatches(raw / "data" / "raw", raw) == []
    assert meta.read_text().splitlines()[0] == comment  # the rest of the sidecar is kept
    assert f"md5: {after}" in meta.read_text()


def test_accept_refuses_files_outside_the_repository_or_without_a_sidecar(raw, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.csv"
    outside.write_text("a\n1\n")
    with pytest.raises(DataError, match="outside the repository"):
        accept(outside, raw)
    lonely = raw / "data" / "raw" / "published" / "new.csv"
    lonely.write_text("a\n1\n")
    with pytest.raises(DataError, match="has no sidecar"):
        accept(lonely, raw)
