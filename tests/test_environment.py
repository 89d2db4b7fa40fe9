"""The lockfile pins what pyproject.toml asks for, with hashes; environment.yml (conda and
Binder) pins the same versions; `make` installs from the lock, hash-checked (issue 20)."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = "requirements-lock.txt"
# A lock entry: "name==version \" then its "--hash=sha256:..." lines.
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.M)


def locked(root) -> dict[str, tuple[str, list[str]]]:
    text = (root / LOCK).read_text()
    return {
        canonicalize_name(m.group(1)): (m.group(2), re.findall(r"sha256:([0-9a-f]{64})", m.group(3)))
        for m in ENTRY.finditer(text)
    }


def test_every_dependency_is_locked_with_a_version_it_allows(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *(d for extra in project["optional-dependencies"].values() for d in extra)]
    lock = locked(root)
    for line in wanted:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is in pyproject.toml but not in {LOCK}: run `make lock`"
        assert req.specifier.contains(lock[name][0], prereleases=True), (line, lock[name][0])


def test_every_locked_package_is_pinned_with_a_hash(root):
    text = (root / LOCK).read_text()
    pins = re.findall(r"^[A-Za-z0-9][^\s#]*==", text, re.M)
    lock = locked(root)
    # Every "name==" line parsed as an entry with at least one hash: pip's --require-hashes
    # would refuse the whole install otherwise.
    assert len(pins) == len(lock) > 100
    assert all(hashes for _version, hashes in lock.values())
    # Spot check against the wheel on PyPI (altair 6.3.0's py3-none-any wheel, read from PyPI's
    # page for the release), so the hashes are the published files' and not invented.
    assert lock["altair"][0] == "6.3.0"
    assert "7defb6ca730676dfc99a299768e2769f51585fcb3dc960ea71aacc368929d65e" in lock["altair"][1]


def test_environment_yml_pins_the_locked_versions(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip[-1] == "-e ."
    pinned = {canonicalize_name(p.split("==")[0]): p.split("==")[1] for p in pip[:-1]}
    assert pinned == {name: version for name, (version, _hashes) in locked(root).items()}
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert f"python={project['requires-python'].split('>=')[1].split(',')[0]}" in env["dependencies"]


def test_make_installs_from_the_lock_hash_checked(root):
    makefile = (root / "Makefile").read_text()
    rule = makefile[makefile.index("$(STAMP):") :].split("\n\n")[0]
    assert rule.splitlines()[0].split(":")[1].split() == ["pyproject.toml", "$(LOCK)"]
    assert f"LOCK   := {LOCK}" in makefile
    assert "pip install --quiet --require-hashes -r $(LOCK)" in rule
    # The project itself adds no package: nothing is resolved outside the lock.
    assert "--no-deps --no-build-isolation -e ." in rule
    assert '-e ".[' not in makefile
