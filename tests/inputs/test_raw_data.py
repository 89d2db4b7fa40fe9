"""Raw inputs are read-only: every file under data/raw has a sidecar whose md5 matches."""

import hashlib

import yaml


def test_every_raw_file_has_a_matching_sidecar(root):
    raw = root / "data" / "raw"
    data_files = [
        p
        for p in raw.rglob("*")
        if p.is_file() and not p.name.endswith(".meta.yml") and p.name != "README.md" and "trusts" not in p.parts
    ]
    assert data_files, "no raw data files found"
    for p in data_files:
        meta = p.with_name(p.name + ".meta.yml")
        assert meta.exists(), f"{p} has no sidecar {meta.name}"
        info = yaml.safe_load(meta.read_text())
        for key in ("title", "description", "compiled", "method", "licence", "md5"):
            assert info.get(key), f"{meta.name} lacks {key}"
        assert hashlib.md5(p.read_bytes()).hexdigest() == info["md5"], f"{p.name} differs from its recorded md5"
