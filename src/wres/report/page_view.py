"""What a page object starts from: the registry, the results folder and the results tables
its page shows, read once through the catalogue (``wres.results``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Self

import pandas as pd

from wres import results
from wres.registry import Registry, load_registry


class PageView:
    """Subclasses name their tables in ``TABLES``: attribute name -> results key. Each table is
    then an attribute of that name."""

    TABLES: ClassVar[dict[str, str]] = {}

    def __init__(self, registry: Registry, results_dir: str | Path, **tables: pd.DataFrame) -> None:
        missing = set(self.TABLES) - set(tables)
        if missing:
            raise TypeError(f"{type(self).__name__} needs the tables {sorted(missing)}")
        self.registry = registry
        self.results_dir = Path(results_dir)
        for name in self.TABLES:
            setattr(self, name, tables[name])

    @classmethod
    def load(cls, results_dir: str | Path, registry: Registry | None = None) -> Self:
        tables = {name: results.read(results_dir, key) for name, key in cls.TABLES.items()}
        return cls(registry or load_registry(), results_dir, **tables)
