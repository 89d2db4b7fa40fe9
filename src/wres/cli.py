"""The ``wres`` command line."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from wres.config import Paths
from wres.errors import DataError
from wres.registry import REGISTRY_ENV

# Pipeline and analysis are imported in the commands: `wres --help` never waits for the statistics stack.

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build and maintain the WRES analysis book.")
# Data reaches the terminal: no markup, emoji codes or highlighting anywhere.
console = Console(stderr=False, markup=False, emoji=False, highlight=False)
err_console = Console(stderr=True, markup=False, emoji=False, highlight=False)


def _fail(message: str, code: int = 1) -> None:
    # Messages quote data (names, cells, paths): printed as plain text, never as Rich markup
    # or emoji codes, so "[/]" or ":x:" in a file reach the terminal exactly as written.
    err_console.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)
    raise typer.Exit(code)


REGISTRY_OPTION = typer.Option(
    None,
    "--registry",
    exists=True,
    dir_okay=False,
    help="Indicator registry of another standard (default: the shipped WRES registry, src/wres/indicators.yml).",
)


PUBLISHED_OPTION = typer.Option(
    None,
    "--published",
    exists=True,
    file_okay=False,
    help="Folder holding the registry's published files (default: data/raw/published), e.g. a test fixture's.",
)


def _paths_for(paths: Paths, published: Path | None) -> Paths:
    """``paths`` for the chosen registry: its data files and, for a standard with a build of
    its own (``site.output``), its own folder under ``_build/``."""
    from wres.registry import load_registry

    return paths.for_registry(load_registry(), published)


def _choose_registry(registry: Path | None) -> None:
    """Choose the registry (``--registry``, else ``WRES_REGISTRY``, else the shipped one) and
    check it before anything is read or written: a bad registry stops every command with
    one error naming the file, line and key."""
    from wres.registry import RegistryError, load_registry

    # Through the environment, so that chapter kernels and the Sphinx process see it too.
    if registry is not None:
        os.environ[REGISTRY_ENV] = str(registry.resolve())
    try:
        load_registry()
    except RegistryError as err:
        where = "--registry" if registry is not None else (REGISTRY_ENV if os.environ.get(REGISTRY_ENV) else "registry")
        _fail(f"the indicator registry ({where}) cannot be used. {err}\nNothing was read or written.", 2)


@app.callback()
def _root() -> None:
    """Build and maintain the WRES analysis book."""
    # WRES_REGISTRY reaches every command, so every command checks it first.
    _choose_registry(None)


WAIT_OPTION = typer.Option(
    False, "--wait", help="If another build is running on this checkout, wait for it instead of stopping."
)
ROOT_OPTION = typer.Option(None, help="Project root (default: found from the current folder).")
WORKERS_OPTION = typer.Option(2, min=1, help="Worker processes executing chapters in parallel.")
FORCE_OPTION = typer.Option(False, "--force", help="Re-run every chapter and rebuild the book.")
TIMINGS_HELP = "Also write the timing table's numbers (each step and chapter, unrounded) as JSON to FILE."
TIMINGS_OPTION = typer.Option(None, "--timings-json", dir_okay=False, metavar="FILE", help=TIMINGS_HELP)


@app.command()
def build(
    root: Path = ROOT_OPTION,
    workers: int = WORKERS_OPTION,
    force: bool = FORCE_OPTION,
    registry: Path = REGISTRY_OPTION,
    published: Path = PUBLISHED_OPTION,
    wait: bool = WAIT_OPTION,
    timings_json: Path = TIMINGS_OPTION,
) -> None:
    """Validate the data, execute every chapter and build the book into _build/html (a
    registry with a build of its own, site.output: into _build/<output>/html)."""
    _choose_registry(registry)
    _report(_paths_for(Paths.discover(root), published), workers, force, wait, timings_json)


#: Exit code when another build holds the checkout's lock.
BUSY_EXIT = 3


def _warn(message: str) -> None:
    err_console.print(Text.assemble(("warning:", "bold yellow"), " ", message), soft_wrap=True)


def _report(paths: Paths, workers: int, force: bool, wait: bool = False, timings_json: Path | None = None) -> None:
    from wres.book.guard import BuildBusy
    from wres.book.pipeline import BuildError
    from wres.book.pipeline import build as run_build
    from wres.io import is_disk_full

    try:
        report = run_build(paths, workers=workers, force=force, console=console, wait=wait, on_notice=_warn)
    except BuildBusy as err:
        _fail(f"{err}. Nothing was changed.", BUSY_EXIT)
    except DataError as err:
        _fail(f"{err}\nNothing was built; the previous site (if any) is unchanged.", 2)
    except BuildError as err:
        _fail(str(err), 1)
    except OSError as err:
        if is_disk_full(err):
            _fail(
                f"no space left on device while writing {err.filename or '(unknown file)'}; the previous site and "
                "results are unchanged. Free some space and build again.",
                1,
            )
        _fail(_environment_fault(err), 1)
    table = Table(title="Build timing (wall-clock seconds, this machine)")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    profiles = [ch for ch in report.chapters if ch.for_each == "organisation"]
    for ch in report.chapters:
        if ch not in profiles:
            table.add_row(f"chapter {ch.name}", "skipped (unchanged)" if ch.skipped else f"{ch.seconds:.1f}")
    if profiles:
        ran = [ch.seconds for ch in profiles if not ch.skipped]
        detail = f"{sum(ran):.1f} (mean {sum(ran) / len(ran):.1f} each)" if ran else ""
        skipped = len(profiles) - len(ran)
        table.add_row(
            f"{len(profiles)} organisation profiles (kernel time, summed)",
            detail + (f"; {skipped} skipped (unchanged)" if skipped else ""),
        )
    for step, secs in report.timings.items():
        table.add_row(step, f"{secs:.1f}")
    console.print(table)
    if timings_json is not None:
        import json

        from wres.io import atomic_write_text

        record = {**report.timings_record(), "workers": workers, "force": force}
        atomic_write_text(timings_json, json.dumps(record, indent=2) + "\n")
    state = "built" if report.book_built else "unchanged (nothing to rebuild)"
    console.print(f"Site {state}: {report.site}/index.html")


def _environment_fault(err: OSError) -> str:
    """An operating-system error as one line a person can act on: the path, what went wrong,
    what to check (no traceback: the cause is the machine, not the code)."""
    where = err.filename or "(a file the build writes)"
    if err.filename2:
        where = f"{where} -> {err.filename2}"
    what = err.strerror or type(err).__name__
    return (
        f"cannot use {where}: {what}. Nothing was published; the previous site is unchanged. Check that the "
        "folder exists, is a folder, and that you may write to it (permissions, a read-only disk)."
    )


@app.command()
def toc(
    root: Path = ROOT_OPTION,
    check: bool = typer.Option(False, "--check", help="Only check: exit 1 if _toc.yml differs from the spec."),
) -> None:
    """Rewrite _toc.yml from the site spec (book/site.yml); `wres build` does this too."""
    from wres.book.pipeline import BuildError, site_layout, site_spec
    from wres.book.toc import TOC_FILE, toc_text, write_toc
    from wres.registry import load_registry

    paths = Paths.discover(root)
    target = paths.root / TOC_FILE
    registry = load_registry()
    if registry.site.output is not None:
        # The committed toc is the WRES book's; a standard with a build of its own writes its
        # toc into that build (`wres build --registry FILE`).
        _fail(
            f"the registry builds into _build/{registry.site.output}/ and its table of contents is written "
            f"there by `wres build`; {target} is the WRES book's and was not changed",
            2,
        )
    try:
        national = site_layout(site_spec(paths.root), registry, [])
    except BuildError as err:
        _fail(str(err), 2)
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != toc_text(national):
            _fail(f"{target} differs from the site spec; run `wres toc` to rewrite it")
        console.print(f"{target} matches the site spec")
        return
    write_toc(national, target)
    console.print(f"Wrote {target} from the site spec")


@app.command()
def demo(
    root: Path = ROOT_OPTION,
    workers: int = WORKERS_OPTION,
    orgs: int = typer.Option(200, min=1, help="Number of fictitious organisations."),
    force: bool = FORCE_OPTION,
    registry: Path = REGISTRY_OPTION,
    timings_json: Path = typer.Option(None, "--timings-json", dir_okay=False, metavar="FILE", help=TIMINGS_HELP),
    published: Path = PUBLISHED_OPTION,
    wait: bool = WAIT_OPTION,
) -> None:
    """Build the whole book on the synthetic panel into _build/demo/html (never touches the national book)."""
    _choose_registry(registry)
    from wres.inputs.importer import move_parts_in, write_long_parts
    from wres.inputs.national import load_national
    from wres.inputs.synthetic import make_panel

    paths = _paths_for(Paths(Paths.discover(root).root, demo=True), published)
    panel_file = paths.trusts / "synthetic_panel.csv"
    panel = make_panel(load_national(paths.national_csv), n_orgs=orgs)
    # Written to scratch files and swapped in only where they differ, so an unchanged panel
    # leaves every chapter's inputs (and so the incremental build) untouched. More than about
    # a thousand organisations take more than one file (each within the readers' limit); the
    # parts of an earlier, larger panel are removed.
    scratch = paths.demo_root / "scratch" / "panel"
    shutil.rmtree(scratch, ignore_errors=True)
    written = write_long_parts(panel, scratch / panel_file.name)
    move_parts_in(written, panel_file)
    _report(paths, workers, force, wait, timings_json)


@app.command()
def analyse(
    root: Path = ROOT_OPTION,
    demo: bool = typer.Option(
        False,
        "--demo",
        help="The demonstration data (_build/demo/trusts, from `wres demo-data`) into _build/demo/results.",
    ),
    force: bool = FORCE_OPTION,
    registry: Path = REGISTRY_OPTION,
    published: Path = PUBLISHED_OPTION,
    wait: bool = WAIT_OPTION,
) -> None:
    """Validate the data and write the results tables only (results/): no chapters, no site.

    For researchers who want the tables, for the calibration harness and for checks; the
    tables are those a build writes (columns in data/README.md)."""
    import time

    from wres.book.guard import BuildBusy
    from wres.book.pipeline import analyse_only
    from wres.io import is_disk_full

    _choose_registry(registry)
    paths = _paths_for(Paths(Paths.discover(root).root, demo=demo), published)
    if demo and not paths.trusts.is_dir():
        _fail(f"no demonstration data in {paths.trusts}: write it first with `wres demo-data --orgs N`", 2)
    start = time.perf_counter()
    try:
        changed = analyse_only(paths, force=force, wait=wait)
    except BuildBusy as err:
        _fail(f"{err}. Nothing was changed.", BUSY_EXIT)
    except DataError as err:
        _fail(f"{err}\nNothing was written; the previous results (if any) are unchanged.", 2)
    except OSError as err:
        _fail(
            f"no space left on device while writing {err.filename}" if is_disk_full(err) else _environment_fault(err), 1
        )
    state = "written" if changed else "unchanged (the inputs are those they were computed from)"
    console.print(f"Results {state}: {paths.results} ({time.perf_counter() - start:.1f} s)")


@app.command("demo-data")
def demo_data(
    out: Path = typer.Option(
        Path("_build/demo/trusts/synthetic_panel.csv"), help="Where to write the panel (long format CSV)."
    ),
    root: Path = ROOT_OPTION,
    seed: int = typer.Option(20240331, help="Random seed; the same seed gives the same panel."),
    orgs: int = typer.Option(200, min=1, help="Number of fictitious organisations."),
) -> None:
    """Write the synthetic demonstration panel (fictitious organisations) in the long format."""
    from wres.inputs.importer import write_long
    from wres.inputs.national import load_national
    from wres.inputs.synthetic import make_panel

    paths = Paths.discover(root)
    try:
        panel = make_panel(load_national(paths.national_csv), seed=seed, n_orgs=orgs)
    except DataError as err:
        _fail(str(err), 2)
    out = out if out.is_absolute() else paths.root / out
    if out.exists() and not out.is_file():
        _fail(f"{out} exists and is not a file")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_long(panel, out)
    console.print(f"Wrote {len(panel)} rows for {panel['org_code'].nunique()} synthetic organisations to {out}")


@app.command()
def accept(
    file: Path = typer.Argument(..., help="A raw input file whose md5 differs from its sidecar (*.meta.yml)."),
    root: Path = ROOT_OPTION,
) -> None:
    """Record a raw file's current md5 in its sidecar, after checking the change is intended."""
    from wres.inputs.load import load_inputs
    from wres.inputs.sidecars import accept as record_md5
    from wres.registry import load_registry

    paths = Paths.discover(root)
    target = file if file.is_absolute() else Path.cwd() / file
    try:
        # Validate first: an md5 recorded for a file the build would refuse would only
        # move the error from "changed file" to the next build.
        load_inputs(paths, load_registry())
        old, new = record_md5(target, paths.root)
    except DataError as err:
        _fail(f"{err}\nThe sidecar was not changed.", 2)
    console.print(f"Recorded the new md5 of {file} in its sidecar: was {old or '(none)'}, now {new}")


