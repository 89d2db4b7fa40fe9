"""Spreadsheet limits: one job, refusing a workbook that is too large, or built to exhaust
memory or time, before any cell of it is read.

A ``.xlsx`` file is a zip of XML files. Reading it trusts three things the file declares:
how large each member inflates to, how large its sheet is (``<dimension>``) and how many
shared strings it holds (openpyxl keeps all of them in memory, even in read-only mode). A
hostile or broken file can declare, or hold, far more than any organisation-level table
needs: a "zip bomb" that inflates to gigabytes, one cell at ``XFD1048576`` that makes a
reader pad 17 billion empty cells, millions of shared strings. Each is checked here against
a limit, from the zip's central directory and the first bytes of the members, without
inflating anything whole. The limits (documented in ``data/README.md``, section
"Spreadsheet limits") are far above the largest real file: a long-format file for every
NHS trust over ten years has about 1.6 million cells, a wide table about 50,000.

Python's :mod:`zipfile` never returns more bytes from a member than its declared size (a
member that inflates further fails its CRC check), so a declared size is a true upper bound
of what reading the member can produce.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from wres.inputs.validate import DataError, Problem

#: Largest spreadsheet file on disk, in bytes (a real organisation-level workbook is a few MB).
MAX_FILE_BYTES = 50 * 2**20
#: Largest ``.xls`` file, in bytes: xlrd reads the whole file into memory and builds every
#: cell, so the file's size is its bound.
MAX_XLS_BYTES = 20 * 2**20
#: Most members a ``.xlsx`` zip may hold (a workbook has a few dozen).
MAX_MEMBERS = 10_000
#: Largest declared uncompressed size of one zip member, in bytes.
MAX_MEMBER_BYTES = 100 * 2**20
#: Largest declared uncompressed size of all members together, in bytes.
MAX_TOTAL_BYTES = 250 * 2**20
#: Largest ratio of a member's uncompressed to compressed size (Apache POI's default for
#: Excel files is the same, 100:1) ...
MAX_RATIO = 100
#: ... checked only for members declaring more than this many bytes: tiny members compress
#: unpredictably and cannot exhaust anything.
RATIO_FLOOR_BYTES = 2**20
#: Most cells a sheet may span (declared ``<dimension>`` rows x columns, or cells streamed).
MAX_SHEET_CELLS = 5_000_000
#: Most shared strings (distinct texts) a workbook may hold.
MAX_SHARED_STRINGS = 1_000_000

_EOCD = b"PK\x05\x06"
#: The opening tag of a shared-string entry ("<si>", "<x:si ") or of a cell ("<c r=...>");
#: "<col" and "<cols" do not match. Matching only the end of a prefix (":si") is twice as
#: fast as matching the prefix, and can only over-count.
_TAG = re.compile(rb"[<:](si|c)[\s/>]")
_SST_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*>")
_DECLARED = re.compile(rb'uniqueCount\s*=\s*["\']([0-9]+)["\']')


def _refuse(path: Path, value: object, reason: str) -> DataError:
    return DataError([Problem(path.name, None, None, value, reason)])


def check_file_size(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a file larger than ``limit`` bytes on disk."""
    size = path.stat().st_size
    if size > limit:
        raise _refuse(path, size, f"the file is {size:,} bytes; the limit for a spreadsheet is {limit:,} bytes")


