"""Writing generated files atomically, and so that unchanged content leaves files (and
timestamps) alone.

Every file a build writes goes through :func:`atomic_write_bytes`: the content is written to
a temporary file beside the target and renamed over it (``os.replace``, atomic on POSIX), so
an interrupted build or a full disk leaves either the old file or the new one, never half
of one, and no temporary file behind.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pandas as pd

#: Temporary files of :func:`atomic_write_bytes` end so; a build removes leftovers of a killed one.
TEMP_SUFFIX = ".wres-tmp"


def inside(path: Path, folder: Path) -> Path:
    """``path`` if it lies inside ``folder`` (after resolving ``..`` and links), else a
    ValueError. Every file the build writes from a name that came from data passes through
    here: input validation already refuses such names, and this keeps the promise in code."""
    target, base = Path(path).resolve(), Path(folder).resolve()
    if not target.is_relative_to(base):
        raise ValueError(f"refusing to write {path}: it lies outside {folder}")
    return Path(path)


def named_oserror(err: OSError, path: Path) -> OSError:
    """``err`` with ``path`` as its file name when it has none (``write`` errors name no file),
    so a full disk can be reported as "no space left on device while writing <path>"."""
    if err.filename is None:
        err.filename = str(path)
    return err


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file renamed over it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            named_oserror(err, path)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_if_changed(path: Path, text: str) -> Path:
    """Write ``text`` (atomically) only when it differs: an unchanged input then leaves
    results, chapters and the incremental build untouched."""
    path = Path(path)
    data = text.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)
    return path


def is_disk_full(err: BaseException) -> bool:
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT)


def round_floats(df: pd.DataFrame, digits: int = 10) -> pd.DataFrame:
    """A copy with float columns rounded to ``digits`` decimals: the last bits of a float
    differ between machines and library versions, and results files must not."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a results table: floats rounded (:func:`round_floats`), no index, ``\\n`` line
    ends, and the file left alone when its content is unchanged."""
    return write_if_changed(Path(path), round_floats(df).to_csv(index=False, lineterminator="\n"))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"
