"""Link check of the cited sources: does each web address in the sources file still answer?

The book cites about thirty third-party pages (``data/raw/published/wres_sources.csv``);
pages move and vanish. ``wres linkcheck`` asks each address once (HEAD, then GET where a
server refuses HEAD) and reports its status. It is a report, never part of the build: with
no network every address is reported unreachable and the command still exits 0 (``--strict``
makes any address that does not answer 2xx/3xx an error, for a scheduled job that has the
network). Nothing can hang: each request has a short timeout, and the whole check a deadline
after which an address still waiting (a name lookup, which no socket timeout covers) is
reported as not answering.
"""

from __future__ import annotations

import csv
import http.client
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

#: Some servers refuse a request without a browser-like agent; this one says who asks.
USER_AGENT = "wres-linkcheck/1 (checks that a cited source page still exists)"
#: Statuses that mean "this server does not do HEAD", so the page is asked for with GET.
_NO_HEAD = {403, 405, 501}


@dataclass(frozen=True)
class LinkStatus:
    url: str
    #: The HTTP status of the last answer (after redirects); None when nothing answered.
    status: int | None
    #: The status's reason ("OK", "Not Found") or why nothing answered.
    detail: str

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    def describe(self) -> str:
        return f"{self.status} {self.detail}" if self.status is not None else f"unreachable ({self.detail})"


def source_urls(sources_csv: Path) -> list[str]:
    """The distinct http(s) addresses in the sources file's ``source`` column, in file order
    (ValueError for a file that is not such a CSV)."""
    try:
        with sources_csv.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if "source" not in (reader.fieldnames or []):
                raise ValueError("it has no 'source' column")
            found = [(row.get("source") or "").strip() for row in reader]
    except csv.Error as err:
        raise ValueError(str(err)) from err
    return list(dict.fromkeys(u for u in found if u.lower().startswith(("http://", "https://"))))


def _ask(url: str, method: str, timeout: float) -> LinkStatus:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return LinkStatus(url, answer.status, answer.reason or "")
    except urllib.error.HTTPError as err:
        return LinkStatus(url, err.code, str(err.reason or ""))
    except urllib.error.URLError as err:
        return LinkStatus(url, None, str(err.reason))
    except (OSError, http.client.HTTPException, ValueError) as err:  # timeouts, resets, bad addresses
        return LinkStatus(url, None, str(err) or type(err).__name__)


def check(url: str, timeout: float = 10.0) -> LinkStatus:
    """The status of one address."""
    first = _ask(url, "HEAD", timeout)
    if first.status in _NO_HEAD:
        return _ask(url, "GET", timeout)
    return first


def check_all(urls: list[str], timeout: float = 10.0) -> list[LinkStatus]:
    """Every address's status, asked in parallel, in the order given; done within about
    three timeouts (HEAD, GET, one more for a slow name lookup) whatever the network does."""
    results: dict[str, LinkStatus] = {}
    # Daemon threads: one stuck in a name lookup cannot keep the command from exiting.
    threads = [
        threading.Thread(target=lambda u=u: results.__setitem__(u, check(u, timeout)), daemon=True) for u in urls
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 3 * timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return [results.get(u) or LinkStatus(u, None, f"no answer within {3 * timeout:g} s") for u in urls]
