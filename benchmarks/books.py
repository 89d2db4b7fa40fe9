"""What the measurements build besides the book itself: a new report year in a copy's
national file, the floor (empty notebooks through papermill, a trivial book through
Jupyter Book) and the naive book (Jupyter Book executing the notebooks itself)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import time
from pathlib import Path

from harness import BuildFailed

NATIONAL_CSV = Path("data/raw/published/wres_national_published.csv")


# ------------------------------------------------------------------ add a year


def add_one_year(root: Path) -> dict:
    """Append one new report year (latest + 1) to the copy's national file and fix the md5.

    For every (indicator, measure, group) series with a row in the latest report year, and
    for every indicator's headline series, the series' latest row is copied with the year
    moved on and the value changed slightly. Staff-survey indicators get the survey year the
    registry's lag implies (report year - 1)."""
    import yaml

    path = root / NATIONAL_CSV
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    reader = csv.DictReader(io.StringIO(text))
    fields = list(reader.fieldnames or [])
    rows = list(reader)
    registry = yaml.safe_load((root / "src" / "wres" / "indicators.yml").read_text(encoding="utf-8"))
    lag = {int(i["id"]): int(i.get("survey_lag", 0)) for i in registry["indicators"] if i.get("year_basis") == "survey"}

    def key(r):
        return int(r["indicator"]), r["measure"], r["group"]

    latest_year = max(int(r["report_year"]) for r in rows)
    new_year = latest_year + 1
    latest_row: dict[tuple, dict] = {}
    for r in rows:
        k = key(r)
        if k not in latest_row or int(r["report_year"]) >= int(latest_row[k]["report_year"]):
            latest_row[k] = r
    wanted = [k for k, r in latest_row.items() if int(r["report_year"]) == latest_year]
    for ind in registry["indicators"]:
        series = {s["key"]: s for s in ind.get("series", [])}
        head = series.get(ind.get("headline_series"))
        if head is None:
            continue
        k = (int(head.get("from_indicator", ind["id"])), head["measure"], head["group"])
        if k in latest_row and k not in wanted:
            wanted.append(k)
    added = []
    for k in wanted:
        r = dict(latest_row[k])
        v = float(r["value"])
        unit = r["unit"]
        if unit in {"percent", "percent_of_trusts"}:
            v = v + 0.4 if v <= 99 else v - 0.4
            r["value"] = f"{v:.1f}"
        elif unit == "ratio":
            r["value"] = f"{v * 0.98:.2f}"
        else:  # counts
            r["value"] = str(int(round(v)) + 3)
        r["report_year"] = str(new_year)
        ind = k[0]
        if ind in lag:
            r["survey_year"] = str(new_year - lag[ind])
            r["period_label"] = f"{new_year} report ({new_year - lag[ind]} survey)"
        else:
            r["period_label"] = str(new_year)
        r["quality"] = "as_published"
        r["note"] = "benchmark: synthetic figure for an added year"
        added.append(r)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator=newline)
    for r in added:
        writer.writerow(r)
    body = text if text.endswith(("\n", "\r")) else text + newline
    path.write_bytes((body + out.getvalue()).encode("utf-8"))
    md5 = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - the sidecar's checksum
    sidecar = path.with_name(path.name + ".meta.yml")
    meta = sidecar.read_text(encoding="utf-8")
    if re.search(r"(?m)^md5:", meta):
        meta = re.sub(r"(?m)^md5:.*$", f"md5: {md5}", meta)
    else:
        meta = meta.rstrip("\n") + f"\nmd5: {md5}\n"
    sidecar.write_text(meta, encoding="utf-8")
    return {
        "new_year": new_year,
        "rows_added": len(added),
        "series": [f"{k[0]}: {k[1][:60]} [{k[2]}]" for k in wanted],
        "md5": md5,
    }


# ------------------------------------------------------------------ the floor