@app.command()
def calibrate(
    reps: int = typer.Option(2000, min=50, help="Simulated data sets per scenario (the book's recorded run: 2000)."),
    quick: bool = typer.Option(False, "--quick", help="Reduced run (under a minute on two cores)."),
    seed: int = typer.Option(None, help="Random seed (default: the harness's own, so a run is reproducible)."),
    out: Path = typer.Option(None, help="Where to write the table (default: data/calibration/calibration.csv)."),
    root: Path = ROOT_OPTION,
) -> None:
    """Run the calibration harness: how often every test and limit raises a false alarm, and its power."""
    import time

    from wres.calibration import harness
    from wres.inputs.sidecars import accept as record_md5

    paths = Paths.discover(root)
    target = out if out is not None else paths.calibration_csv
    target = target if target.is_absolute() else Path.cwd() / target
    n = 300 if quick and reps == 2000 else reps  # --quick alone: the reduced run of `make test`
    console.print(f"Simulating {n:,} data sets per scenario{' (reduced run)' if quick else ''} ...")
    start = time.perf_counter()
    table = harness.run(n, quick=quick, seed=harness.SEED if seed is None else seed)
    target.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(target, index=False, float_format="%.6g", lineterminator="\n")
    console.print(f"Wrote {len(table)} rows to {target} in {time.perf_counter() - start:.1f} s")
    # The recorded run is an input of the book: its sidecar's md5 follows the new file.
    if target.resolve() == paths.calibration_csv.resolve() and target.with_name(target.name + ".meta.yml").exists():
        record_md5(target, paths.root)
        console.print(
            f"Recorded its md5 in {target.name}.meta.yml; update that file's 'method' line if the "
            "command or machine changed"
        )


