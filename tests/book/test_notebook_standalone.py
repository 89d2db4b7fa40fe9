"""An indicator notebook runs outside the book, as the README promises: papermill with the
parameters the book passes, then ``jupyter nbconvert --to html`` (issue 20, item 5). The page
must show the figures the trend test uses, the fitted model, the tests and a drawn chart,
and no MyST role as raw text."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wres.book.standalone import BOOK_ENV
from wres.registry import load_registry

pytestmark = pytest.mark.slow  # two subprocesses and a kernel: about 15 s

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_papermill_then_nbconvert_gives_the_analysis_and_a_drawn_chart(tmp_path):
    registry = load_registry()
    # An indicator tested by ordinary least squares, so statsmodels' summary is shown too.
    ind = next(i for i in registry.indicators if i.rolling_years(i.headline_series) == 1 and i.series[0].tested)
    # The national results recorded for the backtest: what `wres build` writes to results/.
    out = ROOT / "tests" / "fixtures" / "backtest" / "national"
    env = {k: v for k, v in os.environ.items() if k != BOOK_ENV}
    env["WRES_ROOT"] = str(ROOT)  # the notebook finds the site spec from anywhere
    run = [str(BIN / "papermill"), str(ROOT / "notebooks" / "indicator.ipynb"), "out.ipynb"]
    run += ["-p", "indicator_id", str(ind.id), "-p", "results_dir", str(out), "--cwd", str(tmp_path)]
    subprocess.run(run, cwd=tmp_path, env=env, check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "out.ipynb"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    page = (tmp_path / "out.html").read_text(encoding="utf-8")

    # The series the test uses: every published figure of the headline series, by year.
    spec = ind.series_by_key(ind.headline_series)
    raw = pd.read_csv(ROOT / "data" / "raw" / "published" / "wres_national_published.csv")
    raw = raw[(raw["measure"] == spec.measure) & (raw["group"] == spec.group)]
    assert "fitted_scale_value" in page
    for year in raw["report_year"].astype(int):
        assert f"<td>{year}</td>" in page or f">{year}<" in page
    # The fitted model (coefficients and statsmodels' summary) and the tests.
    assert "OLS Regression Results" in page and "year - mean year" in page
    assert "resid_sd" in page and "q_value" in page and "mk_p" in page
    # A drawn chart: nbconvert embeds the SVG vl-convert drew (it cannot run Vega itself).
    svgs = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert svgs, "no chart drawn"
    drawing = base64.b64decode(svgs[0]).decode("utf-8")
    assert drawing.lstrip().startswith("<svg") and "<path" in drawing
    # The notebook keeps the Vega-Lite bundle for JupyterLab.
    assert '"application/vnd.vegalite.v5+json"' in (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    # No MyST role as raw text, and no hover hint for a chart that is a picture.
    for role in ("{ref}`", "{doc}`", "{download}`"):
        assert role not in page
    assert "Hover over a point" not in page
    assert "how we tested this" in page  # the role's words survive as text
