"""Hostile spreadsheets, written at test time (never committed), and a way to measure how a
separate process refuses them.

Writers (each cheap to run: the large parts are streamed in chunks, never held whole):

- :func:`dimension_lie`: a small workbook with one cell at ``XFD1048576``, so its declared
  ``<dimension>`` spans 17 billion cells;
- :func:`zip_bomb`: a workbook whose sheet member inflates to 1 GiB of spaces (valid XML, so a
  reader without limits would inflate and parse all of it);
- :func:`many_shared_strings`: a workbook with millions of distinct shared strings.

Run as a script, it measures one refusal in a fresh process, so the figures are the
process's own (``python hostile_sheets.py load FILE`` or ``... cli FILE OUT [ARGS]``) and prints one
JSON line: the exit code, the message, wall and CPU seconds of the whole process (for
``cli``, of the ``wres import`` child), the seconds (wall and CPU) spent in the refusal
itself, and the peak resident memory (MB) before and after it.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

CHUNK = 2**20
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _small_workbook(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ODS code", "Organisation name"])
    ws.append(["RAA", "Alpha Demo Trust"])
    wb.save(path)


def _rewrite(src: Path, dest: Path, replace: dict[str, object]) -> None:
    """Copy the zip ``src`` to ``dest``; members named in ``replace`` are written by calling
    the given function with an open (streaming) member handle instead."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                continue
            zout.writestr(info.filename, zin.read(info.filename))
        for name, write in replace.items():
            with zout.open(name, "w", force_zip64=True) as fh:
                write(fh)


def dimension_lie(path: Path) -> Path:
    """A workbook of a few KB whose only cell is at XFD1048576 (the last cell Excel allows)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["XFD1048576"] = 1
    wb.save(path)
    return path


def zip_bomb(path: Path, gib: float = 1.0) -> Path:
    """A workbook whose sheet member inflates to ``gib`` GiB (spaces between XML elements)."""
    base = path.with_suffix(".base.xlsx")
    _small_workbook(base)

    def sheet(fh) -> None:
        fh.write(_SHEET_HEAD)
        spaces = b" " * CHUNK
        for _ in range(int(gib * 1024)):
            fh.write(spaces)
        fh.write(b"<sheetData/></worksheet>")

    _rewrite(base, path, {"xl/worksheets/sheet1.xml": sheet})
    base.unlink()
    return path


def many_shared_strings(path: Path, n: int = 2_000_000, declare: bool = True) -> Path:
    """A workbook whose shared-strings table holds ``n`` distinct strings (``declare``: with
    honest ``count``/``uniqueCount`` attributes; otherwise none, so only counting finds it)."""
    base = path.with_suffix(".base.xlsx")
    _small_workbook(base)
    with zipfile.ZipFile(base) as z:
        names = z.namelist()
    target = (
        next(n for n in names if n.lower().endswith("sharedstrings.xml"))
        if any(n.lower().endswith("sharedstrings.xml") for n in names)
        else "xl/sharedStrings.xml"
    )

    def strings(fh) -> None:
        attrs = f' count="{n}" uniqueCount="{n}"' if declare else ""
        fh.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' + attrs.encode() + b">"
        )
        step = 100_000
        for start in range(0, n, step):
            fh.write("".join(f"<si><t>s{i}</t></si>" for i in range(start, min(n, start + step))).encode())
        fh.write(b"</sst>")

    _rewrite(base, path, {target: strings})
    base.unlink()
    return path


def _peak_mb() -> float:
    """This process's peak resident memory (MB): VmHWM of /proc/self/status, which belongs to
    the memory map exec made. ru_maxrss is not used: Linux carries it over exec from the
    process that started this one, so under a pytest process of 350 MB every helper reported
    350 MB however little it used."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _cpu(who: int) -> float:
    """User plus system CPU seconds of this process (RUSAGE_SELF) or its waited children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _measure_load(file: str) -> dict:
    """Refuse ``file`` through the organisation loader in this process."""
    from wres.errors import DataError
    from wres.inputs.organisations import load_trust_file

    before = _peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        load_trust_file(file)
        code, message = 0, ""
    except DataError as err:
        code, message = 2, str(err)
    return {
        "exit": code,
        "message": message,
        "refusal_seconds": time.perf_counter() - start,
        "refusal_cpu_seconds": time.process_time() - cpu,
        "peak_mb_before": before,
        "peak_mb": _peak_mb(),
    }


def _measure_cli(file: str, out: str, *extra: str) -> dict:
    """Run ``wres import FILE --out OUT [EXTRA...]`` as a child and report its exit, output and peak memory
    (this process has no other child, so RUSAGE_CHILDREN is that run's own)."""
    wres = str(Path(sys.executable).with_name("wres"))
    start = time.perf_counter()
    done = subprocess.run([wres, "import", file, "--out", out, *extra], capture_output=True, text=True, timeout=60)
    return {
        "exit": done.returncode,
        "message": done.stdout + done.stderr,
        "seconds": time.perf_counter() - start,
        "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "cpu_seconds": _cpu(resource.RUSAGE_CHILDREN),
    }


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    started = time.perf_counter()
    result = _measure_load(*args) if mode == "load" else _measure_cli(*args)
    result.setdefault("seconds", time.perf_counter() - started)
    result.setdefault("cpu_seconds", _cpu(resource.RUSAGE_SELF))
    print(json.dumps(result))
