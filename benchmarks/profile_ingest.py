"""A quick look at headless ingest alone: logtui beside its peers, and where logtui's time goes.

Usage::

    python -m benchmarks.profile_ingest [--entries N] [--reps N] [--only NAME ...]
                                        [--profile PATH] [--importtime]

Times whole processes the way case 1 does (spawn to exit, same pre-generated server, rotating
order) and prints, per consumer, the median wall time, the median CPU time (user + system of
the child, which a busy machine disturbs less than wall time), the median start-up (the same
consumer on a one-entry stream) and both ratios against logtui. ``--only`` keeps logtui and
the named peers (httpx-sse, curl|jq, node). ``--profile`` writes a cProfile of one logtui run
and prints its top functions by own time; ``--importtime`` prints the slowest imports of a
logtui run on a one-entry stream.
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.cases.ingest import JQ_PROGRAM, TOKEN, logtui_argv
from benchmarks.measure import PYTHON, ROOT, NotAvailable, child_env, median
from benchmarks.payloads import payload_texts
from benchmarks.peers.npm import eventsource_dir
from benchmarks.sse_server import PregeneratedSSEServer

Command = tuple[list[str], dict[str, str]]


def consumers(server: PregeneratedSSEServer, state_dir: str) -> dict[str, Command]:
    """Every consumer of ``server``'s stream that can run here, by short name."""
    url = server.stream_url
    auth = f"Authorization: Bearer {TOKEN}"
    found: dict[str, Command] = {
        "logtui": (
            logtui_argv(server.base_url, state_dir),
            child_env({"LOGTUI_PROXY_TOKEN": TOKEN}),
        ),
        "httpx-sse": (
            [PYTHON, "-m", "benchmarks.peers.httpx_sse_loop", url],
            child_env({"BENCH_TOKEN": TOKEN}),
        ),
        "curl|jq": (
            ["sh", "-c", f"curl -sN -H '{auth}' '{url}' | jq -cR '{JQ_PROGRAM}' > /dev/null"],
            child_env(),
        ),
    }
    try:
        peers = eventsource_dir(allow_install=False)
    except NotAvailable as error:
        print(f"node eventsource not available: {error}", file=sys.stderr)
    else:
        found["node"] = (
            ["node", str(ROOT / "benchmarks" / "peers" / "eventsource_consumer.mjs"), url],
            child_env({"BENCH_TOKEN": TOKEN, "BENCH_PEERS_DIR": str(peers)}),
        )
    return found


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        list(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
        check=False, timeout=300,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed: {result.stderr.decode()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare(chosen: dict[str, Command], start_up: dict[str, Command], reps: int,
            entries: int) -> None:
    """Time every consumer ``reps`` times in rotating order and print the table."""
    names = list(chosen)
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        for name in names[rep % len(names) :] + names[: rep % len(names)]:
            wall, cpu = run_once(*chosen[name])
            walls[name].append(wall)
            cpus[name].append(cpu)
    starts = {name: median([run_once(*start_up[name])[0] for _ in range(3)]) for name in names}
    ours_wall, ours_cpu = median(walls["logtui"]), median(cpus["logtui"])
    print(f"load average {os.getloadavg()}; {entries:,} entries, {reps} reps")
    print(f"{'consumer':<10} {'wall s':>7} {'cpu s':>7} {'start s':>7} {'entries/s':>10}"
          f" {'wall x':>7} {'cpu x':>7}")
    for name in names:
        wall, cpu = median(walls[name]), median(cpus[name])
        print(f"{name:<10} {wall:7.3f} {cpu:7.3f} {starts[name]:7.3f} {entries / wall:10,.0f}"
              f" {wall / ours_wall:7.2f} {cpu / ours_cpu:7.2f}")


def profile(command: Command, path: Path) -> None:
    """cProfile one logtui run into ``path`` and print the top functions by own time."""
    argv, env = command
    subprocess.run([PYTHON, "-m", "cProfile", "-o", str(path), *argv[1:]], env=env,
                   stdout=subprocess.DEVNULL, cwd=ROOT, check=True)
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(25)


def import_times(command: Command) -> None:
    """Print the 30 slowest imports (cumulative, own) of one logtui run."""
    argv, env = command
    result = subprocess.run([PYTHON, "-X", "importtime", *argv[1:]], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, check=True)
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = (part.strip() for part in line.split("|"))
        rows.append((int(cumulative), int(own.split(":")[-1]), name))
    for cumulative, own, name in sorted(rows, reverse=True)[:30]:
        print(f"{cumulative / 1000:8.1f} ms {own / 1000:8.1f} ms  {name}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison (and optional profiles); returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_ingest")
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--only", action="append", default=None, metavar="NAME")
    parser.add_argument("--profile", type=Path, default=None, metavar="PATH")
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args(argv)
    payloads = payload_texts(args.entries)
    with (
        tempfile.TemporaryDirectory(prefix="logtui-prof-") as tmp,
        PregeneratedSSEServer(payloads, token=TOKEN) as server,
        PregeneratedSSEServer(payloads[:1], token=TOKEN) as tiny,
    ):
        chosen = consumers(server, tmp)
        if args.only:
            chosen = {k: v for k, v in chosen.items() if k in args.only or k == "logtui"}
        start_up = consumers(tiny, tmp)
        compare(chosen, start_up, args.reps, args.entries)
        if args.profile is not None:
            profile(chosen["logtui"], args.profile)
        if args.importtime:
            import_times(start_up["logtui"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
