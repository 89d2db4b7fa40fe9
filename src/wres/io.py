"""Writing generated files so that unchanged content leaves files (and timestamps) alone."""

from __future__ import annotations

import hashlib
from pathlib import Path


def write_if_changed(path: Path, text: str) -> Path:
    """Write ``text`` only when it differs: an unchanged input then leaves results, chapters
    and the incremental build untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"
