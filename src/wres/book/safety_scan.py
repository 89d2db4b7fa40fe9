"""Post-build safety of the HTML site: a Content-Security-Policy on every page and a scan
for any script, event handler or outside resource the book did not put there.

Call :func:`secure_site` on the built HTML folder (e.g. ``_build/html``) after
``jupyter-book build`` and before publishing; a non-empty result must fail the build::

    findings = secure_site(html_dir)
    if findings:
        raise SomeBuildError("\\n".join(str(f) for f in findings))

:func:`secure_site` runs :func:`apply_csp` (rewrites pages in place, idempotent) and then
:func:`scan_site` (reads only).

The policy (:func:`policy`)::

    default-src 'self'; script-src 'self' 'sha256-…' …; style-src 'self' 'unsafe-inline';
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none';
    base-uri 'self'; form-action 'self'

* Scripts: only files from the site itself, plus the inline scripts of each page that match
  :data:`INLINE_SCRIPT_FORMS` (the exact snippets Sphinx, the theme and MathJax's
  configuration emit), each allowed by its sha256 hash, computed per page.  No
  ``'unsafe-inline'`` and no ``'unsafe-eval'``: charts are drawn by one static file from JSON
  data blocks with vega-embed's ``ast: true`` (its CSP-safe expression interpreter), see
  :mod:`wres.book.altair_offline`.
* ``style-src 'unsafe-inline'``: MathJax, Vega and the theme set ``style`` attributes and
  insert ``<style>`` elements at run time; styles cannot run script.
* ``frame-ancestors`` is not given: browsers ignore it in a ``<meta>`` policy.
* The ``<meta http-equiv="Content-Security-Policy">`` is placed first in ``<head>``, after
  only ``<meta charset>`` when that comes first: the charset declaration must stay within
  the first 1024 bytes, and it loads nothing, so the policy still covers every script,
  style sheet and image of the page.
* The theme's two header buttons carry ``onclick="window.print()"`` and
  ``onclick="toggleFullScreen()"``, which a policy without ``'unsafe-inline'`` blocks;
  :func:`apply_csp` rewrites exactly those two attributes to ``data-wres-action`` and the
  static ``wres-page.js`` (written by :mod:`wres.book.sphinx_safety`) handles the clicks.

What the scan reports (:class:`Finding`: page, element, attribute, value, reason):

* a ``<script src>`` that is not a ``.js`` file of the built site's own ``_static`` folder
  (or Sphinx's ``searchindex.js``); the allowed list is read from the folder, never from pages;
* an inline ``<script>`` not matching :data:`INLINE_SCRIPT_FORMS`, and any non-executable
  ``<script type>`` other than the charts' JSON data blocks and the theme's thebe config;
* any event-handler attribute (``on…=``), any ``javascript:``/``vbscript:`` URL and any
  ``<base>``, ``<iframe>``, ``<frame>``, ``<object>`` or ``<embed>`` element;
* any resource-loading URL that is not local: ``src``, ``srcset``, ``poster``, ``data``,
  ``ping``, SVG ``href``, ``<link href>`` other than navigation links, form ``action``,
  ``<meta http-equiv=refresh>`` targets and CSS ``url()``/``@import`` in ``style``
  attributes, ``<style>`` elements and the site's ``.css`` files (``data:`` URLs are allowed
  for images and fonts, which the policy allows too);
* a page without the policy, or with it after an element that loads something;
* a search-index section title holding raw ``<`` (see :mod:`wres.book.sphinx_safety`).

Plain links (``<a href="https://…">``) are allowed: sources are cited with external links.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from posixpath import normpath
from urllib.parse import unquote, urlsplit

# Matches the element with the whitespace with_csp() put around it, so rewriting is idempotent.
CSP_META_RE = re.compile(
    r'\n[ \t]*<meta http-equiv="Content-Security-Policy"[^>]*>'
    r'|^<meta http-equiv="Content-Security-Policy"[^>]*>\n',
    re.I,
)
HEAD_RE = re.compile(r"<head\b[^>]*>", re.I)
CHARSET_RE = re.compile(r"\s*<meta charset=[\"']?[\w-]+[\"']?\s*/?>", re.I)

#: The theme's inline click handlers and what they become (see wres.book.sphinx_safety).
HANDLER_REWRITES = {
    'onclick="window.print()"': 'data-wres-action="print"',
    'onclick="toggleFullScreen()"': 'data-wres-action="fullscreen"',
}

#: Exact forms of the inline scripts that Sphinx 7.4, pydata-sphinx-theme 0.17,
#: sphinx-book-theme 1.3, sphinx-togglebutton, myst-nb and sphinx.ext.mathjax emit.
#: Anything else inline is reported and gets no hash, so the browser refuses to run it.
INLINE_SCRIPT_FORMS = (
    re.compile(
        r'\s*document\.documentElement\.dataset\.mode = localStorage\.getItem\("mode"\) \|\| "\w*";'
        r'\s*document\.documentElement\.dataset\.theme = localStorage\.getItem\("theme"\) \|\| "\w*";\s*'
    ),
    re.compile(r"let toggle(?:HintShow|HintHide) = '[\w .]*';"),
    re.compile(r"let toggleOpenOnPrint = '(?:true|false)';"),
    re.compile(r"var togglebuttonSelector = '\.toggle, \.admonition\.dropdown';"),
    re.compile(r"DOCUMENTATION_OPTIONS\.pagename = '[\w./-]*';"),
    re.compile(r"DOCUMENTATION_OPTIONS\.search_as_you_type = (?:true|false);"),
    re.compile(r"kernelName = '\w+'"),
    re.compile(
        r"\s*// Activate the search field on page load\s*"
        r'let searchInput = document\.querySelector\("form\.bd-search input"\);\s*'
        r"if \(searchInput\) \{\s*searchInput\.focus\(\);\s*searchInput\.select\(\);\s*"
        r'console\.log\("\[PST\]: Set focus on search field\."\);\s*\}\s*'
    ),
)
MATHJAX_CONFIG_PREFIX = "window.MathJax = "

#: Non-executable script types the book writes: the charts' data blocks, the theme's thebe config.
CHART_DATA_TYPE = "application/json"
CHART_DATA_CLASS = "wres-chart-spec"
THEBE_CONFIG_TYPE = "text/x-thebe-config"
JS_TYPES = {
    "",
    "text/javascript",
    "application/javascript",
    "module",
    "text/ecmascript",
    "application/ecmascript",
    "text/jscript",
    "text/livescript",
}

#: <link rel> values that only name another page (no request is made for them).
NAVIGATION_RELS = {
    "index",
    "search",
    "next",
    "prev",
    "previous",
    "author",
    "license",
    "help",
    "alternate",
    "canonical",
    "copyright",
    "glossary",
    "bookmark",
    "nofollow",
    "noopener",
    "noreferrer",
    "first",
    "last",
    "up",
    "contents",
    "top",
}
URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
    "ping",
    "longdesc",
    "manifest",
    "codebase",
    "icon",
    "srcset",
}
EMBEDDING_ELEMENTS = {"base", "iframe", "frame", "object", "embed", "applet"}
LOADING_ELEMENTS = {
    "script",
    "link",
    "style",
    "img",
    "iframe",
    "object",
    "embed",
    "video",
    "audio",
    "source",
    "image",
    "use",
    "input",
    "track",
    "picture",
    "svg",
}
CSS_URL_RE = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s+(["'])(.*?)\3""", re.I | re.S)


