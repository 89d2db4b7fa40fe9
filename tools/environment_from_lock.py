"""Write environment.yml (conda and Binder) from the lockfile, so both install the same versions.

`make lock` runs it after pip-compile; tests/test_lockfile.py checks the two agree. Standard
library only: it runs before the project's environment exists. conda's pip step cannot use the
lock's hashes itself (it installs `-e .` in the same pip call, and an editable requirement is
refused in hash-checking mode), so it gets the same versions as plain pins.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")

HEADER = """\
# The same environment as requirements-lock.txt, for conda and Binder users: written by
# `make lock` (tools/environment_from_lock.py) from the lock; do not edit by hand.
# tests/test_lockfile.py checks that it pins exactly the lock's versions.
name: wres
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def pins(lock_text: str) -> list[str]:
    return [f"{m.group(1)}=={m.group(2)}" for line in lock_text.splitlines() if (m := PIN.match(line))]


def environment_text(lock_text: str) -> str:
    lines = [f'      - "{pin}"' for pin in pins(lock_text)]
    return HEADER + "\n".join([*lines, '      - "-e ."']) + "\n"


def main(lock: Path, out: Path) -> None:
    out.write_text(environment_text(lock.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "requirements-lock.txt", ROOT / "environment.yml")
