"""Case 3 over several sources: three proxy-logs servers at 3,000 entries/s each, one dashboard.

Three paced servers (a process of their own, so their threads cost the measured process
nothing) each send 3,000 entries/s for 20 s (4 s in --quick) over loopback into the dashboard
over several sources: one real stream engine per server, the merge in event-time order, the
real app in ``App.run_test()`` at 120x40 (see :mod:`benchmarks.workers.sources`). Display lag
p95 (sent by a server to on screen) under 1 s with no growing backlog; key-to-screen p95 under
100 ms and at most 1.5x the baseline's: the sustained case's Textual ``Log`` app reading the same
three streams with one httpx-sse loop each, into one queue.
"""

from __future__ import annotations

import math
from typing import Any, Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, run_worker
from benchmarks.report import Better, Row, Target, unavailable

CASE: Final = "3 sources"
SOURCES: Final = 3
RATE: Final = 3_000
"""Entries per second from each source."""


def _number(side: dict[str, Any], key: str) -> float | None:
    value = side.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _backlog_target(ours: dict[str, Any]) -> Target:
    """Growing means the last third's backlog rose past both the first third's and a second
    of entries (the sustained case's rule)."""
    limit = max(float(ours["backlog_first_third"]), float(SOURCES * RATE)) + 1
    return Target("max", limit, "no growing backlog")


def rows_from(result: dict[str, Any], label: str) -> list[Row]:
    """The table's rows from the worker's result (both sides)."""
    ours, theirs = result["logtui"], result["baseline"]
    figures: list[tuple[str, str, str, Better, Target | None]] = [
        ("lag_p95", f"display lag p95, {label}", "s", "lower", Target("max", 1.0, "< 1 s")),
        ("backlog_last_third", "backlog, last third (max)", "entries", "lower",
         _backlog_target(ours)),
        ("key_p50", "key to screen p50", "s", "lower", None),
        ("key_p95", "key to screen p95", "s", "lower", Target("max", 0.1, "< 100 ms")),
        ("key_p95", "key to screen p95 against the Log app", "s", "lower",
         Target("ratio_max", 1.5, "<= 1.5x")),
        ("cpu_percent", "CPU (UI, engines, merge)", "% core", "lower", None),
        ("late", "entries the merge marked late", "entries", "lower", None),
    ]
    rows = [
        Row(case=CASE, figure=figure, unit=unit, better=better,
            ours=_number(ours, key), baseline=_number(theirs, key),
            baseline_name="Log app on 3 httpx-sse loops", target=target)
        for key, figure, unit, better, target in figures
    ]
    rows[0].note = (
        f"sent by a server to on screen; p50 {ours['lag_p50']:.3f} s, max {ours['lag_max']:.3f} s "
        f"over {ours['lag_samples']} entries (p95 {ours['lag_steady_p95']:.3f} s before the "
        f"keys, {ours['lag_after_keys_p95']:.3f} s after); achieved "
        f"{ours['rate_achieved']:.0f}/s (baseline {theirs['rate_achieved']:.0f}/s)"
    )
    rows[1].note = (
        f"first third max {ours['backlog_first_third']}, at end {ours['backlog_end']} "
        f"(baseline {theirs['backlog_first_third']} / {theirs['backlog_last_third']})"
    )
    rows[3].note = (
        f"{ours['key_samples']} presses of space/f, {ours['keys_missed']} never shown "
        f"(baseline {theirs['key_samples']}, {theirs['keys_missed']})"
    )
    split = ", ".join(
        f"{name} {share:.0f}" for name, share in ours.get("cpu_percent_by_thread", {}).items()
    )
    rows[5].note = (
        f"this process (by thread: {split}); the servers run in another; "
        f"full GC passes {ours['gc_full_passes']}, "
        f"longest {ours['gc_full_max']:.3f} s (baseline {theirs['gc_full_passes']}, "
        f"{theirs['gc_full_max']:.3f} s)"
    )
    rows[6].note = "an entry later than one already shown from another source; none expected"
    return rows


def run(ctx: RunContext) -> list[Row]:
    """Lag, backlog, key latency, CPU and the merge's late count over three sources."""
    seconds = ctx.seconds(20, 4)
    label = f"{SOURCES} x {RATE // 1000}k/s for {seconds:.0f} s"
    try:
        result = run_worker(
            "sources", [str(seconds), str(RATE), str(SOURCES)], timeout=120 + 4 * seconds
        )
    except NotAvailable as error:
        return [unavailable(CASE, f"display lag p95, {label}", "s", "lower", str(error))]
    ctx.extras["sources_details"] = result
    return rows_from(result, label)
