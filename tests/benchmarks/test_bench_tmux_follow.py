"""The terminal case's worker drives programs through tmux and reads their screens back.

No timing is asserted: what is protected is that keys sent with ``tmux send-keys`` are seen on
screens read with ``tmux capture-pane`` (for logtui, for the ``Log`` app on the same stream,
and for lnav where installed), that each follows what it is fed, and that a missing lnav is
reported instead of crashing the case.
"""

from __future__ import annotations

import shutil

import pytest

from benchmarks.measure import run_worker


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.timeout(120)
def test_keys_sent_through_tmux_reach_the_screens_of_logtui_the_log_app_and_lnav() -> None:
    result = run_worker("tmux_follow", ["0.5", "1000"], timeout=110)
    for side in (result["logtui"], result["log_app"]):
        assert side["key_samples"] >= 1 and side["keys_missed"] == 0, side
        assert side["behind_after_1s"] < 1000, side  # it follows the stream
        assert side["written_per_second"] > 0 and side["writes_per_second"] > 0, side
    lnav = result["lnav"]
    if shutil.which("lnav") is None:
        assert lnav == {"error": "lnav is not installed"}
    else:
        assert lnav["key_samples"] >= 1, lnav


def test_runs_of_one_program_pool_their_key_latencies_and_keep_the_worst_lag() -> None:
    from benchmarks.workers.tmux_follow import _merged

    first = {"behind_after_1s": 3, "cpu_following_percent": 10.0, "key_p50": 0.01,
             "key_p95": 0.01, "key_samples": 1, "keys_missed": 0, "cpu_percent": 20.0,
             "written_per_second": 1000.0, "writes_per_second": 10.0, "latencies": [0.01]}
    second = dict(first, behind_after_1s=7, cpu_percent=40.0, keys_missed=1,
                  written_per_second=3000.0, latencies=[0.02, 0.09])
    merged = _merged([first, second])
    assert merged["latencies"] == [0.01, 0.02, 0.09] and merged["key_samples"] == 3
    assert merged["key_p95"] == 0.09 and merged["keys_missed"] == 1
    assert (merged["behind_after_1s"], merged["cpu_percent"]) == (7, 30.0)
    assert (merged["written_per_second"], merged["writes_per_second"]) == (2000.0, 10.0)
    assert _merged([first, {"error": "RuntimeError: never connected"}]) == {
        "error": "RuntimeError: never connected"}
