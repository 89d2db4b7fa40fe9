"""environment.yml (conda/Binder) names the same dependencies as pyproject.toml."""

import tomllib

import yaml


def test_environment_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]).union(*project["optional-dependencies"].values())
    env = yaml.safe_load((root / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert set(pip) - {"-e ."} == wanted
    assert f"python={project['requires-python'].split('>=')[1].split(',')[0]}" in env["dependencies"]
