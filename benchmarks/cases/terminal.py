"""Case 3 in a real terminal: logtui and lnav following a 10,000 entries/s stream in tmux.

Each runs alone in a detached tmux session (120x40, a private tmux server): lnav follows a file
growing at the rate, logtui runs ``logtui proxy`` against the harness's SSE server paced at the
rate over loopback. Keys go in with ``tmux send-keys`` and the screen is polled with ``tmux
capture-pane`` until it shows their effect (see :mod:`benchmarks.workers.tmux_follow`), so both
sides pay the same terminal round trips. Reported: key-to-screen p50/p95, CPU of a core, and how
far behind the stream each screen was a second after the keys. Without tmux the case is not
available; without lnav logtui is measured alone and the reason printed. Full runs only.
"""

from __future__ import annotations

import math
from typing import Any, Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, run_worker
from benchmarks.report import Better, Row, Target, unavailable

CASE: Final = "3 sustained in tmux"
RATE: Final = 10_000


def _number(side: dict[str, Any], key: str) -> float | None:
    value = side.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def run(ctx: RunContext) -> list[Row]:
    """Key latency, CPU and keeping up, for logtui beside lnav, both through tmux."""
    figures: list[tuple[str, str, str, Better, Target | None]] = [
        ("key_p50", "key to screen p50, in tmux", "s", "lower", None),
        ("key_p95", "key to screen p95, in tmux", "s", "lower", Target("max", 0.1, "< 100 ms")),
        ("cpu_following_percent", "CPU while following, in tmux", "% core", "lower", None),
        ("cpu_percent", "CPU while keys are pressed, in tmux", "% core", "lower", None),
        ("behind_after_1s", "entries behind the stream 1 s after the keys", "entries", "lower",
         None),
    ]
    seconds = 15.0
    if ctx.quick:
        reason = "full runs only (two terminal programs take longer than --quick allows)"
        print(f"[terminal: skipped: {reason}]", flush=True)
        return [unavailable(CASE, figure, unit, better, reason)
                for _, figure, unit, better, _ in figures]
    try:
        result = run_worker("tmux_follow", [str(seconds), str(RATE)], timeout=120 + 4 * seconds)
    except NotAvailable as error:
        print(f"[terminal: skipped: {error}]", flush=True)
        return [unavailable(CASE, figure, unit, better, str(error))
                for _, figure, unit, better, _ in figures]
    ctx.extras["terminal_details"] = result
    ours, lnav = result["logtui"], result["lnav"]
    if "error" in ours:
        return [unavailable(CASE, figure, unit, better, f"logtui: {ours['error']}")
                for _, figure, unit, better, _ in figures]
    lnav_missing = lnav.get("error")
    if lnav_missing:
        print(f"[terminal: lnav baseline skipped: {lnav_missing}]", flush=True)
    rows = []
    for key, figure, unit, better, target in figures:
        rows.append(
            Row(
                case=CASE,
                figure=figure,
                unit=unit,
                better=better,
                ours=_number(ours, key),
                baseline=None if lnav_missing else _number(lnav, key),
                baseline_name="lnav, same rate",
                target=target,
                note=f"lnav: {lnav_missing}" if lnav_missing else "",
            )
        )
    rows[1].note = rows[1].note or (
        f"{ours['key_samples']} presses of space/f ({ours['keys_missed']} never shown); lnav "
        f"{lnav['key_samples']} presses of ? ({lnav['keys_missed']} never shown)"
    )
    rows[4].note = rows[4].note or (
        f"{RATE}/s for {seconds:.0f} s; lnav pauses indexing its file while keys arrive"
    )
    return rows