def _member_count(path: Path) -> int | None:
    """Entries the zip's end-of-central-directory record declares, read before
    :class:`zipfile.ZipFile` builds a record for every member (which a zip of millions of
    empty members would make costly). Hand-read: the standard library offers no public way
    to see the count first. None when the record is not found (zipfile then says why)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        # The record is 22 bytes plus a comment of at most 65,535 bytes, at the end.
        fh.seek(max(0, size - 22 - 65_535))
        tail = fh.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return None
    return struct.unpack_from("<H", tail, at + 10)[0]


def check_xlsx(path: Path) -> None:
    """Refuse a ``.xlsx`` over any limit, before openpyxl opens it. Inflates only the first
    bytes of the shared-strings member (and, when it does not declare its count, counts its
    entries by streaming, stopping past the limit)."""
    check_file_size(path)
    count = _member_count(path)
    # 0xFFFF means "see the ZIP64 record": no workbook needs that many members.
    if count is not None and count > MAX_MEMBERS:
        raise _refuse(path, count, f"the zip holds {count:,} members; the limit is {MAX_MEMBERS:,}")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise _refuse(
            path, None, f"cannot be opened as an Excel .xlsx workbook ({type(err).__name__}: {err})"
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _refuse(path, len(infos), f"the zip holds {len(infos):,} members; the limit is {MAX_MEMBERS:,}")
        total = 0
        for info in infos:
            size = info.file_size
            if size > MAX_MEMBER_BYTES:
                raise _refuse(
                    path,
                    size,
                    f"member {info.filename} would inflate to {size:,} bytes; the limit is {MAX_MEMBER_BYTES:,} bytes",
                )
            ratio = size / max(info.compress_size, 1)
            if size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
                raise _refuse(
                    path,
                    round(ratio),
                    f"member {info.filename} is compressed {ratio:,.0f} to 1 ({info.compress_size:,} bytes "
                    f"inflating to {size:,}); the limit is {MAX_RATIO} to 1",
                )
            total += size
        if total > MAX_TOTAL_BYTES:
            raise _refuse(
                path, total, f"the workbook would inflate to {total:,} bytes; the limit is {MAX_TOTAL_BYTES:,} bytes"
            )
        # Shared strings and cells of every XML part, wherever the workbook's content types
        # put them (a shared-strings table need not be called sharedStrings.xml), counted
        # before openpyxl opens the file: it loads every shared string, and sizes a sheet
        # without a <dimension> by parsing all of it, keeping a record of every cell.
        for info in infos:
            if not info.filename.lower().endswith(".xml"):
                continue
            strings, cells = _count_tags(zf, info)
            if strings > MAX_SHARED_STRINGS:
                raise _refuse(
                    path,
                    strings,
                    f"the workbook holds {strings:,} shared strings or more; the limit is {MAX_SHARED_STRINGS:,}",
                )
            if cells > MAX_SHEET_CELLS:
                raise _refuse(
                    path,
                    cells,
                    f"member {info.filename} holds {cells:,} cells or more; the limit is {MAX_SHEET_CELLS:,}",
                )


def _count_tags(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(shared-string entries, cells) of one XML member, counted by streaming and stopping as
    soon as either is past its limit. A ``uniqueCount`` declared on an ``<sst>`` tag and over
    the limit is returned at once, having inflated one chunk; a declared count under the
    limit is not trusted (it may lie low), the entries are counted.

    Counted with a byte pattern rather than an XML parser: expat calls back into Python for
    every element (2.6 s for a million strings), a regular expression runs in C (0.3 s). A
    "<" cannot appear unescaped inside text, so no element is missed; a stray ":si>" or ":c "
    in a text could only make a refusal come sooner.
    """
    strings = cells = 0
    tail, first = b"", True
    with zf.open(info) as fh:
        while chunk := fh.read(2**20):
            data = tail + chunk
            if first:
                first = False
                tag = _SST_TAG.search(data)
                declared = _DECLARED.search(tag.group(0)) if tag else None
                if declared and int(declared.group(1)) > MAX_SHARED_STRINGS:
                    return int(declared.group(1)), 0
            # Count up to the last "<" and keep the rest: a tag may straddle two chunks, and a
            # match (one "<", then no other) always ends before the next "<".
            cut = data.rfind(b"<")
            if cut < 0:
                tail = b""
                continue
            names = _TAG.findall(data, 0, cut)
            strings += names.count(b"si")
            cells += len(names) - names.count(b"si")
            tail = data[cut:]
            if strings > MAX_SHARED_STRINGS or cells > MAX_SHEET_CELLS:
                return strings, cells
    names = _TAG.findall(tail)
    return strings + names.count(b"si"), cells + len(names) - names.count(b"si")


def check_dimension(label: str, max_row: int | None, max_column: int | None) -> None:
    """Refuse a sheet whose declared extent (rows x columns) is over :data:`MAX_SHEET_CELLS`."""
    if max_row and max_column and max_row * max_column > MAX_SHEET_CELLS:
        raise DataError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"{max_row:,} rows x {max_column:,} columns",
                    f"the sheet declares {max_row * max_column:,} cells; the limit is {MAX_SHEET_CELLS:,}",
                )
            ]
        )


class CellBudget:
    """Counts the cells a reader has produced and refuses past :data:`MAX_SHEET_CELLS`:
    the guard when a sheet's declared dimension is missing or understates it."""

    def __init__(self, label: str):
        self.label, self.used = label, 0

    def spend(self, n: int, row: int) -> None:
        self.used += n
        if self.used > MAX_SHEET_CELLS:
            raise DataError(
                [
                    Problem(
                        self.label,
                        None,
                        None,
                        f"more than {self.used:,} cells by row {row:,}",
                        f"the sheet holds more cells than the limit of {MAX_SHEET_CELLS:,}",
                    )
                ]
            )
