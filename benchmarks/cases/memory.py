"""Case 4, memory: RSS with 100,000 and 1,000,000 entries buffered, then flat while evicting.

RSS is read once the full dashboard has been quiet for a second (and as the last entry landed,
in the note). The buffer is filled as a live stream arrives: each batch handed over once the
dashboard took the previous one. The full run also fills it in one burst (a big history load),
where the queue peaks before the store packs it and RSS stays higher, and fills 1,000,000
entries (the largest supported buffer) as fast as the dashboard takes them. The baseline is a
plain Python process holding the same 100,000 parsed entries in a list, with no UI: what the
data costs before logtui does anything; for 1,000,000 it is estimated from that sample (what
100,000 entries added, ten times over), since the list itself would need about 4 GB.
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
LARGE: Final = 1_000_000
FULL_LARGE: Final = "RSS, 1M buffered"
TARGET_MB: Final = 120
TARGET_LARGE_MB: Final = 700
LARGE_SECONDS: Final = 30
"""Evicting seconds after the 1,000,000 fill (a full turnover would take 100 s)."""


def _parts(result: dict[str, Any]) -> str:
    parts = result.get("full_parts") or {}
    if not parts:
        return ""
    return (f"; payload blocks {parts.get('blocks', 0) / MB:.0f} MB, other private memory "
            f"{parts.get('anon', 0) / MB:.0f} MB, code {parts.get('file', 0) / MB:.0f} MB")


def _landed(result: dict[str, Any]) -> str:
    landed = result.get("landed_rss")
    if landed is None:
        return ""
    return f"read after 1 s quiet; {landed / MB:.0f} MB as the last entry landed; "


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
            f"{_landed(result)}empty dashboard {result['empty_rss'] / MB:.0f} MB; bare process "
            f"{bare['empty_rss'] / MB:.0f} MB empty; the raw texts alone "
            f"{bare['raw_text_bytes'] / MB:.0f} MB" + _parts(result)
        ),
    )


def _large_row(result: dict[str, Any], bare: dict[str, Any]) -> Row:
    scale = LARGE / bare["held"]
    estimated = bare["empty_rss"] + (bare["full_rss"] - bare["empty_rss"]) * scale
    return Row(
        case=CASE,
        figure=FULL_LARGE,
        unit="MB",
        better="lower",
        ours=result["full_rss"] / MB,
        baseline=estimated / MB,
        baseline_name=f"bare list of entries (estimated from {bare['held']:,})",
        target=Target("max", TARGET_LARGE_MB, f"< {TARGET_LARGE_MB} MB"),
        note=(
            f"{_landed(result)}empty dashboard {result['empty_rss'] / MB:.0f} MB; filled in "
            f"{result['fill_seconds']:.0f} s, as fast as the dashboard took them"
            + _parts(result)
        ),
    )


def _growth_row(seconds: float, result: dict[str, Any], size: str = "") -> Row:
    samples = [rss / MB for _, rss in result["samples"]]
    # The first quarter is warm-up: the allocator grows to its working set as the stream's
    # short-lived parse results churn. "Flat" compares the second quarter with the last.
    window = max(1, len(samples) // 4)
    settled = samples[window : 2 * window] or samples[:1]
    growth = median(samples[-window:]) - median(settled)
    limit = max(5.0, result["full_rss"] / MB * 0.05)
    backlog = result.get("backlog") or [0]
    return Row(
        case=CASE,
        figure=f"{GROWTH}{size}, {seconds:.0f} s at 10k/s",
        unit="MB",
        better="lower",
        ours=growth,
        target=Target("max", limit, f"< {limit:.0f} MB (5%)"),
        note=(
            f"{result['evicted']:,} evicted, {result['buffered']:,} buffered; RSS "
            f"{samples[0]:.0f} -> {max(samples):.0f} (peak) -> {samples[-1]:.0f} MB "
            "(first quarter is warm-up; second and last quarter medians compared); entries "
            f"queued for the UI at the end {backlog[-1]:,} (max {max(backlog):,})"
        ),
    )


def run(ctx: RunContext) -> list[Row]:
    """RSS full against the bare list; RSS growth over the evicting stream; burst fill and
    1,000,000 entries (full runs)."""
    seconds = ctx.seconds(60, 3)
    try:
        bare = run_worker("dashboard", ["memory-bare"], timeout=120)
        # --quick is a smoke run: the buffer filled as fast as the dashboard takes it, not at 10k/s.
        fill = "fast" if ctx.quick else "paced"
        paced = run_worker("dashboard", ["memory", str(seconds), fill], timeout=seconds + 240)
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
        try:
            large = run_worker("dashboard", ["memory", str(LARGE_SECONDS), "fast", str(LARGE)],
                               timeout=LARGE_SECONDS + LARGE / 2000 + 120)
            rows.append(_large_row(large, bare))
            rows.append(_growth_row(LARGE_SECONDS, large, ", 1M"))
        except NotAvailable as error:
            rows.append(unavailable(CASE, FULL_LARGE, "MB", "lower", str(error)))
    return rows
