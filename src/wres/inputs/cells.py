"""Cell parsers: one job, turning the text of one cell into a value, a missing reason or an
error message.

Shared by the long-format loader (:mod:`wres.inputs.organisations`) and the wide-spreadsheet
importer (:mod:`wres.inputs.importer`), so a cell means the same in both. Counts are whole
numbers of people; percents lie in 0-100; years are WRES report years (four digits).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Cell contents that mean "no figure here", and the reason recorded for each. They are never
#: an error, and never zero: publishers suppress small numbers and leave cells blank when not
#: reported. Matched ignoring case and surrounding spaces (``[C]``, ``X`` and ``N/A`` too).
SUPPRESSION_TOKENS: dict[str, str] = {
    "*": "suppressed (*)",
    "-": "suppressed (-)",
    "..": "not available (..)",
    "": "not reported (blank)",
    # The Government Statistical Service's shorthand for a missing figure (Analysis Function
    # guidance "Symbols, figures and numbers in tables"), used by NHS England's statistics.
    "[c]": "suppressed ([c]: confidential)",
    "[x]": "not available ([x])",
    "[z]": "not applicable ([z])",
    "[w]": "no data ([w])",
    "[low]": "suppressed ([low]: rounds to zero)",
    # Other publishers' markers, e.g. the NHS Staff Survey's "x" for fewer than 11 respondents.
    "x": "suppressed (x)",
    "n/a": "not applicable (n/a)",
}
#: ``<5``, ``< 10``: a count below a threshold, suppressed. Hand-written because no library
#: reads publishers' suppression markers; the reason keeps the threshold as written.
_BELOW = re.compile(r"<\s*[0-9]+")
BLANK_REASON = SUPPRESSION_TOKENS[""]


def suppression_reason(text: str) -> str | None:
    """The ``missing_reason`` of a cell that means "no figure" (stripped text), else None."""
    reason = SUPPRESSION_TOKENS.get(text.casefold())
    if reason is None and _BELOW.fullmatch(text):
        reason = f"suppressed ({text})"
    return reason


# ASCII digits only: Python's \d also matches Arabic-Indic and other digits, and float()
# accepts "1e3", "1_0" and "inf"; a count must be written as plain decimal digits.
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_INTEGRAL = re.compile(r"[+-]?[0-9]+(\.0*)?")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_FINANCIAL_YEAR = re.compile(r"([0-9]{4})\s*[/\-–]\s*([0-9]{2}|[0-9]{4})")
_FY = re.compile(r"FY\s*'?([0-9]{2,4})", re.IGNORECASE)
#: The largest count accepted: ten million (NHS England employs about 1.5 million people).
MAX_COUNT = 10_000_000
#: Organisation codes: 2-10 upper-case ASCII letters and digits after trimming and upper-casing
#: (NHS ODS codes such as RJ1, RXH, R0A or 8A718 fit). Anything else (spaces, slashes, dots,
#: punctuation) is refused: codes name files and page addresses, so they must be safe there
#: and two different codes must never map to the same file.
ORG_CODE = re.compile(r"[A-Z0-9]{2,10}")


@lru_cache(maxsize=65536)
def parse_count(text: str) -> tuple[int | None, str | None, str | None]:
    """A count cell: ``(value, None, None)``, ``(None, reason, None)`` for a suppressed or
    blank cell, or ``(None, None, error)``. Thousands separators (``1,234``) are accepted."""
    t = text.strip()
    reason = suppression_reason(t)
    if reason is not None:
        return None, reason, None
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    if _INTEGRAL.fullmatch(t):
        value = int(t.split(".")[0])
        if abs(value) > MAX_COUNT:
            return None, None, f"too large for a count of people (the limit is {MAX_COUNT:,})"
        return value, None, None
    if _DECIMAL.fullmatch(t):
        return None, None, "not a whole number (a count must be a whole number)"
    return (
        None,
        None,
        (
            "not a number in plain digits (write a count as digits, e.g. 1000; a suppressed cell may be "
            f"written {', '.join(repr(k) for k in SUPPRESSION_TOKENS if k)}, '<5' or left blank)"
        ),
    )


@lru_cache(maxsize=65536)
def parse_percent(text: str) -> tuple[float | None, str | None, str | None]:
    """A percentage cell (0-100; a trailing ``%`` is accepted), like :func:`parse_count`."""
    t = text.strip()
    reason = suppression_reason(t)
    if reason is not None:
        return None, reason, None
    t = t.removesuffix("%").strip()
    if not _DECIMAL.fullmatch(t):
        return None, None, "not a number in plain digits (a percent is a number from 0 to 100, e.g. 27.5)"
    return float(t), None, None


@lru_cache(maxsize=4096)
def parse_year(text: str) -> tuple[int | None, str | None]:
    """A WRES report year written as four digits; anything else is an error with a hint.

    A financial year (``2022/23``) or ``FY2023`` is deliberately *not* converted: which report
    year it means depends on the source, so the analyst must decide.
    """
    t = text.strip()
    if not t:
        return None, "a value is required (the WRES report year, e.g. 2024)"
    if _INTEGRAL.fullmatch(t) and len(t.split(".")[0].lstrip("+")) == 4:
        return int(float(t)), None
    m = _FINANCIAL_YEAR.fullmatch(t)
    if m:
        end = int(m.group(1)) + 1
        return None, (
            f"looks like a financial year; write the WRES report year as four digits "
            f"(figures as at or to 31 March {end} belong to report year {end}) - "
            "it is not converted automatically"
        )
    if _FY.fullmatch(t):
        return None, (
            "'FY' years are ambiguous (FY2023 may mean 2022/23 or 2023/24); write the WRES "
            "report year as four digits, e.g. 2023 for figures as at or to 31 March 2023"
        )
    return None, "not a year; write the WRES report year as four digits, e.g. 2024"


def compose_missing_reason(parts: list[tuple[str, str]]) -> str:
    """One ``missing_reason`` from the reasons of the missing cells of a row.

    ``parts`` are (column, reason) pairs, the figure itself first, ``""`` for a cell that
    holds a value. The reason is given bare (``suppressed (*)``) when only the figure is
    missing or every cell is missing for the same reason; otherwise each is named
    (``denominator suppressed (*)``).
    """
    present = [(c, r) for c, r in parts if r]
    if not present:
        return ""
    if (len(present) == 1 and present[0][0] == parts[0][0]) or (
        len(present) == len(parts) and len({r for _, r in present}) == 1
    ):
        return present[0][1]
    return "; ".join(f"{c} {r}" for c, r in present)


def value_missing_reason(num_reason: str | None, pct_reason: str | None) -> str | None:
    """Why the figure of a staff-survey row (a numerator *or* a percent) is missing; None if
    either cell holds a value. A token (``*``) says more than a blank, so it wins: a survey
    file typically leaves the numerator blank and suppresses the percent."""
    if num_reason is None or pct_reason is None:
        return None
    informative = [r for r in (pct_reason, num_reason) if r != BLANK_REASON]
    return informative[0] if informative else BLANK_REASON


def normalise_band(text: str, lookup: dict[str, str]) -> str:
    """``5``, ``5.0`` (from Excel) -> ``"5"``; ``vsm`` -> ``"VSM"``; anything else unchanged
    (the schema then reports it with the allowed values)."""
    t = text.strip()
    if _INTEGRAL.fullmatch(t):
        return str(int(float(t)))
    return lookup.get(t.casefold(), t)