@app.command("import")
def import_(
    spreadsheet: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="Wide spreadsheet (CSV or XLSX), one row per organisation."
    ),
    mapping: Path = typer.Option(
        None, "--mapping", help="YAML column mapping (default: the shipped NHS England layout)."
    ),
    out: Path = typer.Option(
        None, "--out", help="Long-format CSV to write (default: data/raw/trusts/<spreadsheet>.csv)."
    ),
    sheet: str = typer.Option(None, help="Worksheet name (XLSX)."),
    year: int = typer.Option(None, help="WRES report year, when the mapping does not give one."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output file."),
) -> None:
    """Turn a wide organisation-level spreadsheet into the long format through a mapping."""
    from wres.inputs.importer import import_wide, shipped_mapping, write_long

    mapping = mapping or shipped_mapping()
    if out is None:
        out = Paths.discover().trusts / f"{spreadsheet.stem}.csv"
    if out.exists() and not overwrite:
        _fail(f"{out} already exists; inputs are never overwritten (use --overwrite or --out)")
    try:
        df = import_wide(spreadsheet, mapping, sheet=sheet, year=year)
    except DataError as err:
        _fail(str(err), 2)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_long(df, out)
    console.print(f"Wrote {len(df)} figures for {df['org_code'].nunique()} organisations to {out}")


