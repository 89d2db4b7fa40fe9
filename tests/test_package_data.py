"""Every file the package reads besides its Python code is declared as package data in
pyproject.toml, so a wheel (not only an editable install of the source tree) carries it."""

import fnmatch
import tomllib


def test_every_non_python_file_of_the_package_is_package_data(root):
    package = root / "src" / "wres"
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["wres"]
    shipped = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    }
    # The chart loader's JavaScript, read with importlib.resources by wres.book.altair_offline.
    assert "book/chart_loader.js" in shipped
    missing = sorted(f for f in shipped if not any(fnmatch.fnmatch(f, pat) for pat in patterns))
    assert missing == [], f"not in [tool.setuptools.package-data] of pyproject.toml: {missing}"
