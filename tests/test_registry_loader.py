"""The registry loader never trusts its input (issue 17): every bad registry stops with one
error naming the file, the line and the key, in bounded time and memory, before anything is
read or written; through ``--registry`` and ``WRES_REGISTRY`` alike."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import WRES
from wres.registry import RegistryError, parse_registry

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = (ROOT / "src" / "wres" / "indicators.yml").read_text(encoding="utf-8")

# Nested aliases ("billion laughs"): 421 bytes of YAML that expand to 10^9 strings.
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]"
        for i in range(8)
    ]
)


def _problems(text: str) -> list:
    with pytest.raises(RegistryError) as info:
        parse_registry(text, "reg.yml")
    return info.value.problems


def _line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``, counted here by hand."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_shipped_registry_loads():
    assert parse_registry(SHIPPED).standard.short_name == "WRES"


def test_malformed_yaml_names_the_line():
    text = "standard:\n  name: [unclosed\nquality: {}\n"
    (p,) = _problems(text)
    assert p.file == "reg.yml" and "not valid YAML" in p.reason and p.line == 3


def test_python_tags_are_refused_not_run(tmp_path):
    marker = tmp_path / "ran"
    (p,) = _problems(f'standard: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert "not valid YAML" in p.reason and p.line == 1
    assert not marker.exists()


@pytest.mark.parametrize(("text", "word"), [("", "empty"), ("- a\n- b\n", "a list"), ("just text\n", "a str")])
def test_a_registry_must_be_a_mapping(text, word):
    (p,) = _problems(text)
    assert word in p.reason and "mapping" in p.reason


def test_aliases_are_refused_quickly():
    start = time.perf_counter()
    (p,) = _problems(ALIAS_BOMB)
    assert time.perf_counter() - start < 1.0
    assert "aliases" in p.reason and p.line == 1
    assert len(ALIAS_BOMB.encode()) < 600


def test_a_missing_section_is_named():
    text = SHIPPED.replace("trend_tests:", "trend_tests_typo:")
    keys = {p.column for p in _problems(text)}
    assert "trend_tests" in keys and "trend_tests_typo" in keys


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("min_years: 5", "min_years: -5", "trend_tests.min_years"),
        ("alpha: 0.05", "alpha: 7", "trend_tests.alpha"),
        ("multiple_comparisons: fdr_bh", "multiple_comparisons: sidak", "trend_tests.multiple_comparisons"),
        ("  - id: 1\n", "  - id: 1000000000000\n", "indicators.0.id"),
        ("slug: indicator-1\n", "slug: ../x\n", "indicators.0.slug"),
        ("survey_lag: 0\n", "survey_lag: -3\n", "indicators.0.survey_lag"),
    ],
)
def test_nonsense_values_name_file_line_and_key(old, new, key):
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    (p,) = _problems(text)
    assert p.column == key
    assert p.line == _line_of(text, new.strip().split(":")[0] + ": " + new.strip().split(": ")[1])
    assert str(p).startswith(f"reg.yml, line {p.line}, key '{key}'")


def test_duplicate_ids_are_refused():
    text = SHIPPED.replace("  - id: 2\n", "  - id: 1\n", 1)
    (p,) = _problems(text)
    assert "two indicators have the id 1" in p.reason


def _run(args, env_extra=None, cwd=ROOT, timeout=20):
    env = {**os.environ, **(env_extra or {})}
    env.pop("WRES_REGISTRY", None) if not env_extra or "WRES_REGISTRY" not in env_extra else None
    start = time.perf_counter()
    proc = subprocess.run([WRES, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return proc, time.perf_counter() - start


def _project_with_sentinel(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "project"
    (root / "results").mkdir(parents=True)
    sentinel = root / "results" / "keep.csv"
    sentinel.write_text("a\n1\n")
    return root, sentinel


def test_build_with_a_bad_registry_stops_before_anything_is_touched(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(SHIPPED.replace("slug: indicator-1\n", "slug: ../x\n", 1))
    root, sentinel = _project_with_sentinel(tmp_path)
    proc, _ = _run(["build", "--root", str(root), "--registry", str(bad)])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert str(bad) in proc.stderr and "indicators.0.slug" in proc.stderr and "--registry" in proc.stderr
    assert sentinel.read_text() == "a\n1\n" and sorted(p.name for p in root.rglob("*")) == ["keep.csv", "results"]


def test_the_alias_bomb_through_the_environment_stops_any_command_within_seconds(tmp_path):
    bomb = tmp_path / "bomb.yml"
    bomb.write_text(ALIAS_BOMB)
    root, sentinel = _project_with_sentinel(tmp_path)
    for args in (["build", "--root", str(root)], ["report", "--demo", "ZZ001"]):
        proc, seconds = _run(args, {"WRES_REGISTRY": str(bomb)}, cwd=root, timeout=10)
        assert proc.returncode == 2 and seconds < 5, (args, seconds)
        assert "WRES_REGISTRY" in proc.stderr and "aliases" in proc.stderr and "Traceback" not in proc.stderr
    assert sentinel.read_text() == "a\n1\n"


@pytest.mark.parametrize("make", ["missing", "folder", "huge"])
def test_an_unusable_registry_path_is_one_line_not_a_traceback(tmp_path, make):
    path = tmp_path / "registry.yml"
    if make == "folder":
        path.mkdir()
    elif make == "huge":
        path.write_text("# " + "x" * 2_000_000 + "\n")
    proc, _ = _run(["toc", "--check"], {"WRES_REGISTRY": str(path)}, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    expected = {"missing": "cannot read", "folder": "must be a regular file", "huge": "at most 1,000,000"}[make]
    assert expected in proc.stderr and str(path) in proc.stderr


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("title: Representation by pay band", "title: <b>Representation</b> by pay band", "indicators.0.title"),
        ("bme: {label: BME,", "bme: {label: '<script>BME',", "standard.groups.bme.label"),
        ("name: Workforce Race Equality Standard", "name: Workforce {ref}`x` Standard", "standard.name"),
        ("were BME in {year}", "were BME in {year} {raw}", "indicators.0.sentence"),
    ],
)
def test_registry_text_with_markup_is_refused_naming_the_key(old, new, key):
    assert old in SHIPPED
    (p,) = _problems(SHIPPED.replace(old, new, 1))
    assert p.column == key and "markup characters" in p.reason


def test_a_sentence_keeps_its_placeholders():
    # {value}, {year}, {workforce} and {senior} are the analysis's, not markup.
    assert "{value}" in parse_registry(SHIPPED).indicators[0].sentence
