"""The preview's server (wres.book.preview_session): a page being rewritten in place is
served whole, as it stood before or after the write, never cut."""

from __future__ import annotations

import http.client
import os
import threading
import time
import urllib.request

from wres.book.preview_session import serve, settled_bytes

OLD = b"<html>" + b"o" * 150_000 + b"</html>"
NEW = b"<html>" + b"n" * 90_000 + b"</html>"


def _rewrite_in_place(path, stop: threading.Event) -> int:
    """Truncate and write in four pieces, as a slow in-place writer would; then pause."""
    n = 0
    while not stop.is_set():
        body = NEW if n % 2 == 0 else OLD
        with open(path, "wb") as f:
            for i in range(4):
                f.write(body[i * len(body) // 4 : (i + 1) * len(body) // 4])
                f.flush()
                os.fsync(f.fileno())
                time.sleep(0.005)
        n += 1
        time.sleep(0.15)
    return n


def test_a_page_rewritten_while_requested_is_always_served_whole(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(OLD)
    server = serve(tmp_path, 0)
    url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
    stop = threading.Event()
    writer = threading.Thread(target=_rewrite_in_place, args=(page, stop))
    writer.start()
    bodies, cut = [], []
    try:
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    bodies.append(r.read())
            except http.client.IncompleteRead as exc:
                cut.append(len(exc.partial))
    finally:
        stop.set()
        writer.join()
        server.shutdown()
        server.server_close()
    assert cut == []
    assert len(bodies) >= 5
    assert {len(b) for b in bodies if b not in (OLD, NEW)} == set()
    # Both versions were served over the two seconds: the requests did meet the rewrites.
    assert OLD in bodies and NEW in bodies


def test_a_quiet_file_is_read_at_once(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(OLD)
    old = time.time() - 60
    os.utime(page, (old, old))
    start = time.monotonic()
    assert settled_bytes(page) == OLD
    assert time.monotonic() - start < 0.05
