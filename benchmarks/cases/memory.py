"""Case 4, memory: RSS with 100,000 entries buffered, then flat while the full buffer evicts.

The baseline is a plain Python process holding the same 100,000 parsed entries in a list
(no UI): what the data costs before the dashboard adds anything.
"""

from __future__ import annotations

from typing import Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, median, run_worker
from benchmarks.report import Row, Target, unavailable

CASE: Final = "4 memory"
MB: Final = 1024 * 1024
FULL: Final = "RSS, 100k buffered"
GROWTH: Final = "RSS growth while evicting"


def run(ctx: RunContext) -> list[Row]:
    """RSS full, against the bare list; RSS growth over the evicting stream."""
    seconds = ctx.seconds(60, 3)
    try:
        bare = run_worker("dashboard", ["memory-bare"], timeout=120)
        result = run_worker("dashboard", ["memory", str(seconds)], timeout=seconds + 180)
    except NotAvailable as error:
        return [
            unavailable(CASE, FULL, "MB", "lower", str(error)),
            unavailable(CASE, GROWTH, "MB", "lower", str(error)),
        ]
    full = result["full_rss"] / MB
    samples = [rss / MB for _, rss in result["samples"]]
    window = max(1, len(samples) // 4)
    start, end = median(samples[:window]), median(samples[-window:])
    growth = end - start
    return [
        Row(
            case=CASE,
            figure=FULL,
            unit="MB",
            better="lower",
            ours=full,
            baseline=bare["full_rss"] / MB,
            baseline_name="bare list of entries",
            target=Target("max", 250, "< 250 MB"),
            note=(
                f"empty dashboard {result['empty_rss'] / MB:.0f} MB; bare process: "
                f"{bare['empty_rss'] / MB:.0f} MB empty, {bare['raw_text_rss'] / MB:.0f} MB "
                "with only the raw texts"
            ),
        ),
        Row(
            case=CASE,
            figure=f"{GROWTH}, {seconds:.0f} s at 10k/s",
            unit="MB",
            better="lower",
            ours=growth,
            target=Target("max", max(5.0, full * 0.05), f"< {max(5.0, full * 0.05):.0f} MB (5%)"),
            note=(
                f"{result['evicted']:,} evicted, {result['buffered']:,} buffered; samples "
                f"{samples[0]:.0f} -> {max(samples):.0f} (peak) -> {samples[-1]:.0f} MB"
            ),
        ),
    ]