@dataclass(frozen=True)
class Finding:
    """One thing on a page the book did not put there."""

    page: str
    element: str
    attribute: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"<{self.element}{' ' + self.attribute if self.attribute else ''}>"
        return f"{self.page}: {where} {self.reason}: {self.value[:200]!r}"


# --------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------
def _squash(value: str) -> str:
    # Browsers drop ASCII tab/newline/control characters inside URLs: "java\tscript:" runs.
    return re.sub(r"[\x00-\x20]+", "", value).lower()


def is_script_url(value: str) -> bool:
    return _squash(value).startswith(("javascript:", "vbscript:"))


def is_local(url: str, *, allow_data: bool = False) -> bool:
    """True for a URL on this site: relative, absolute-path or fragment (no scheme, no host)."""
    squashed = _squash(url)
    if squashed.startswith("data:"):
        return allow_data
    if squashed.startswith("//") or squashed.startswith("\\\\") or squashed.startswith("/\\"):
        return False
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc


def _srcset_urls(value: str) -> list[str]:
    return [item.strip().split()[0] for item in value.split(",") if item.strip()]


def css_urls(text: str) -> list[str]:
    """Every ``url(...)`` and ``@import "..."`` target in a piece of CSS."""
    return [(m.group(2) if m.group(2) is not None else m.group(4)) or "" for m in CSS_URL_RE.finditer(text)]