@app.command("report")
def report(
    org_code: str = typer.Argument(None, help="Organisation code (as in the organisation files)."),
    national: bool = typer.Option(False, "--national", help="The national report instead (writes national.pdf)."),
    demo: bool = typer.Option(False, "--demo", help="From the demonstration build (_build/demo) instead."),
    root: Path = ROOT_OPTION,
) -> None:
    """Write a board-ready A4 PDF for one organisation (or --national) to _build/reports/ (with
    --demo, _build/demo/reports/), from the results of the last build."""
    import datetime
    from importlib.metadata import PackageNotFoundError, version

    from wres.book.pdf import render_pdf
    from wres.inputs.cells import ORG_CODE
    from wres.report.pdf_report import ReportInputError, Stamp, national_report_html, organisation_report_html

    if national == bool(org_code):
        _fail("give an organisation code, or --national (not both)", 2)
    paths = Paths(Paths.discover(root).root, demo=demo)
    try:
        made_by = version("wres")
    except PackageNotFoundError:
        made_by = "unknown"
    stamp = Stamp(made_on=datetime.date.today().isoformat(), version=made_by)
    if org_code is not None and not ORG_CODE.fullmatch(org_code):
        _fail(f"{org_code!r} is not an organisation code (2-10 capital letters and digits, as in the files)", 2)
    name = "national" if national else org_code
    demo_results = Paths(paths.root, demo=True).results
    if national and not demo and not (paths.results / "national_summary.csv").exists():
        if (demo_results / "national_summary.csv").exists():
            # A checkout where only `wres demo` has run: its national figures are the real
            # published ones, so name the command that uses them rather than "build first".
            _fail(
                f"no national results in {paths.results}: this checkout has only the demonstration build. "
                "Run `wres report --national --demo` for the national report from it (its national figures "
                "are the published ones; its organisations are synthetic), or `wres build` first.",
                2,
            )
    out = paths.results.parent / "reports" / f"{name}.pdf" if demo else paths.build / "reports" / f"{name}.pdf"
    with err_console.status(f"Writing the report for {name} ...", spinner="line"):
        try:
            html = (
                national_report_html(paths.results, stamp)
                if national
                else organisation_report_html(paths.results, org_code, stamp)
            )
        except ReportInputError as err:
            _fail(str(err), 2)
        err_console.print(f"Composed the report for {name} from {paths.results}")
        try:
            pages = render_pdf(html, out, within=paths.root)
        except ValueError as err:  # the report folder resolves outside the repository
            _fail(f"{err}; nothing was written", 2)
        except OSError as err:
            _fail(f"cannot write {err.filename or out}: {err.strerror or err}. Nothing was changed.", 2)
    console.print(f"Wrote {out} ({pages} pages)")


