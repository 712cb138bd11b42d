"""Case 3 in a real terminal: logtui, Textual's ``Log`` app and lnav following 10,000 entries/s
in tmux.

Each runs alone in a detached tmux session (120x40, a private tmux server): logtui runs
``logtui proxy`` against the harness's SSE server paced at the rate over loopback, the ``Log``
app (the harness's baseline app) reads the same paced stream with httpx-sse, and lnav follows a
file growing at the rate. Keys go in with ``send-keys`` and the screen is read with
``capture-pane`` through a tmux control-mode client, again each time the pane writes, until it
shows their effect (see :mod:`benchmarks.workers.tmux_follow`),
so every side pays the same terminal round trips; logtui and the ``Log`` app run twice each
for half the time, in the order logtui, Log app, Log app, logtui, so a changing load weighs on
both alike. Reported: key-to-screen p50/p95, CPU of a core, and how far behind the stream each
screen was a second after the keys, against the ``Log`` app (the target's baseline: key p95
at most 1.5x and under 50 ms, CPU no more), then against lnav (the one to catch, for
information). Without tmux the case is not available;
without lnav that baseline's rows say why. Full runs only.
"""

from __future__ import annotations

import math
from typing import Any, Final

from benchmarks.cases.sustained import KEY_TARGET
from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, run_worker
from benchmarks.report import Better, Row, Target, unavailable

CASE: Final = "3 sustained in tmux"
RATE: Final = 10_000
SECONDS: Final = 16.0
ROUNDS: Final = 2
"""logtui and the ``Log`` app each run twice for half the time, in the order ABBA."""
LOG_APP: Final = "Log app on httpx-sse, in tmux"
LNAV: Final = "lnav, same rate"

Figure = tuple[str, str, str, Better, Target | None]
FIGURES: Final[list[Figure]] = [
    ("key_p50", "key to screen p50, in tmux", "s", "lower", None),
    ("key_p95", "key to screen p95, in tmux", "s", "lower", KEY_TARGET),
    ("cpu_following_percent", "CPU while following, in tmux", "% core", "lower",
     Target("ratio_max", 1.0, "<= 1.0x Log app")),
    ("cpu_percent", "CPU while keys are pressed, in tmux", "% core", "lower", None),
    ("behind_after_1s", "entries behind the stream 1 s after the keys", "entries", "lower",
     None),
    ("written_per_second", "written to the terminal while keys are pressed, in tmux",
     "bytes/s", "lower", None),
    ("writes_per_second", "write calls while keys are pressed, in tmux", "calls/s", "lower",
     None),
]
"""Against the ``Log`` app: (key in the worker's result, figure, unit, better, target)."""
LNAV_FIGURES: Final[list[Figure]] = [
    ("key_p95", "key to screen p95, in tmux, against lnav", "s", "lower", None),
    ("cpu_following_percent", "CPU while following, in tmux, against lnav", "% core", "lower",
     None),
    ("behind_after_1s", "entries behind 1 s after the keys, against lnav", "entries", "lower",
     None),
]


def _number(side: dict[str, Any], key: str) -> float | None:
    value = side.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _unavailable(reason: str) -> list[Row]:
    return [unavailable(CASE, figure, unit, better, reason)
            for _, figure, unit, better, _ in FIGURES + LNAV_FIGURES]


def _rows(ours: dict[str, Any], theirs: dict[str, Any], figures: list[Figure], name: str
          ) -> list[Row]:
    """Our figures beside one baseline's; a baseline that could not run is said in each note."""
    missing = theirs.get("error")
    return [
        Row(
            case=CASE, figure=figure, unit=unit, better=better,
            ours=_number(ours, key),
            baseline=None if missing else _number(theirs, key),
            baseline_name=name, target=target,
            note=f"{name}: {missing}" if missing else "",
        )
        for key, figure, unit, better, target in figures
    ]


def _presses(side: dict[str, Any], keys: str) -> str:
    if "error" in side:
        return "-"
    return f"{side['key_samples']} presses of {keys} ({side['keys_missed']} never shown)"


def run(ctx: RunContext) -> list[Row]:
    """Key latency, CPU and keeping up, for logtui beside the ``Log`` app and lnav in tmux."""
    if ctx.quick:
        reason = "full runs only (three terminal programs take longer than --quick allows)"
        print(f"[terminal: skipped: {reason}]", flush=True)
        return _unavailable(reason)
    try:
        result = run_worker("tmux_follow", [str(SECONDS), str(RATE), str(ROUNDS)],
                            timeout=240 + 6 * SECONDS)
    except NotAvailable as error:
        print(f"[terminal: skipped: {error}]", flush=True)
        return _unavailable(str(error))
    ctx.extras["terminal_details"] = result
    ours, log_app, lnav = result["logtui"], result["log_app"], result["lnav"]
    if "error" in ours:
        return _unavailable(f"logtui: {ours['error']}")
    for name, side in (("Log app", log_app), ("lnav", lnav)):
        if "error" in side:
            print(f"[terminal: {name} baseline skipped: {side['error']}]", flush=True)
    rows = _rows(ours, log_app, FIGURES, LOG_APP) + _rows(ours, lnav, LNAV_FIGURES, LNAV)
    rows[1].note = rows[1].note or (
        f"logtui {_presses(ours, 'space/f')}; Log app {_presses(log_app, 'space/f')}; lnav "
        f"{_presses(lnav, '?')}"
    )
    rows[4].note = rows[4].note or (
        f"{RATE}/s; keys for {SECONDS:.0f} s, logtui and the Log app in {ROUNDS} runs each "
        "(ABBA order), the worst of their runs here"
    )
    rows[-1].note = rows[-1].note or "lnav pauses indexing its file while keys arrive"
    return rows
