"""Power of the board representation test against a fivefold shortfall (issue 16), worked
out by hand for small boards."""

from __future__ import annotations

import pytest

from wres.stats.representation_power import lower_flagged, min_size_for_power, shortfall_power


def test_a_board_of_five_can_never_be_flagged_at_a_quarter_share():
    # P(X = 0 | 5, 0.25) = 0.75^5 = 0.237: even no minority member is not unusual.
    assert not lower_flagged(5, 0.25).any()
    assert shortfall_power(5, 0.25) == 0.0


def test_a_board_of_twelve_by_hand():
    # P(X = 0 | 12, 0.25) = 0.75^12 = 0.0317; mid-p lower tail 0.0158 < 0.025: flagged.
    # P(X <= 1) - P(X = 1)/2 = 0.0317 + 0.0634 = 0.095 > 0.025: one member is not.
    flagged = lower_flagged(12, 0.25)
    assert flagged[0] and not flagged[1:].any()
    # Power against a true share of 0.05: P(X = 0 | 12, 0.05) = 0.95^12 = 0.540.
    assert shortfall_power(12, 0.25) == pytest.approx(0.95**12)
    # The exact tail (0.0317 >= 0.025) never flags at twelve.
    assert shortfall_power(12, 0.25, mid_p=False) == 0.0


def test_minimum_size_for_half_power():
    # Board of 11: P(X = 0 | 11, .25) = 0.0422, mid-p 0.0211 < 0.025, power 0.95^11 = 0.569;
    # board of 10: 0.0563 / 2 = 0.028 > 0.025, so nothing is flagged: 11 is the first.
    assert min_size_for_power(0.25) == 11
    # A smaller workforce share needs a larger board.
    assert min_size_for_power(0.10) > min_size_for_power(0.25)
