"""The sources' link check (wres.inputs.linkcheck, ``wres linkcheck``) reports each address's
status and, with no network, reports every address unreachable without failing or hanging
(issue 20). All addresses here are on this machine or unroutable: the test needs no network."""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest
from typer.testing import CliRunner

from wres.cli import app
from wres.inputs.linkcheck import check_all, source_urls

# TEST-NET-1 (RFC 5737): documentation only, never routed, so a connection there can only time out.
UNROUTABLE = "http://192.0.2.1/wres-report"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response({"/page": 200, "/moved": 301}.get(self.path, 404))
            if self.path == "/moved":
                self.send_header("Location", "/page")
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/page", "/no-head") else 404)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"  # nothing listens there any more: refused at once


def test_each_address_gets_its_own_status(server):
    urls = [f"{server}/page", f"{server}/missing", f"{server}/no-head", f"{server}/moved", closed_port_url()]
    got = check_all(urls, timeout=2)
    assert [s.url for s in got] == urls
    assert [s.status for s in got] == [200, 404, 200, 200, None]
    assert [s.ok for s in got] == [True, False, True, True, False]
    assert got[1].describe() == "404 Not Found"
    assert got[4].describe().startswith("unreachable (") and "refused" in got[4].describe().lower()


def test_an_address_that_never_answers_is_reported_unreachable_within_the_timeout():
    # A server that takes the connection and never answers: the worst case for a hang.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        start = time.monotonic()
        got = check_all([f"http://127.0.0.1:{silent.getsockname()[1]}/", UNROUTABLE], timeout=0.5)
        took = time.monotonic() - start
    assert [s.status for s in got] == [None, None]
    assert "timed out" in got[0].detail
    assert 0.4 < took < 2.0


def test_the_addresses_are_those_of_the_sources_file(root):
    lines = (root / "data" / "raw" / "published" / "wres_sources.csv").read_text(encoding="utf-8").splitlines()
    # One source per line after the header, each line starting with its address.
    expected = [line.split(",")[0] for line in lines[1:] if line.startswith("http")]
    assert len(expected) == len(lines) - 1 == 33
    assert source_urls(root / "data" / "raw" / "published" / "wres_sources.csv") == expected


def test_offline_the_command_reports_and_exits_0_unless_strict(tmp_path, server):
    sources = tmp_path / "sources.csv"
    sources.write_text(
        "source,publisher\n"
        f"{closed_port_url()},A\n{UNROUTABLE},B\n{UNROUTABLE},B again\nnot an address,C\n{server}/page,D\n"
    )
    runner = CliRunner()
    res = runner.invoke(app, ["linkcheck", "--sources", str(sources), "--timeout", "0.5"])
    assert res.exit_code == 0, res.output
    lines = [line for line in res.output.splitlines() if "http" in line]
    assert len(lines) == 3  # each address once; a cell that is not an address is not asked
    assert lines[0].startswith("FAIL  unreachable (") and lines[1].startswith("FAIL  unreachable (")
    assert lines[2].startswith("ok    200 OK")
    assert "1 of 3 addresses in sources.csv answered." in res.output
    strict = runner.invoke(app, ["linkcheck", "--sources", str(sources), "--timeout", "0.5", "--strict"])
    assert strict.exit_code == 1


def test_a_file_without_a_source_column_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("url\nhttp://example.org\n")
    res = CliRunner().invoke(app, ["linkcheck", "--sources", str(bad)])
    assert res.exit_code == 2
    assert "x.csv" in res.output and "no 'source' column" in res.output
