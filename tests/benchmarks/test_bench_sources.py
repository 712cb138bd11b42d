"""The several-sources case runs end to end and its figures are plausible.

No timing target is asserted (CI machines are noisy); what is protected is that the servers
number and time their entries so that lag can be read off the screen across sources, that both
apps see every server's stream, that each figure is in a plausible range, and that the table
judges the key figure against the baseline as "at most 1.5x".
"""

from __future__ import annotations

import json
import math

import httpx
import pytest

from benchmarks.cases.sources import rows_from
from benchmarks.measure import run_worker
from benchmarks.report import Row, Target
from benchmarks.workers.server_fleet import TOKEN, ServerFleet


def _first_payloads(url: str, count: int) -> list[dict[str, object]]:
    payloads: list[dict[str, object]] = []
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with (
        httpx.Client(timeout=10) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("data: "):
                payloads.append(json.loads(line[6:]))
                if len(payloads) == count:
                    break
    return payloads


@pytest.mark.timeout(60)
def test_servers_number_entries_across_sources_and_stamp_the_same_moment_alike() -> None:
    with ServerFleet(2, 1_000, 1, pool=100) as servers:
        servers.go()
        first, second = (_first_payloads(url, 5) for url in servers.stream_urls)
        servers.stop()
        arrivals = servers.arrivals
    assert [p["url"] for p in first] == [f"/v1/orders/{2 * i}" for i in range(5)]
    assert [p["url"] for p in second] == [f"/v1/orders/{2 * i + 1}" for i in range(5)]
    assert [p["tsMs"] for p in first] == [p["tsMs"] for p in second]
    assert [int(str(p["tsMs"])) - int(str(first[0]["tsMs"])) for p in first] == [0, 1, 2, 3, 4]
    assert len(arrivals) >= 10  # a send time for each number, as far as both servers got


@pytest.mark.timeout(120)
def test_quick_run_measures_both_apps_over_three_sources() -> None:
    result = run_worker("sources", ["3", "500", "3", "2000"], timeout=110)
    for side in ("logtui", "baseline"):
        figures = result[side]
        assert 3 * 500 * 2 <= figures["pushed"] <= 3 * 500 * 4, figures["pushed"]
        assert figures["lag_samples"] > 1000, side
        assert 0 < figures["lag_p50"] <= figures["lag_p95"] < 10, side
        assert figures["key_samples"] >= 1 and figures["keys_missed"] == 0, side
        assert 0 < figures["cpu_percent"] < 250, side
    assert isinstance(result["logtui"]["late"], int) and result["logtui"]["late"] >= 0
    assert result["baseline"]["late"] is None
    rows = rows_from(result, "3 x 500/s for 3 s")
    assert all(row.ours is not None and not math.isnan(row.ours) for row in rows)
    assert {row.verdict for row in rows} <= {"pass", "FAIL", "info"}


def test_key_figure_passes_at_up_to_one_and_a_half_times_the_baseline() -> None:
    target = Target("ratio_max", 1.5, "<= 1.5x")
    within = Row("3", "key", "s", "lower", ours=0.06, baseline=0.04, target=target)
    beyond = Row("3", "key", "s", "lower", ours=0.07, baseline=0.04, target=target)
    assert (within.verdict, beyond.verdict) == ("pass", "FAIL")
