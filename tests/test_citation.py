"""The licence and citation files a researcher needs: CITATION.cff valid against the Citation
File Format 1.2.0 schema (a copy in tests/fixtures, from cffconvert 2.0.0), and saying what
pyproject.toml says."""

from __future__ import annotations

import json
import tomllib

import jsonschema
import yaml


def test_citation_file_is_valid_and_matches_the_package(root, fixtures):
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((fixtures / "citation-file-format-1.2.0.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(cff, schema)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"] == "MIT"


def test_the_schema_can_fail(fixtures):
    schema = json.loads((fixtures / "citation-file-format-1.2.0.schema.json").read_text(encoding="utf-8"))
    try:
        jsonschema.validate({"cff-version": "1.2.0", "title": "no authors or message"}, schema)
    except jsonschema.ValidationError as exc:
        assert "required" in exc.message
    else:
        raise AssertionError("a CITATION.cff without authors and message passed the schema")


def test_licences_say_what_the_package_and_sidecars_say(root):
    assert (root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data = (root / "LICENSE-DATA.md").read_text(encoding="utf-8")
    sidecar = yaml.safe_load((root / "data/raw/published/wres_national_published.csv.meta.yml").read_text())
    assert "Open Government Licence v3.0" in data
    assert "Open Government Licence v3.0" in sidecar["licence"]
