"""The profiles' shared chart data, as static script files the pages load.

:func:`write_shared_data` writes one ``<name>.js`` per indicator into the generated folder
(``book/generated/shared/``); the Sphinx extension :mod:`wres.book.sphinx_weight` copies them
to ``_static/wres-data/``, where the chart loader (:mod:`wres.book.altair_offline`) finds them.
A script file, not JSON: a page opened from ``file://`` may load a script but not fetch a
file, and the site's Content-Security-Policy allows scripts from the site itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from wres.book.plan import link_pattern
from wres.book.spec import SiteSpec
from wres.io import write_if_changed
from wres.registry import Registry

#: The folder of shared data files, inside the generated chapters' folder.
SHARED_SUBDIR = "shared"


def _js_value(value: object) -> str:
    """JSON text is a JavaScript expression; ``<`` is escaped too, so no text from data can
    close or open a tag."""
    body = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return body.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def data_script(datasets: dict[str, list], templates: dict[str, dict] | None = None) -> str:
    """A script that adds ``datasets`` to ``window.wresData`` and the chart ``templates``
    (name → :func:`wres.book.part_charts.template_entry`), if any, to ``window.wresTemplates``."""
    out = f"window.wresData=Object.assign(window.wresData||{{}},{_js_value(datasets)});\n"
    if templates:
        out += f"window.wresTemplates=Object.assign(window.wresTemplates||{{}},{_js_value(templates)});\n"
    return out


def write_shared_data(files: dict[str, dict], generated: Path, templates: dict[str, dict] | None = None) -> list[Path]:
    """Write each ``{file name: datasets}`` as ``<generated>/shared/<file name>.js``, with
    the file's chart ``templates`` (``{file name: {template name: entry}}``), only when
    changed (so an unchanged site is not rebuilt), and remove files no longer wanted."""
    folder = generated / SHARED_SUBDIR
    written = []
    for name, datasets in files.items():
        path = folder / f"{name}.js"
        write_if_changed(path, data_script(datasets, (templates or {}).get(name)))
        written.append(path)
    if folder.is_dir():
        for old in folder.glob("*.js"):
            if old not in written:
                old.unlink()
    return written


def write_profile_data(spec: SiteSpec, registry: Registry, results_dir: Path, generated: Path) -> list[Path]:
    """The shared chart data and chart templates of the profile pages, when the site spec's
    organisation pages ask for them (parameter ``shared_funnels: true``); otherwise none
    (and old files removed)."""
    from wres.book.part_charts import template_entry
    from wres.report.profile_shared import profile_shared_data, profile_templates

    entry = next((e for e in spec.entries() if e.for_each == "organisation"), None)
    if entry is None or not entry.parameters.get("shared_funnels"):
        return write_shared_data({}, generated)
    profile_link = link_pattern("organisation", entry.output, spec)
    templates = {
        file: {name: template_entry(spec) for name, spec in specs.items()}
        for file, specs in profile_templates(results_dir, registry, profile_link).items()
    }
    return write_shared_data(profile_shared_data(results_dir, registry, profile_link), generated, templates)
