"""Case 7, a real terminal at a slow and a fast stream: CPU, and bytes written to the terminal.

Each program runs alone on a pseudo-terminal of 120x40 (see
:mod:`benchmarks.workers.pty_idle`): logtui's ``proxy`` dashboard and Textual's ``Log`` app
follow the harness's SSE server paced at 1 entry/s (nearly idle) and at 1,000 entries/s, and a
one-widget Textual app shows what Textual costs doing nothing. CPU is the program's own, in
percent of one core; bytes are what it wrote to its terminal per second (what an ssh session
carries), read off the pty's master side. Full runs only.
"""

from __future__ import annotations

from typing import Any, Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, run_worker
from benchmarks.report import Row, Target, unavailable

CASE: Final = "7 idle and 1k/s in a pty"
RATES: Final = (1, 1000)
CPU_TARGETS: Final = {1: Target("max", 2.0, "< 2 %"), 1000: Target("max", 15.0, "< 15 %")}
BYTES_TARGETS: Final = {1: Target("max", 2.0, "< 2 KB/s")}


def _per_second(rate: int) -> str:
    return "1 entry/s" if rate == 1 else f"{rate:,} entries/s"


def _figures() -> list[tuple[str, int, str, str]]:
    """(key, rate, figure, unit) of every row, in table order."""
    out = []
    for rate in RATES:
        out.append(("cpu_percent", rate, f"CPU at {_per_second(rate)}", "% core"))
        out.append(("bytes_per_second", rate, f"written to the terminal at {_per_second(rate)}",
                    "KB/s"))
    return out


def _value(side: dict[str, Any], key: str) -> float | None:
    if "error" in side or key not in side:
        return None
    value = float(side[key])
    return value / 1000 if key == "bytes_per_second" else value


def run(ctx: RunContext) -> list[Row]:
    """logtui beside Textual's ``Log`` app on the same paced stream, each on its own pty."""
    if ctx.quick:
        reason = "full runs only (five programs in turn take longer than --quick allows)"
        print(f"[idle: skipped: {reason}]", flush=True)
        return [unavailable(CASE, figure, unit, "lower", reason)
                for _, _, figure, unit in _figures()]
    seconds = 20.0
    rates = ",".join(str(rate) for rate in RATES)
    try:
        result = run_worker("pty_idle", [str(seconds), rates],
                            timeout=120 + 5 * len(RATES) * (seconds + 10))
    except NotAvailable as error:
        return [unavailable(CASE, figure, unit, "lower", str(error))
                for _, _, figure, unit in _figures()]
    ctx.extras["idle_details"] = result
    floor = result.get("minimal", {})
    floor_note = (
        f"one-widget Textual app, no stream: {floor['cpu_percent']:.1f} % core, "
        f"{floor['bytes_per_second'] / 1000:.2f} KB/s" if "error" not in floor
        else f"one-widget app: {floor['error']}"
    )
    rows = []
    for key, rate, figure, unit in _figures():
        ours = result.get(f"logtui@{rate:g}", {})
        log_app = result.get(f"log_app@{rate:g}", {})
        targets = CPU_TARGETS if key == "cpu_percent" else BYTES_TARGETS
        notes = [f"{side}: {data['error']}" for side, data in (("logtui", ours),
                 ("Log app", log_app)) if "error" in data]
        rows.append(Row(
            case=CASE, figure=figure, unit=unit, better="lower",
            ours=_value(ours, key), baseline=_value(log_app, key),
            baseline_name="Textual Log app, same stream", target=targets.get(rate),
            note="; ".join(notes),
        ))
    rows[0].note = rows[0].note or f"{seconds:.0f} s each; {floor_note}"
    return rows
