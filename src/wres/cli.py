"""The ``wres`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .config import Paths
from .pipeline import BuildError, build as run_build
from .validate import DataError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build and maintain the WRES analysis book.")
console = Console(stderr=False)
err_console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """Build and maintain the WRES analysis book."""


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def build(
    root: Path = typer.Option(None, help="Project root (default: found from the current folder)."),
    workers: int = typer.Option(2, min=1, help="Worker processes executing chapters in parallel."),
    force: bool = typer.Option(False, "--force", help="Re-run every chapter and rebuild the book."),
) -> None:
    """Validate the data, execute every chapter and build the book into _build/html."""
    paths = Paths.discover(root)
    try:
        report = run_build(paths, workers=workers, force=force, console=console)
    except DataError as err:
        _fail(f"{err}\nNothing was built; the previous site (if any) is unchanged.", 2)
    except BuildError as err:
        _fail(str(err), 1)
    table = Table(title="Build timing (wall-clock seconds, this machine)")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for ch in report.chapters:
        table.add_row(f"chapter {ch.name}", "skipped (unchanged)" if ch.skipped else f"{ch.seconds:.1f}")
    for step, secs in report.timings.items():
        table.add_row(step, f"{secs:.1f}")
    console.print(table)
    state = "built" if report.book_built else "unchanged (nothing to rebuild)"
    console.print(f"Site {state}: {report.site}/index.html")


def main() -> None:  # pragma: no cover
    sys.exit(app())
