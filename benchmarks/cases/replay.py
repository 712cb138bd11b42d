"""Case 2, replay burst: a reconnect replays 5,000 entries (the ring buffer) at once.

All of them must be in the dashboard, the newest on screen, within 0.5 s; and a key pressed
during the burst (``space``, pause) must show on screen within 100 ms. The baseline is
Textual's stock ``Log`` widget fed the same burst through the same kind of queue.
"""

from __future__ import annotations

from typing import Any, Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, median, run_worker
from benchmarks.report import Row, Target, unavailable

CASE: Final = "2 replay"
BURST_FIGURE: Final = "5k replayed, newest on screen"
KEY_FIGURE: Final = "key during burst to screen"


def _values(raw: list[Any]) -> tuple[list[float], int]:
    values = [float(v) for v in raw if v is not None]
    return values, len(raw) - len(values)


def run(ctx: RunContext) -> list[Row]:
    """Burst visibility and key latency, each beside the baseline app."""
    try:
        result = run_worker("dashboard", ["replay", str(ctx.reps)], timeout=300)
    except NotAvailable as error:
        return [
            unavailable(CASE, BURST_FIGURE, "s", "lower", str(error)),
            unavailable(CASE, KEY_FIGURE, "s", "lower", str(error)),
        ]
    ctx.extras["replay_details"] = result
    rows = []
    for figure, key, target in (
        (BURST_FIGURE, "visible", Target("max", 0.5, "< 0.5 s")),
        (KEY_FIGURE, "key", Target("max", 0.1, "< 100 ms")),
    ):
        ours, ours_missed = _values(result["logtui"][key])
        theirs, theirs_missed = _values(result["baseline"][key])
        note = ""
        if ours_missed or theirs_missed:
            note = f"never reached the screen: {ours_missed} ours, {theirs_missed} baseline runs"
        rows.append(
            Row(
                case=CASE,
                figure=figure,
                unit="s",
                better="lower",
                ours=median(ours) if ours else None,
                samples=ours,
                baseline=median(theirs) if theirs else None,
                baseline_samples=theirs,
                baseline_name="Textual Log app",
                target=target,
                note=note,
            )
        )
    return rows