@app.command()
def linkcheck(
    root: Path = ROOT_OPTION,
    sources: Path = typer.Option(
        None, dir_okay=False, help="Sources file to check (default: data/raw/published/wres_sources.csv)."
    ),
    timeout: float = typer.Option(10.0, min=0.1, help="Seconds to wait for each address."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any address does not answer 2xx or 3xx."),
) -> None:
    """Report whether each cited source's web address still answers (never part of the build)."""
    from wres.inputs.linkcheck import check_all, source_urls

    path = sources or Paths.discover(root).sources_csv
    try:
        urls = source_urls(path)
    except (OSError, ValueError) as err:
        _fail(f"cannot read the sources file {path}: {err}", 2)
    found = check_all(urls, timeout)
    for status in found:
        console.print(
            Text.assemble(
                ("ok  " if status.ok else "FAIL", "green" if status.ok else "red"),
                f"  {status.describe()}  {status.url}",
            ),
            soft_wrap=True,
        )
    bad = [s for s in found if not s.ok]
    console.print(f"{len(found) - len(bad)} of {len(found)} addresses in {path.name} answered.")
    if bad and strict:
        raise typer.Exit(1)


from wres.cli_preview import preview  # noqa: E402 - its own module, registered here

app.command()(preview)


def main() -> None:  # pragma: no cover
    sys.exit(app())
