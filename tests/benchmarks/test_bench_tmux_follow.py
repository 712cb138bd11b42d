"""The terminal case's worker drives programs through tmux and reads their screens back.

No timing is asserted: what is protected is that keys sent with ``tmux send-keys`` are seen on
screens read with ``tmux capture-pane`` (for logtui, and for lnav where installed) and that a
missing lnav is reported instead of crashing the case.
"""

from __future__ import annotations

import shutil

import pytest

from benchmarks.measure import run_worker


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.timeout(120)
def test_keys_sent_through_tmux_reach_logtuis_screen_and_lnavs() -> None:
    result = run_worker("tmux_follow", ["1", "1000"], timeout=110)
    ours = result["logtui"]
    assert ours["key_samples"] >= 1, ours
    assert ours["behind_after_1s"] < 1000, ours  # it follows the stream
    lnav = result["lnav"]
    if shutil.which("lnav") is None:
        assert lnav == {"error": "lnav is not installed"}
    else:
        assert lnav["key_samples"] >= 1, lnav
