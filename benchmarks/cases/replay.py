"""Case 2, replay burst: a reconnect replays 5,000 entries (the ring buffer) at once.

All of them must be in the dashboard, the newest on screen, within 0.5 s; the longest UI stall
until then at most 1.5x the baseline's; and a key pressed during the burst (``space``, pause)
must show on screen within 100 ms and at most 1.5x the baseline's. Measured twice: handed
straight to the dashboard's sink (the UI alone), and end to end over a real socket from the
pre-generated server through logtui's stream engine (the replay a reconnect really gets). The
baseline is Textual's stock ``Log`` widget fed the same burst (over the wire: by httpx-sse).
"""

from __future__ import annotations

from typing import Any, Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, median, run_worker
from benchmarks.report import Row, Target, unavailable

CASE: Final = "2 replay"
BURST_FIGURE: Final = "5k replayed, newest on screen"
KEY_FIGURE: Final = "key during burst to screen"
STALL_FIGURE: Final = "longest UI stall during a 5k burst"
AT_MOST_1_5X: Final = Target("ratio_max", 1.5, "<= 1.5x Log app")
WIRE_LABEL: Final = ", over the wire"
MIN_REPS: Final = 5
"""Bursts per side at least, whatever ``--reps`` says: the longest stall of one burst is one
scheduling accident (the ``Log`` app's ranged 0.009-0.037 s across runs), a median of five is
a figure, and a burst takes about three seconds."""


def _values(raw: list[Any]) -> tuple[list[float], int]:
    values = [float(v) for v in raw if v is not None]
    return values, len(raw) - len(values)


def _rows(result: dict[str, Any], label: str, baseline_name: str) -> list[Row]:
    rows = []
    for figure, key, target in (
        (BURST_FIGURE, "visible", Target("max", 0.5, "< 0.5 s")),
        (STALL_FIGURE, "stall", AT_MOST_1_5X),
        # The key's bound is absolute (the stall is what is held to the baseline): a key
        # answered in 10-20 ms against the `Log` app's 4-10 ms is a ratio of noise.
        (KEY_FIGURE, "key", Target("max", 0.1, "< 100 ms")),
    ):
        ours, ours_missed = _values(result["logtui"].get(key, []))
        theirs, theirs_missed = _values(result["baseline"].get(key, []))
        note = ""
        if ours_missed or theirs_missed:
            note = f"never reached the screen: {ours_missed} ours, {theirs_missed} baseline runs"
        rows.append(
            Row(
                case=CASE,
                figure=f"{figure}{label}",
                unit="s",
                better="lower",
                ours=median(ours) if ours else None,
                samples=ours,
                baseline=median(theirs) if theirs else None,
                baseline_samples=theirs,
                baseline_name=baseline_name,
                target=target,
                note=note,
            )
        )
    return rows


def run(ctx: RunContext) -> list[Row]:
    """Burst visibility and key latency, each beside the baseline app; in-process, then over
    a real socket through logtui's stream engine."""
    rows: list[Row] = []
    modes = [("replay", "", "Textual Log app")]
    if not ctx.quick:  # the end-to-end runs take a while; --quick keeps to the UI alone
        modes.append(("replay-wire", WIRE_LABEL, "Log app on httpx-sse"))
    for mode, label, baseline_name in modes:
        try:
            reps = max(ctx.reps, MIN_REPS) if not ctx.quick else ctx.reps
            result = run_worker("dashboard", [mode, str(reps)], timeout=300 + 30 * reps)
        except NotAvailable as error:
            rows += [
                unavailable(CASE, figure + label, "s", "lower", str(error))
                for figure in (BURST_FIGURE, STALL_FIGURE, KEY_FIGURE)
            ]
            continue
        ctx.extras[f"{mode.replace('-', '_')}_details"] = result
        rows += _rows(result, label, baseline_name)
    return rows
