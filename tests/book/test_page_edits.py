"""Every written page is edited in one pass, by every registered edit in turn
(wres.book.page_edits)."""

from __future__ import annotations

from pathlib import Path

from wres.book.page_edits import edit_pages, register


class App:
    """What ``register`` uses of a Sphinx application: ``connect``."""

    def __init__(self):
        self.connected = []

    def connect(self, event, handler):
        self.connected.append(event)


def test_the_first_edit_connects_the_pass_once():
    app = App()
    register(app, lambda text, name: text)
    register(app, lambda text, name: text)
    assert app.connected == ["build-finished"]


def test_each_page_gets_every_edit_in_order_and_static_files_none(tmp_path: Path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "book" / "intro.html").write_text("a", encoding="utf-8")
    (tmp_path / "same.html").write_text("kept", encoding="utf-8")
    (tmp_path / "_static" / "vendor.html").write_text("a", encoding="utf-8")
    edits = [
        lambda text, name: text.replace("a", "A") + (f"|{name}" if "a" in text else ""),
        lambda text, name: text.replace("A", "B"),
    ]
    # Two pages: one changed by both edits in turn, one by neither (not rewritten).
    assert edit_pages(tmp_path, edits) == 1
    assert (tmp_path / "book" / "intro.html").read_text(encoding="utf-8") == "B|book/intro"
    assert (tmp_path / "same.html").read_text(encoding="utf-8") == "kept"
    assert (tmp_path / "_static" / "vendor.html").read_text(encoding="utf-8") == "a"