def toc_pages(toc: dict) -> list[dict]:
    """Every entry of a Jupyter Book table of contents that names a file or a glob."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node or "glob" in node:
                found.append(node)
            for v in node.values():
                if isinstance(v, (list, dict)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    found.append({"file": toc["root"]})
    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def trivial_notebook(title: str):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}"), nbformat.v4.new_code_cell("pass")]
    return nb


def make_trivial_book(built: Path, dest: Path, toc_file: Path | None = None) -> int:
    """A throwaway book with the built copy's _config.yml and _toc.yml (or ``toc_file``, e.g.
    a demonstration build's, which lists its profiles) so the same extensions, theme, assets
    and pages, in which every page is a trivial notebook."""
    import nbformat
    import yaml

    dest.mkdir(parents=True)
    shutil.copy2(built / "_config.yml", dest / "_config.yml")
    shutil.copy2(toc_file or built / "_toc.yml", dest / "_toc.yml")
    if (built / "book" / "assets").exists():  # css and vendored MathJax named in _config.yml
        shutil.copytree(built / "book" / "assets", dest / "book" / "assets")
    toc = yaml.safe_load((dest / "_toc.yml").read_text(encoding="utf-8"))
    pages: list[str] = []
    for entry in toc_pages(toc):
        if "file" in entry:
            pages.append(
                str(Path(entry["file"]).with_suffix(""))
                if Path(entry["file"]).suffix in {".md", ".ipynb"}
                else entry["file"]
            )
        else:
            for p in sorted(built.glob(entry["glob"])):
                if p.suffix in {".ipynb", ".md"} and "_build" not in p.parts:
                    pages.append(str(p.relative_to(built).with_suffix("")))
    for i, page in enumerate(dict.fromkeys(pages), start=1):
        target = dest / f"{page}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(trivial_notebook(f"Page {i}"), target)
    return len(dict.fromkeys(pages))


def _execute_empty(src: str, out: str) -> float:
    import papermill as pm

    start = time.perf_counter()
    pm.execute_notebook(src, out, kernel_name="python3", progress_bar=False, log_output=False)
    return time.perf_counter() - start


def empty_papermill_main(folder: Path, workers: int) -> int:
    """Child-process mode: execute every notebook in ``folder`` with papermill in
    ``workers`` processes (as the pipeline does), then exit."""
    from concurrent.futures import ProcessPoolExecutor

    notebooks = sorted(folder.glob("empty-*.ipynb"))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        secs = list(
            pool.map(
                _execute_empty, [str(p) for p in notebooks], [str(p.with_name("out-" + p.name)) for p in notebooks]
            )
        )
    print(json.dumps({"notebooks": len(notebooks), "per_notebook": secs}))
    return 0


def write_empty_notebooks(folder: Path, n: int) -> None:
    """``n`` one-cell (``pass``) notebooks, for :func:`empty_papermill_main`."""
    import nbformat

    folder.mkdir(parents=True)
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell("pass")]
        nbformat.write(nb, folder / f"empty-{i:02d}.ipynb")


# ------------------------------------------------------------------ naive alternative


def make_naive_book(built: Path, dest: Path) -> int:
    """Turn the fresh copy ``dest`` into a book whose generated notebooks are the built copy's
    executed chapters with their outputs cleared, and whose _config.yml asks Jupyter Book to
    execute them."""
    import nbformat
    import yaml

    shutil.copytree(built / "results", dest / "results")
    n = 0
    gen_src, gen_dst = built / "book" / "generated", dest / "book" / "generated"
    for nb_path in sorted(gen_src.rglob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        target = gen_dst / nb_path.relative_to(gen_src)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        n += 1
    cfg_path = dest / "_config.yml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg.setdefault("execute", {})["execute_notebooks"] = "force"
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return n


# ------------------------------------------------------------------ the preview

#: A sentence of the indicator template's Markdown (notebooks/indicator.ipynb) the preview
#: measurement edits; the page that shows it.
PREVIEW_SENTENCE = "Every figure below is a row of a published input file"
PREVIEW_PAGE = "book/generated/indicator-1.html"


def _served(url: str) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as page:
            return page.read().decode("utf-8")
    except OSError:
        return ""


def preview_edits(root: Path, edits: int) -> list[float]:
    """Start ``wres preview`` on the built copy ``root``, then ``edits`` times save the
    indicator template with the sentence changed and time until the server gives the page
    with the new sentence (asked every 0.1 s); Ctrl-C at the end. Seconds per edit."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    wres = str(Path(sys.executable).with_name("wres"))
    env = {**os.environ, "WRES_ROOT": str(root)}
    proc = subprocess.Popen(
        [wres, "preview", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/{PREVIEW_PAGE}"
    template = root / "notebooks" / "indicator.ipynb"
    seconds: list[float] = []
    try:
        deadline = time.monotonic() + 300
        while PREVIEW_SENTENCE not in _served(url):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise BuildFailed(f"wres preview did not serve {PREVIEW_PAGE} (exit {proc.poll()})")
            time.sleep(0.2)
        previous = PREVIEW_SENTENCE
        for i in range(1, edits + 1):
            new = PREVIEW_SENTENCE.replace("Every figure", f"Every figure (edit {i})")
            template.write_text(template.read_text(encoding="utf-8").replace(previous, new, 1), encoding="utf-8")
            saved = time.perf_counter()
            while new not in _served(url):
                if time.perf_counter() - saved > 120:
                    raise BuildFailed(f"edit {i} was not served within 120 s")
                time.sleep(0.1)
            seconds.append(time.perf_counter() - saved)
            previous = new
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    return seconds
