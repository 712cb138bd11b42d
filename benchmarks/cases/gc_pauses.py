"""Case 3, garbage-collection pauses: the longest with a full buffer, under a stream and keys.

A full (generation 2) pass of Python's cyclic collector walks every tracked object; with
100,000 parsed entries held that took half a second, and a key pressed then waited for it. The
worker fills the dashboard's buffer (100,000 entries, or ``--buffer N``), streams 10,000
entries/s into it (so it keeps evicting) while pressing ``space``/``f`` after pauses of up to
2.5 s without input, and times every collector pass, young ones included, with
``gc.callbacks``. Target: no pause over 50 ms. Full runs repeat it with the dashboard's
collection policy stopped once the buffer is full: Python's own collector is the baseline.
Full runs without ``--buffer`` also hold 1,000,000 entries (the largest supported buffer),
filled as fast as the dashboard takes them, and measure the policy and then, the stream going
on, Python's own collector over that one fill.
"""

from __future__ import annotations

from typing import Any, Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, run_worker
from benchmarks.report import Row, Target, unavailable

CASE: Final = "3 gc pauses"
RATE: Final = 10_000
LARGE: Final = 1_000_000


def run(ctx: RunContext) -> list[Row]:
    """The longest collector pause, and key-to-screen latency in the same run."""
    buffer = ctx.buffer if ctx.buffer is not None else ctx.scale(100_000, 10_000)
    seconds = ctx.seconds(30, 3)
    figure = _figure(buffer, seconds)
    args = [str(seconds), str(RATE), str(buffer)]
    timeout = 300 + buffer / 1000
    try:
        result = run_worker("dashboard", ["gc-pauses", *args, "on"], timeout=timeout)
    except NotAvailable as error:
        return [unavailable(CASE, figure, "s", "lower", str(error))]
    ctx.extras["gc_pauses_details"] = result
    python: dict[str, Any] = {}
    if not ctx.quick:
        try:
            python = run_worker("dashboard", ["gc-pauses", *args, "off"], timeout=timeout)
        except NotAvailable as error:
            python = {"error": str(error)}
        ctx.extras["gc_pauses_python_details"] = python
    rows = _rows(buffer, seconds, result, python)
    if ctx.quick or ctx.buffer is not None:
        return rows
    args = [str(seconds), str(RATE), str(LARGE)]
    try:
        both = run_worker("dashboard", ["gc-pauses", *args, "both"],
                          timeout=300 + LARGE / 2000 + 2 * seconds)
    except NotAvailable as error:
        return [*rows, unavailable(CASE, _figure(LARGE, seconds), "s", "lower", str(error))]
    ctx.extras["gc_pauses_large_details"] = both
    note = f"filled in {both['fill_seconds']:.0f} s, RSS full {both['full_rss'] / 2**20:.0f} MB; "
    return [*rows, *_rows(LARGE, seconds, both["on"], both["off"], note)]


def _figure(buffer: int, seconds: float) -> str:
    return f"longest GC pause, {buffer:,} entries held, {RATE // 1000}k/s for {seconds:.0f} s"


def _rows(
    buffer: int, seconds: float, result: dict[str, Any], python: dict[str, Any], note: str = ""
) -> list[Row]:
    """The pause and key rows of one buffer size, ours beside Python's own when measured."""
    figure = _figure(buffer, seconds)
    name = "Python's own collector" if "gc_max" in python else ""
    return [
        Row(
            case=CASE,
            figure=figure,
            unit="s",
            better="lower",
            ours=float(result["gc_max"]),
            baseline=python.get("gc_max"),
            baseline_name=name,
            target=Target("max", 0.05, "< 50 ms"),
            note=(
                f"{note}generation {result['gc_max_generation']}; the longest in CPU time "
                f"{result.get('gc_max_cpu', float('nan')):.3f} s; {result['gc_passes']} passes, "
                f"{result['gc_over_50ms']} over 50 ms, {result['gc_total']:.2f} s in all; "
                f"policy steps {result['policy_steps']}, thaws {result['policy_thaws']}"
                + (f"; Python's own: {python['gc_over_50ms']} over 50 ms of "
                   f"{python['gc_passes']}" if "gc_max" in python else "")
            ),
        ),
        Row(
            case=CASE,
            figure=f"key to screen p95, {buffer:,} entries held",
            unit="s",
            better="lower",
            ours=float(result["key_p95"]),
            baseline=python.get("key_p95"),
            baseline_name=name,
            target=Target("max", 0.1, "< 100 ms"),
            note=(
                f"p50 {result['key_p50']:.3f} s, max {result['key_max']:.3f} s over "
                f"{result['key_samples']} presses, some after 2.5 s without input"
            ),
        ),
    ]
