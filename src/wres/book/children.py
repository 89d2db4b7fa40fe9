"""Child processes die with the build.

A build runs chapter workers (a process pool), a Jupyter kernel in each worker and a
``jupyter-book`` child for Sphinx. Left alone, they outlive a killed build and keep writing
into the folders the next build reads. Three things stop that:

* SIGINT and SIGTERM of the build run :func:`interruptible`'s handler, which terminates
  every child, removes the build's temporary folders and then dies of the same signal.
* On Linux each child asks the kernel (``prctl(PR_SET_PDEATHSIG)``) to be signalled when its
  parent dies, because SIGKILL runs no handler at all: only the kernel sees it happen.
* A worker, when signalled, kills its Jupyter kernel's process group before exiting: kernels
  start in a session of their own (jupyter_client does so to interrupt them), so the
  terminal's Ctrl-C never reaches them.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_popens: list[subprocess.Popen] = []
_cleanup: list[Path] = []


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (no-op elsewhere).
    Safe as a ``preexec_fn``: it only calls ``prctl``."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl: the signal handlers still apply
        pass


def kernel_preexec() -> None:
    die_with_parent(signal.SIGKILL)


def track(proc: subprocess.Popen) -> subprocess.Popen:
    """Have ``proc`` terminated if the build is interrupted."""
    _popens.append(proc)
    return proc


def untrack(proc: subprocess.Popen) -> None:
    if proc in _popens:
        _popens.remove(proc)


def remove_on_interrupt(path: Path) -> Path:
    """Have the temporary folder ``path`` removed if the build is interrupted."""
    _cleanup.append(Path(path))
    return path


def terminate_children(grace: float = 3.0) -> None:
    """SIGTERM every child (pool workers and tracked processes), SIGKILL what is left after ``grace`` s."""
    procs = [*multiprocessing.active_children(), *_popens]
    for p in procs:
        try:
            p.terminate()
        except (OSError, ValueError):
            pass
    for p in procs:
        try:
            (p.join if hasattr(p, "join") else p.wait)(grace)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        try:
            p.kill()
        except (OSError, ValueError):
            pass


def _on_signal(signum, _frame) -> None:
    # Restore the default first: a second Ctrl-C kills at once.
    signal.signal(signum, signal.SIG_DFL)
    terminate_children()
    for path in _cleanup:
        shutil.rmtree(path, ignore_errors=True)
    sys.stderr.write(
        f"\nwres: interrupted ({signal.Signals(signum).name}); the published site and results were "
        "not changed, and the next build redoes the unfinished step.\n"
    )
    sys.stderr.flush()
    # Die of the signal itself, so the shell and any caller see how the build ended.
    os.kill(os.getpid(), signum)


@contextmanager
def interruptible():
    """Install the SIGINT/SIGTERM handlers for the ``with`` block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        _popens.clear()
        _cleanup.clear()


# --- in a chapter worker -------------------------------------------------------------------
_kernel_pgids: set[int] = set()


def worker_init(parent: int) -> None:
    """Initializer of a chapter worker: die with the build, and take the kernel along."""
    die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, _worker_signal)


def own_kernel(pgid: int | None) -> None:
    if pgid:
        _kernel_pgids.add(pgid)


def _worker_signal(signum, _frame) -> None:
    for pgid in _kernel_pgids:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(128 + signum)
