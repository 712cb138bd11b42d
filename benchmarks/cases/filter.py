"""Case 5, filter: a new client-side filter over 100,000 buffered entries within 100 ms.

The core figure (parse, compile and re-filter the whole buffer) is measured by a worker beside
two plain ``re.search`` calls per raw entry. Typing into the dashboard's filter input while
entries stream in is measured by the dashboard worker in the sustained case's family
(``benchmarks.workers.dashboard``), which reports the longest UI stall while typing.
"""

from __future__ import annotations

from typing import Final

from benchmarks.context import RunContext
from benchmarks.measure import NotAvailable, run_worker
from benchmarks.report import Row, Target, unavailable

CASE: Final = "5 filter"


def core_rows(ctx: RunContext) -> list[Row]:
    """Apply time over the full buffer, against ``re.search`` over the raw strings."""
    count = 100_000
    figure = f"new filter over {count // 1000}k entries"
    try:
        result = run_worker("filter_core", [str(count), str(ctx.scale(5, 3))], timeout=180)
    except NotAvailable as error:
        return [unavailable(CASE, figure, "s", "lower", str(error))]
    ours = [float(x) for x in result["ours"]]
    baseline = [float(x) for x in result["baseline"]]
    ctx.extras["filter_profile"] = result.get("profile", [])
    return [
        Row.measured(
            CASE, figure, "s", "lower", ours=ours, baseline=baseline,
            baseline_name="re.search x2 on raw",
            target=Target("max", 0.1, "< 100 ms"),
            note=(
                f"{result['expression']}: {result['matched']} matched "
                f"(baseline {result['baseline_matched']})"
            ),
        )
    ]


def run(ctx: RunContext) -> list[Row]:
    """The core filter figure (the typing figure comes from the dashboard worker)."""
    return core_rows(ctx)
