"""Case 4, memory: RSS with 100,000 entries buffered, then flat while the full buffer evicts.

The buffer is filled as a live stream arrives: each batch handed over once the dashboard took
the previous one. The full run also fills it in one burst (a big history load), where the
queue peaks before the store shares strings and RSS stays higher. The baseline is a plain
Python process holding the same 100,000 parsed entries in a list, with no UI and no string
sharing: what the data costs before logtui does anything.
"""

from __future__ import annotations

from typing import Any, Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, median, run_worker
from benchmarks.report import Row, Target, unavailable

CASE: Final = "4 memory"
MB: Final = 1024 * 1024
FULL: Final = "RSS, 100k buffered"
BURST: Final = "RSS, 100k buffered in one burst"
GROWTH: Final = "RSS growth while evicting"
TARGET_MB: Final = 250


def _full_row(figure: str, result: dict[str, Any], bare: dict[str, Any], target: bool) -> Row:
    return Row(
        case=CASE,
        figure=figure,
        unit="MB",
        better="lower",
        ours=result["full_rss"] / MB,
        baseline=bare["full_rss"] / MB,
        baseline_name="bare list of entries",
        target=Target("max", TARGET_MB, f"< {TARGET_MB} MB") if target else None,
        note=(
            f"empty dashboard {result['empty_rss'] / MB:.0f} MB; bare process "
            f"{bare['empty_rss'] / MB:.0f} MB empty; the raw texts alone "
            f"{bare['raw_text_bytes'] / MB:.0f} MB"
        ),
    )


def _growth_row(seconds: float, result: dict[str, Any]) -> Row:
    samples = [rss / MB for _, rss in result["samples"]]
    # The first quarter is warm-up: the allocator grows to its working set as the stream's
    # short-lived parse results churn. "Flat" compares the second quarter with the last.
    window = max(1, len(samples) // 4)
    settled = samples[window : 2 * window] or samples[:1]
    growth = median(samples[-window:]) - median(settled)
    limit = max(5.0, result["full_rss"] / MB * 0.05)
    return Row(
        case=CASE,
        figure=f"{GROWTH}, {seconds:.0f} s at 10k/s",
        unit="MB",
        better="lower",
        ours=growth,
        target=Target("max", limit, f"< {limit:.0f} MB (5%)"),
        note=(
            f"{result['evicted']:,} evicted, {result['buffered']:,} buffered; RSS "
            f"{samples[0]:.0f} -> {max(samples):.0f} (peak) -> {samples[-1]:.0f} MB "
            "(first quarter is warm-up; second and last quarter medians compared)"
        ),
    )


def run(ctx: RunContext) -> list[Row]:
    """RSS full against the bare list; RSS growth over the evicting stream; burst fill (full)."""
    seconds = ctx.seconds(60, 3)
    try:
        bare = run_worker("dashboard", ["memory-bare"], timeout=120)
        paced = run_worker("dashboard", ["memory", str(seconds), "paced"], timeout=seconds + 240)
    except NotAvailable as error:
        return [
            unavailable(CASE, FULL, "MB", "lower", str(error)),
            unavailable(CASE, GROWTH, "MB", "lower", str(error)),
        ]
    rows = [_full_row(FULL, paced, bare, target=True), _growth_row(seconds, paced)]
    if not ctx.quick:
        try:
            burst = run_worker("dashboard", ["memory", "0", "burst"], timeout=240)
            rows.append(_full_row(BURST, burst, bare, target=False))
        except NotAvailable as error:
            rows.append(unavailable(CASE, BURST, "MB", "lower", str(error)))
    return rows
