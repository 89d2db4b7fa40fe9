"""Which demo profiles the reader audit takes (conftest.profile_sample), and the setting that
takes them all."""

from __future__ import annotations

from .conftest import PROFILES, profile_sample

PAGES = ("book/intro.html", *(f"{PROFILES}ZZ{i:03d}.html" for i in range(1, 21)), "index.html")


def test_the_audit_takes_every_other_page_and_three_profiles(monkeypatch):
    monkeypatch.delenv("WRES_AUDIT_ALL_PROFILES", raising=False)
    taken = profile_sample(PAGES)
    assert taken == (
        "book/intro.html",
        f"{PROFILES}ZZ001.html",
        f"{PROFILES}ZZ011.html",
        f"{PROFILES}ZZ020.html",
        "index.html",
    )


def test_the_setting_takes_every_profile(monkeypatch):
    monkeypatch.setenv("WRES_AUDIT_ALL_PROFILES", "1")
    assert profile_sample(PAGES) == PAGES
