"""Errors about input data that a person can act on (kept free of heavy imports so the
command line can catch them without loading the analysis stack)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    value: object
    reason: str

    #: How the position is named: a text file's line (header = line 1), a spreadsheet's row.
    position_word = "line"

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"{self.position_word} {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{value}: {self.reason}"


class DataError(ValueError):
    """Input data that cannot be used. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:25])
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        super().__init__(f"{len(problems)} problem(s) in the input data:\n{shown}{more}")

    @classmethod
    def raise_any(cls, problems: list[Problem]) -> None:
        """Raise one error listing ``problems`` if there are any (every check collects all
        the problems of a file before stopping, so a person fixes them in one pass)."""
        if problems:
            raise cls(problems)
