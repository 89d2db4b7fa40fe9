"""Importing ``wres`` keeps jsonschema's slow ``iri`` checker from loading (wres/__init__.py),
and jsonschema still validates, formats included, as before."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import pytest

# Each case runs in a fresh interpreter: this test process has imported jsonschema long ago.
PROBE = """
import json, sys
{first}
import jsonschema
checker = jsonschema.FormatChecker()
schema = {{"type": "object", "properties": {{"when": {{"type": "string", "format": "date"}}}}}}
try:
    jsonschema.validate({{"when": "2024-13-40"}}, schema, format_checker=checker)
    bad_date = "accepted"
except jsonschema.ValidationError:
    bad_date = "refused"
print(json.dumps({{"loaded": sys.modules.get("rfc3987_syntax") is not None,
                  "iri": "iri" in checker.checkers, "bad_date": bad_date}}))
"""


def _probe(first: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE.format(first=first)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_importing_wres_first_keeps_the_iri_grammars_out():
    probe = _probe("import wres")
    assert probe["loaded"] is False and probe["iri"] is False
    # The other format checks are untouched: an impossible date is still refused.
    assert probe["bad_date"] == "refused"


def test_without_wres_jsonschema_loads_them_when_installed():
    # The control: the block is what keeps them out (skipped where the package is absent).
    try:
        importlib.metadata.version("rfc3987-syntax")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("rfc3987-syntax is not installed")
    probe = _probe("")
    assert probe["loaded"] is True and probe["iri"] is True
    assert probe["bad_date"] == "refused"
