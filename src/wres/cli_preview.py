"""``wres preview``: serve the book on this machine and rebuild the pages an edit changes.

Kept apart from :mod:`wres.cli` (which registers it) so each module stays small."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from wres.config import Paths
from wres.errors import DataError

console = Console(stderr=False, markup=False, emoji=False, highlight=False)
err_console = Console(stderr=True, markup=False, emoji=False, highlight=False)


def preview(
    port: int = typer.Option(
        8000, min=1, max=65535, help="Port to serve on, at http://127.0.0.1:PORT (this machine only)."
    ),
    root: Path = typer.Option(None, help="Project root (default: found from the current folder)."),
    workers: int = typer.Option(2, min=1, help="Worker processes for chapters the build has not run yet (at start)."),
) -> None:
    """Serve the national book at http://127.0.0.1:PORT and, on every save, re-run only the
    chapters the saved file affects and rebuild only the changed pages (into _build/preview;
    the published site _build/html is never touched). Ctrl-C stops it."""
    from wres.book.guard import BuildBusy
    from wres.book.pipeline import BuildError
    from wres.book.preview_session import Preview, serve, stop_on_term

    def say(line: str) -> None:
        console.print(line, soft_wrap=True)

    stop_on_term()
    session = Preview(Paths.discover(root), say)
    server = None
    try:
        try:
            session.start(workers=workers, console=console)
            server = serve(session.pp.html, port)
        except (BuildBusy, BuildError, DataError, OSError) as err:
            err_console.print(Text.assemble(("error:", "bold red"), " ", str(err)), soft_wrap=True)
            raise typer.Exit(1) from None
        say(f"Serving {session.pp.html} at http://127.0.0.1:{port}/ (Ctrl-C stops)")
        session.watch()
    except KeyboardInterrupt:
        say("Stopping the preview ...")
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        session.close()
    say("Preview stopped.")
