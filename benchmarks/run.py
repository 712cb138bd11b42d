"""The harness's command line: run every case, print the table, write the JSON.

    python -m benchmarks [--quick] [--json PATH] [--case NAME ...] [--reps N] [--buffer N]
                         [--no-install]

Each case returns rows; a case whose parts are missing returns "not available" rows with the
reason, and a case that crashes is reported the same way, so the harness itself only fails on
its own bugs. The exit status is 0 whatever the timings say: CI may run ``--quick`` and must
not fail on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from benchmarks.cases import filter as filter_case
from benchmarks.cases import (
    gc_pauses,
    idle,
    ingest,
    memory,
    micro,
    replay,
    sources,
    startup,
    sustained,
    terminal,
)
from benchmarks.context import RESULTS_DIR, RunContext
from benchmarks.profiling import format_profile
from benchmarks.report import (
    Row,
    format_table,
    machine_description,
    summary,
    unavailable,
    write_json,
)

Case = Callable[[RunContext], list[Row]]

CASES: Final[dict[str, Case]] = {
    "ingest": ingest.run,
    "micro": micro.run,
    "replay": replay.run,
    "sustained": sustained.run,
    "sources": sources.run,
    "gc": gc_pauses.run,
    "terminal": terminal.run,
    "memory": memory.run,
    "filter": filter_case.run,
    "startup": startup.run,
    "idle": idle.run,
}
"""Every case by name, in the order the table lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The harness's options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure logtui beside its baselines in the same run; print and save results.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and one repetition (under a minute)"
    )
    parser.add_argument(
        "--json", type=Path, metavar="PATH",
        help=f"where to write the JSON results (default: {RESULTS_DIR}/<time>.json)",
    )
    parser.add_argument(
        "--case", action="append", choices=sorted(CASES), metavar="NAME",
        help=f"run only this case (repeatable): {', '.join(CASES)}",
    )
    parser.add_argument(
        "--reps", type=int, metavar="N", help="repetitions per timing (default 3, quick 1)"
    )
    parser.add_argument(
        "--buffer", type=int, metavar="N",
        help="entries the gc case holds (default 100,000; quick 10,000)",
    )
    parser.add_argument(
        "--no-install", action="store_true",
        help="never install the npm eventsource peer; skip that baseline if it is missing",
    )
    return parser


def run_cases(ctx: RunContext, names: Sequence[str]) -> list[Row]:
    """Run the named cases in order; a crashing case becomes a "not available" row."""
    rows: list[Row] = []
    for name in names:
        start = time.perf_counter()
        try:
            case_rows = CASES[name](ctx)
        except Exception as error:  # report, never abort the whole run
            traceback.print_exc()
            case_rows = [
                unavailable(name, "(case crashed)", "-", "higher",
                            f"{type(error).__name__}: {error}")
            ]
        load = round(os.getloadavg()[0], 2)
        for row in case_rows:
            if row.load is None:
                row.load = load
        rows += case_rows
        print(f"[{name}: {time.perf_counter() - start:.1f} s, load average {load}]", flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the harness; returns 0 unless the harness itself is broken."""
    args = build_parser().parse_args(argv)
    reps = args.reps if args.reps is not None else (1 if args.quick else 3)
    ctx = RunContext(
        quick=args.quick,
        reps=max(1, reps),
        install_peers=not args.no_install,
        results_dir=args.json.parent if args.json else RESULTS_DIR,
        buffer=args.buffer,
    )
    names = args.case or list(CASES)
    machine = machine_description()
    print(
        f"logtui benchmarks ({'quick' if args.quick else 'full'}, {ctx.reps} rep(s)) on "
        f"{machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
        f"load average {machine['load_average']}",
        flush=True,
    )
    started = time.perf_counter()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    rows = run_cases(ctx, names)
    machine["load_average_at_end"] = machine_description()["load_average"]
    print()
    print(format_table(rows))
    print(
        f"load average at start {machine['load_average']}, at end "
        f"{machine['load_average_at_end']} on {machine['cores']} cores: above the core count, "
        "the absolute figures are slowed by other work; compare the ratios"
    )
    for key, profile in ctx.extras.items():
        if key.endswith("_profile") and isinstance(profile, list) and profile:
            what = key.removesuffix("_profile").replace("_", " ")
            print(f"\nwhere logtui's {what} spends its time (cProfile, top by own time):")
            print(format_profile(profile))
    json_path: Path = args.json or RESULTS_DIR / f"{stamp}.json"
    extras: dict[str, object] = {
        "mode": "quick" if args.quick else "full",
        "reps": ctx.reps,
        "started": stamp,
        "seconds": round(time.perf_counter() - started, 1),
        **ctx.extras,
    }
    extras["summary"] = summary(rows)
    write_json(json_path, rows, machine, extras)
    load = machine_description()["load_average"]
    print(f"\nresults written to {json_path} ({extras['seconds']} s; load average now {load})")
    print(extras["summary"])
    return 0
