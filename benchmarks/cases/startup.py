"""Case 6, start-up: ``logtui --help`` and the dashboard's first paint.

``--help`` is timed as a whole process beside ``python -c pass`` (the interpreter's own floor),
so the ratio shows what logtui adds. First paint is timed by a worker from process start to
the first frame the headless dashboard renders, beside a one-widget Textual app timed the same
way (Textual's own floor).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Final

from benchmarks.context import RunContext
from benchmarks.measure import (
    PYTHON,
    NotAvailable,
    child_env,
    last_line,
    run_worker,
    timed_run,
)
from benchmarks.report import Row, Target, unavailable

CASE: Final = "6 start-up"


def _logtui_command() -> list[str]:
    script = Path(PYTHON).parent / "logtui"
    return [str(script)] if script.exists() else [PYTHON, "-m", "logtui"]


def _time_many(argv: list[str], runs: int) -> list[float]:
    samples: list[float] = []
    env = child_env()
    for _ in range(runs):
        seconds, result = timed_run(argv, env=env, timeout=60)
        if result.returncode != 0:
            raise NotAvailable(f"exit {result.returncode}: {last_line(result.stderr)}")
        samples.append(seconds)
    return samples


def help_rows(ctx: RunContext) -> list[Row]:
    """``logtui --help`` wall time against ``python -c pass``, interleaved run by run."""
    runs = ctx.scale(15, 5)
    ours: list[float] = []
    floor: list[float] = []
    try:
        for _ in range(runs):
            floor += _time_many([PYTHON, "-c", "pass"], 1)
            ours += _time_many([*_logtui_command(), "--help"], 1)
    except NotAvailable as error:
        return [unavailable(CASE, "logtui --help", "s", "lower", str(error))]
    return [
        Row.measured(
            CASE, "logtui --help", "s", "lower", ours=ours, baseline=floor,
            baseline_name="python -c pass", target=Target("max", 0.3, "< 0.3 s"),
        )
    ]


def first_paint_rows(ctx: RunContext) -> list[Row]:
    """Process start to first dashboard frame, against a one-widget Textual app."""
    runs = ctx.scale(5, 2)
    ours: list[float] = []
    floor: list[float] = []
    try:
        for _ in range(runs):
            floor.append(_first_paint("minimal"))
            ours.append(_first_paint("dashboard"))
    except NotAvailable as error:
        return [unavailable(CASE, "first dashboard paint", "s", "lower", str(error))]
    return [
        Row.measured(
            CASE, "first dashboard paint", "s", "lower", ours=ours, baseline=floor,
            baseline_name="one-widget Textual app", target=Target("max", 1.0, "< 1 s"),
        )
    ]


def _first_paint(which: str) -> float:
    result = run_worker("first_paint", [which, repr(time.time())], timeout=60)
    return float(result["seconds"])


def run(ctx: RunContext) -> list[Row]:
    """Both start-up figures."""
    return help_rows(ctx) + first_paint_rows(ctx)
