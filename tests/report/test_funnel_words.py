"""Funnel sentences follow the model fitted to the page's data."""

from __future__ import annotations

from wres.stats.funnels import describe as funnel_model_words


def test_additive_fit_with_tau2_says_widened_and_gives_tau2():
    w = funnel_model_words(
        {"method": "additive", "tau2": 0.05, "phi": 2.1, "n_exact": 0, "n_orgs": 200, "transform": "log"}
    )
    assert "about 5% would lie outside the 95% limits by chance" in w
    assert "widened for real differences between organisations (τ² = 0.05 on the log scale" in w
    assert "no widening" not in w.lower()


def test_additive_fit_without_tau2_says_not_widened():
    w = funnel_model_words(
        {"method": "additive", "tau2": 0.0, "phi": 0.9, "n_exact": 3, "n_orgs": 40, "transform": "asin"}
    )
    assert "τ² = 0" in w and "not widened" in w and "3 organisations with few expected events" in w


def test_exact_and_funnelplotr_do_not_promise_five_percent():
    exact = funnel_model_words({"method": "exact_binomial", "tau2": float("nan"), "n_exact": 20, "n_orgs": 20})
    assert "at most about 5%" in exact
    fpr = funnel_model_words(
        {"method": "funnelplotr", "tau2": 0.01, "overdispersion": True, "n_orgs": 20, "transform": "log"}
    )
    assert "more than its stated 5%" in fpr
