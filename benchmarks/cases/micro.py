"""Supporting figures from the component micro-benchmarks beside this harness.

``benchmarks/sse_decoder.py`` times logtui's SSE decoder against httpx-sse's on the same bytes
and ``benchmarks/filter_store.py`` the store's memory and filters; they explain the
whole-system figures of cases 1 and 5, so their results are printed in the same table as
information rows. A micro-benchmark that is missing or changed its output is reported as not
available.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from benchmarks.context import RunContext
from benchmarks.measure import PYTHON, ROOT, child_env, last_line, timed_run
from benchmarks.report import Row, unavailable

CASE: Final = "1 ingest"
FIGURE: Final = "SSE decode only (micro)"
_OURS: Final = re.compile(r"logtui SSEDecoder\s+([\d,]+)")
_THEIRS: Final = re.compile(r"httpx-sse[^\n]*?\s([\d,]{4,})")


def _number(pattern: re.Pattern[str], text: str) -> float | None:
    match = pattern.search(text)
    return float(match.group(1).replace(",", "")) if match else None


def sse_decoder_rows(ctx: RunContext) -> list[Row]:
    """logtui's decoder against httpx-sse's, decoding only."""
    script = ROOT / "benchmarks" / "sse_decoder.py"
    if not script.exists():
        return [unavailable(CASE, FIGURE, "events/s", "higher", f"{script.name} is missing")]
    events = ctx.scale(200_000, 20_000)
    argv = [PYTHON, str(script), "--events", str(events), "--repeat", str(ctx.scale(5, 2))]
    _, result = timed_run(argv, env=child_env(), timeout=300, stdout=-1)
    ours, theirs = _number(_OURS, result.stdout or ""), _number(_THEIRS, result.stdout or "")
    if result.returncode != 0 or ours is None or theirs is None:
        reason = last_line(result.stderr) or "unrecognised output"
        return [unavailable(CASE, FIGURE, "events/s", "higher", f"{Path(script).name}: {reason}")]
    return [
        Row(
            case=CASE,
            figure=FIGURE,
            unit="events/s",
            better="higher",
            ours=ours,
            baseline=theirs,
            baseline_name="httpx-sse decoder",
            note=f"benchmarks/sse_decoder.py, {events:,} events, best of {ctx.scale(5, 2)}",
        )
    ]


_STORE_RSS: Final = re.compile(r"RSS for the buffer\s+([\d.]+) MB")
_UNSHARED_RSS: Final = re.compile(r"RSS with share=False\s+([\d.]+) MB")
_FIRST_FILTER: Final = re.compile(r"filter '[^\n]*?'\s+([\d.]+) ms wall")


def filter_store_rows(ctx: RunContext) -> list[Row]:
    """The store's RSS for 100k entries (shared strings vs not), from the core micro-benchmark."""
    count = ctx.scale(100_000, 20_000)
    figure = f"store RSS, {count // 1000}k entries (micro)"
    script = ROOT / "benchmarks" / "filter_store.py"
    if not script.exists():
        return [unavailable("4 memory", figure, "MB", "lower", f"{script.name} is missing")]
    argv = [PYTHON, "-m", "benchmarks.filter_store", str(count)]
    _, result = timed_run(argv, env=child_env(), timeout=300, stdout=-1)
    text = result.stdout or ""
    ours, theirs = _number(_STORE_RSS, text), _number(_UNSHARED_RSS, text)
    if result.returncode != 0 or ours is None:
        reason = last_line(result.stderr) or "unrecognised output"
        return [unavailable("4 memory", figure, "MB", "lower", f"{script.name}: {reason}")]
    first_filter = _number(_FIRST_FILTER, text)
    return [
        Row(
            case="4 memory",
            figure=figure,
            unit="MB",
            better="lower",
            ours=ours,
            baseline=theirs,
            baseline_name="same, strings not shared",
            note=(
                "benchmarks/filter_store.py (store only, no UI)"
                + (f"; its first filter took {first_filter:.0f} ms" if first_filter else "")
            ),
        )
    ]


def run(ctx: RunContext) -> list[Row]:
    """Every micro-benchmark that exists."""
    return sse_decoder_rows(ctx) + filter_store_rows(ctx)
