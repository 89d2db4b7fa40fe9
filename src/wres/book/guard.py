"""What keeps builds safe from each other and from interruption: the lock, the progress
record and the test hook that interrupts a build on purpose.

* The lock (``_build/.wres-build.lock``, ``fcntl.flock``) is held for the whole build, so a
  second build on the same checkout (national or demo: they share ``_toc.yml``) stops with
  the first one's PID and start time instead of overwriting its files. The kernel releases
  a flock when its holder dies, however it dies, so a killed build never leaves it held.
* The progress record (``.wres-build-in-progress`` in the build's state folder) is written
  before the first step and removed when the build ends in a known state (success, or a
  reported failure that left everything as it was). Found at the start of a build, it names
  the step that was running when the earlier build died; that step's skip stamps are not
  trusted and the step is redone from scratch. Every step writes its stamps atomically and
  last, and removes the stamp it is about to invalidate first, so the steps before the
  interrupted one are trustworthy and the steps after it had not started.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

from wres.io import atomic_write_text

LOCK_FILE = ".wres-build.lock"
PROGRESS_FILE = ".wres-build-in-progress"
#: The steps a build records, in order; "site" is Sphinx, the safety scan and publishing.
STEPS = ("analysis", "chapters", "site")
#: Test hook (see :func:`fault`).
FAULT_ENV = "WRES_FAULT"


class BuildBusy(RuntimeError):
    """Another build holds the lock on this checkout."""


def _holder(lock: Path) -> str:
    try:
        info = json.loads(lock.read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "another build is running on this checkout"
    return f"another build is running on this checkout (PID {info['pid']}, started {info.get('started', '?')})"


@contextmanager
def build_lock(build_dir: Path, wait: bool = False):
    """Hold the checkout's build lock for the ``with`` block; :class:`BuildBusy` when another
    build holds it (unless ``wait``, which blocks until it is free)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    lock = build_dir / LOCK_FILE
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            raise BuildBusy(f"{_holder(lock)}; wait for it to finish, or run again with --wait") from None
        # Who holds it, for the message another build prints; written in place (the lock is on
        # this inode), so a reader may briefly see it empty and says so without a PID.
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "started": _now()}).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the flock


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())


class BuildProgress:
    """The progress record of one build (see the module docstring)."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / PROGRESS_FILE
        self.previous = self._read()
        #: Steps to redo from scratch: the one an earlier build died in, and any it inherited.
        self.redo = set(self.previous.get("redo", [])) | (
            {self.previous["step"]} if self.previous.get("step") else set()
        )
        self._started = _now()

    def _read(self) -> dict:
        try:
            info = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # Unreadable (e.g. cut short by a full disk): trust nothing.
            return {"step": STEPS[0], "redo": list(STEPS)}
        return info if isinstance(info, dict) else {"step": STEPS[0], "redo": list(STEPS)}

    @property
    def interrupted(self) -> bool:
        return bool(self.previous)

    def describe_previous(self) -> str:
        p = self.previous
        steps = ", ".join(s for s in STEPS if s in self.redo)
        return (
            f"the previous build (PID {p.get('pid', '?')}, started {p.get('started', '?')}) did not finish; "
            f"redoing from scratch: {steps}"
        )

    def distrusts(self, step: str) -> bool:
        """Whether ``step``'s skip stamps must be ignored in this build."""
        return step in self.redo

    def begin(self, step: str) -> None:
        atomic_write_text(
            self.path,
            json.dumps({"pid": os.getpid(), "started": self._started, "step": step, "redo": sorted(self.redo)}),
        )

    def done(self, step: str) -> None:
        self.redo.discard(step)

    def finish(self) -> None:
        """The build ended in a known state: nothing to redo next time."""
        self.path.unlink(missing_ok=True)


def fault(point: str, path: Path | None = None) -> None:
    """Test hook, documented in data/README.md ("Build safety"): ``WRES_FAULT=<point>`` kills
    this build with SIGKILL at ``point`` (nothing runs after it, as with a power cut or the
    OOM killer); ``WRES_FAULT=<point>:enospc`` raises the error of a full disk there instead.
    Unset, it costs one dictionary lookup."""
    wanted = os.environ.get(FAULT_ENV)
    if not wanted:
        return
    name, _, how = wanted.partition(":")
    if name != point:
        return
    if how == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path) if path else None)
    os.kill(os.getpid(), signal.SIGKILL)
