"""A quick look at headless ingest alone: logtui beside its peers, and where logtui's time goes.

Usage::

    python -m benchmarks.profile_ingest [--entries N] [--reps N] [--only NAME ...]
                                        [--profile PATH] [--importtime]

Times whole processes the way case 1 does (spawn to exit, same pre-generated server, rotating
order) and prints, per consumer, the median wall time, the median CPU time (user + system of
the child, which a busy machine disturbs less than wall time) and both ratios against logtui.
``--profile`` writes a cProfile of one logtui run and prints its top functions by own time;
``--importtime`` prints the slowest imports of a logtui run on a one-entry stream.
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
from benchmarks.measure import PYTHON, ROOT, child_env, median
from benchmarks.payloads import payload_texts
from benchmarks.peers.npm import eventsource_dir
from benchmarks.sse_server import PregeneratedSSEServer


def _consumers(server: PregeneratedSSEServer, state_dir: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    url = server.stream_url
    auth = f"Authorization: Bearer {TOKEN}"
    found: dict[str, tuple[list[str], dict[str, str]]] = {
        "logtui": (logtui_argv(server.base_url, state_dir), child_env({"LOGTUI_PROXY_TOKEN": TOKEN})),
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
        found["node"] = (
            ["node", str(ROOT / "benchmarks" / "peers" / "eventsource_consumer.mjs"), url],
            child_env({"BENCH_TOKEN": TOKEN, "BENCH_PEERS_DIR": str(peers)}),
        )
    except Exception as error:  # noqa: BLE001 - a missing peer is reported, not fatal
        print(f"node eventsource not available: {error}", file=sys.stderr)
    return found


def _run(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison (and optional profiles); returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_ingest")
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--only", action="append", default=None)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args(argv)
    payloads = payload_texts(args.entries)
    with (
        tempfile.TemporaryDirectory(prefix="logtui-prof-") as tmp,
        PregeneratedSSEServer(payloads, token=TOKEN) as server,
        PregeneratedSSEServer(payloads[:1], token=TOKEN) as tiny,
    ):
        consumers = _consumers(server, tmp)
        if args.only:
            consumers = {k: v for k, v in consumers.items() if k in args.only or k == "logtui"}
        names = list(consumers)
        walls: dict[str, list[float]] = {n: [] for n in names}
        cpus: dict[str, list[float]] = {n: [] for n in names}
        for rep in range(args.reps):
            order = names[rep % len(names) :] + names[: rep % len(names)]
            for name in order:
                wall, cpu = _run(*consumers[name])
                walls[name].append(wall)
                cpus[name].append(cpu)
        starts = {n: median([_run(*c)[0] for _ in range(3)]) for n, c in _consumers(tiny, tmp).items()
                  if n in names}
        ours_wall, ours_cpu = median(walls["logtui"]), median(cpus["logtui"])
        print(f"load average {os.getloadavg()}; {args.entries:,} entries, {args.reps} reps")
        print(f"{'consumer':<10} {'wall s':>7} {'cpu s':>7} {'start s':>7} {'entries/s':>10}"
              f" {'wall x':>7} {'cpu x':>7}")
        for name in names:
            wall, cpu = median(walls[name]), median(cpus[name])
            print(f"{name:<10} {wall:7.3f} {cpu:7.3f} {starts.get(name, 0):7.3f}"
                  f" {args.entries / wall:10,.0f} {wall / ours_wall:7.2f} {cpu / ours_cpu:7.2f}")
        if args.profile is not None:
            cmd, env = consumers["logtui"]
            subprocess.run([PYTHON, "-m", "cProfile", "-o", str(args.profile), *cmd[1:]],
                           env=env, stdout=subprocess.DEVNULL, cwd=ROOT, check=True)
            pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(25)
        if args.importtime:
            cmd, env = _consumers(tiny, tmp)["logtui"]
            result = subprocess.run([PYTHON, "-X", "importtime", *cmd[1:]], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                    cwd=ROOT, check=True)
            rows = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
            parsed = []
            for line in rows[1:]:
                self_us, cumulative, name = (part.strip() for part in line.split("|"))
                parsed.append((int(cumulative), int(self_us.split(":")[-1]), name))
            for cumulative, own, name in sorted(parsed, reverse=True)[:30]:
                print(f"{cumulative / 1000:8.1f} ms {own / 1000:8.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