def _resolve(page: str, url: str) -> str:
    """Site-relative POSIX path of a local URL seen on ``page``."""
    path = unquote(urlsplit(url).path)
    base = "" if path.startswith("/") else page.rsplit("/", 1)[0] if "/" in page else ""
    return normpath(f"{base}/{path}".lstrip("/"))


# --------------------------------------------------------------------------
# Inline scripts and the policy
# --------------------------------------------------------------------------
def is_known_inline_script(text: str) -> bool:
    """True if ``text`` is one of the exact inline scripts the book and its theme emit."""
    if any(form.fullmatch(text) for form in INLINE_SCRIPT_FORMS):
        return True
    if text.startswith(MATHJAX_CONFIG_PREFIX):
        try:
            return isinstance(json.loads(text[len(MATHJAX_CONFIG_PREFIX) :]), dict)
        except ValueError:
            return False
    return False


def script_hash(text: str) -> str:
    """CSP source expression ``'sha256-<base64>'`` of an inline script's text (UTF-8)."""
    digest = hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(hashes: list[str] | tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of a page whose allowed inline scripts have ``hashes``."""
    script_src = " ".join(["'self'", *sorted(set(hashes))])
    return (
        "default-src 'self'; "
        f"script-src {script_src}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


# --------------------------------------------------------------------------
# Parsing a page
# --------------------------------------------------------------------------
@dataclass
class _Script:
    attrs: dict
    parents: tuple
    text: str = ""


class _PageParser(HTMLParser):
    """Collects scripts, attributes and inline CSS of one page, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[_Script] = []
        self.styles: list[str] = []
        self.csp_index: int | None = None
        self._script: _Script | None = None
        self._style: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {k.lower(): (v or "") for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "content-security-policy":
            if self.csp_index is None:
                self.csp_index = len(self.elements) - 1
        if tag == "script":
            self._script = _Script(attributes, tuple(self.stack))
        elif tag == "style":
            self._style = []
        if tag not in {
            "meta",
            "link",
            "img",
            "br",
            "hr",
            "input",
            "source",
            "track",
            "wbr",
            "area",
            "base",
            "col",
            "embed",
            "param",
        }:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None
        elif tag == "style" and self._style is not None:
            self.styles.append("".join(self._style))
            self._style = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script.text += data
        elif self._style is not None:
            self._style.append(data)


def _parse(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


# --------------------------------------------------------------------------
# Scanning
# --------------------------------------------------------------------------
def allowed_script_files(html_dir: Path) -> frozenset[str]:
    """Site-relative paths of the script files the build shipped: every ``.js`` under
    ``_static`` (Sphinx, the theme, extensions, the vendored Vega and MathJax) and
    ``searchindex.js``."""
    html_dir = Path(html_dir)
    files = {p.relative_to(html_dir).as_posix() for p in (html_dir / "_static").rglob("*.js") if p.is_file()}
    if (html_dir / "searchindex.js").is_file():
        files.add("searchindex.js")
    return frozenset(files)


def _is_chart_data(script: _Script) -> bool:
    classes = script.attrs.get("class", "").split()
    parent_classes = script.parents[-1][1].get("class", "").split() if script.parents else []
    return CHART_DATA_CLASS in classes and "wres-chart" in parent_classes and not script.attrs.get("src")


def _scan_script(page: str, script: _Script, allowed: frozenset[str]) -> list[Finding]:
    kind = script.attrs.get("type", "").strip().lower()
    src = script.attrs.get("src")
    if kind not in JS_TYPES:
        if kind == CHART_DATA_TYPE and _is_chart_data(script):
            return []
        if kind == THEBE_CONFIG_TYPE and not src:
            return []
        return [Finding(page, "script", "type", kind, "script of an unknown type")]
    if src is not None:
        if not is_local(src) or _resolve(page, src) not in allowed:
            return [Finding(page, "script", "src", src, "script file the build did not ship")]
        if script.text.strip():
            return [Finding(page, "script", "", script.text, "script with both src and inline text")]
        return []
    if not is_known_inline_script(script.text):
        return [Finding(page, "script", "", script.text, "inline script the book did not write")]
    return []


def _scan_attributes(page: str, tag: str, attrs: dict) -> list[Finding]:
    out = []
    if tag in EMBEDDING_ELEMENTS:
        out.append(
            Finding(
                page,
                tag,
                "",
                " ".join(f"{k}={v}" for k, v in attrs.items()),
                "element that embeds or redirects content",
            )
        )
    for name, value in attrs.items():
        if name.startswith("on"):
            out.append(Finding(page, tag, name, value, "event-handler attribute"))
        elif name == "srcdoc":
            out.append(Finding(page, tag, name, value, "inline document"))
        elif name in URL_ATTRS and is_script_url(value):
            out.append(Finding(page, tag, name, value, "javascript: URL"))
        elif name == "style":
            out += [
                Finding(page, tag, name, url, "CSS loads a resource from outside the site")
                for url in css_urls(value)
                if not is_local(url, allow_data=True)
            ]
    for name, url in _resource_urls(tag, attrs):
        if not is_local(url, allow_data=tag in {"img", "source", "image", "picture"}):
            out.append(Finding(page, tag, name, url, "resource loaded from outside the site"))
    return out


def _resource_urls(tag: str, attrs: dict) -> list[tuple[str, str]]:
    """(attribute, URL) pairs of ``tag`` that make the browser fetch something."""
    urls = []
    for name in ("src", "poster", "data", "ping", "background", "manifest", "codebase", "formaction"):
        if name in attrs and not (tag == "script" and name == "src"):
            urls += [(name, u) for u in attrs[name].split()] if name == "ping" else [(name, attrs[name])]
    if "srcset" in attrs:
        urls += [("srcset", u) for u in _srcset_urls(attrs["srcset"])]
    if tag == "link" and "href" in attrs:
        rels = set(attrs.get("rel", "").lower().split())
        if not rels or not rels <= NAVIGATION_RELS:
            urls.append(("href", attrs["href"]))
    if tag not in {"a", "area", "link", "base"}:
        urls += [(n, attrs[n]) for n in ("href", "xlink:href") if n in attrs]
    if tag == "form" and "action" in attrs:
        urls.append(("action", attrs["action"]))
    if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
        target = re.sub(r"^\s*\d+\s*[;,]?\s*(url\s*=\s*)?", "", attrs.get("content", ""), flags=re.I)
        if target:
            urls.append(("content", target.strip("'\" ")))
    return urls


def _scan_csp_position(page: str, parser: _PageParser) -> list[Finding]:
    if parser.csp_index is None:
        return [Finding(page, "head", "", "", "no Content-Security-Policy meta element")]
    early = [tag for tag, _ in parser.elements[: parser.csp_index] if tag in LOADING_ELEMENTS]
    if early:
        return [
            Finding(
                page,
                "meta",
                "http-equiv",
                ", ".join(early),
                "Content-Security-Policy comes after elements it should cover",
            )
        ]
    return []


def scan_page(
    html_dir: Path, page: str, allowed: frozenset[str] | None = None, *, require_csp: bool = True
) -> list[Finding]:
    """Findings for one page (``page`` is its path relative to ``html_dir``)."""
    html_dir = Path(html_dir)
    allowed = allowed_script_files(html_dir) if allowed is None else allowed
    parser = _parse((html_dir / page).read_text(encoding="utf-8", errors="replace"))
    out = []
    for tag, attrs in parser.elements:
        out += _scan_attributes(page, tag, attrs)
    for script in parser.scripts:
        out += _scan_script(page, script, allowed)
    for css in parser.styles:
        out += [
            Finding(page, "style", "", url, "CSS loads a resource from outside the site")
            for url in css_urls(css)
            if not is_local(url, allow_data=True)
        ]
    if require_csp:
        out += _scan_csp_position(page, parser)
    return out


def _scan_css_files(html_dir: Path) -> list[Finding]:
    out = []
    for css in sorted(html_dir.rglob("*.css")):
        rel = css.relative_to(html_dir).as_posix()
        for url in css_urls(css.read_text(encoding="utf-8", errors="replace")):
            if not is_local(url, allow_data=True):
                out.append(Finding(rel, "css", "url", url, "CSS loads a resource from outside the site"))
    return out


def _scan_search_index(html_dir: Path) -> list[Finding]:
    index = html_dir / "searchindex.js"
    if not index.is_file():
        return []
    text = index.read_text(encoding="utf-8")
    try:
        data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    except ValueError:
        return [Finding("searchindex.js", "script", "", text[:200], "search index is not Search.setIndex(JSON)")]
    return [
        Finding(
            "searchindex.js",
            "script",
            "alltitles",
            title,
            "section title with raw markup (search results show it with innerHTML)",
        )
        for title in data.get("alltitles", {})
        if "<" in title
    ]


def site_pages(html_dir: Path) -> list[str]:
    """Every ``.html`` page of the site, as a POSIX path relative to ``html_dir``.

    HTML files under ``_static`` are the themes' Jinja macro files copied with their assets
    (``webpack-macros.html``), never pages of the book, and are left out.
    """
    html_dir = Path(html_dir)
    pages = (p.relative_to(html_dir) for p in html_dir.rglob("*.html") if p.is_file())
    return sorted(p.as_posix() for p in pages if p.parts[0] != "_static")


def scan_site(html_dir: Path, *, require_csp: bool = True) -> list[Finding]:
    """Every finding on every page, in the CSS files and in the search index."""
    html_dir = Path(html_dir)
    allowed = allowed_script_files(html_dir)
    out = []
    for page in site_pages(html_dir):
        out += scan_page(html_dir, page, allowed, require_csp=require_csp)
    return out + _scan_css_files(html_dir) + _scan_search_index(html_dir)


# --------------------------------------------------------------------------
# Writing the policy
# --------------------------------------------------------------------------
def page_policy(text: str) -> str:
    """The policy for a page: hashes of its inline scripts that match the allowed forms."""
    parser = _parse(text)
    hashes = [
        script_hash(s.text)
        for s in parser.scripts
        if s.attrs.get("type", "").strip().lower() in JS_TYPES
        and "src" not in s.attrs
        and is_known_inline_script(s.text)
    ]
    return policy(hashes)


def with_csp(text: str) -> str:
    """``text`` (a whole page) with the theme's click handlers rewritten and the policy meta
    first in ``<head>`` (after ``<meta charset>``), replacing any earlier one."""
    for old, new in HANDLER_REWRITES.items():
        text = text.replace(old, new)
    text = CSP_META_RE.sub("", text)
    content = html.escape(page_policy(text), quote=False).replace('"', "&quot;")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}" />'
    head = HEAD_RE.search(text)
    if head is None:  # e.g. Sphinx's redirect page: a bare <meta http-equiv="Refresh">
        return f"{meta}\n{text}"
    at = head.end()
    charset = CHARSET_RE.match(text, at)
    if charset:
        at = charset.end()
    return f"{text[:at]}\n    {meta}{text[at:]}"


def apply_csp(html_dir: Path) -> int:
    """Write the policy into every page of ``html_dir``; returns how many pages changed."""
    changed = 0
    for page in site_pages(html_dir):
        path = Path(html_dir) / page
        old = path.read_text(encoding="utf-8")
        new = with_csp(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def secure_site(html_dir: Path) -> list[Finding]:
    """:func:`apply_csp` then :func:`scan_site`: the one call the build makes before publishing."""
    apply_csp(html_dir)
    return scan_site(html_dir)


def main(argv: list[str] | None = None) -> int:
    """``python -m wres.book.safety_scan HTML_DIR [--scan-only]``: exit status 1 on any finding."""
    args = list(sys.argv[1:] if argv is None else argv)
    scan_only = "--scan-only" in args
    folder = Path(next(a for a in args if not a.startswith("--")))
    findings = scan_site(folder) if scan_only else secure_site(folder)
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
