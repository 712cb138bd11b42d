"""Micro-benchmark of the Textual-free core: entry store, filters and stats over a full buffer.

Run ``.venv/bin/python -m benchmarks.filter_store [COUNT]`` from the repository root. It prints
figures, never fails: RSS of COUNT (default 100,000; 1,000,000 is a supported buffer)
realistic ~450-byte proxy-logs entries in the store, built as the dashboard builds it; a full
garbage collection's time; append and evict rates; the time to apply a new filter over the
full buffer for a few typical expressions (median of 5) and to its first chunk (the newest
rows, what the dashboard shows first); and the stats tracker's counting rate.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.payloads import payload_texts
from logtui.core.fields import FieldResolver
from logtui.core.filters import compile_predicate, parse, spec_for, split
from logtui.core.identity import identity_for, identity_is_unique, order_for
from logtui.core.models import Entry, SourceKind
from logtui.core.stats import StatsTracker
from logtui.core.store import EntryStore

EXPRESSIONS = (
    'service:api url~"^/v1/(users|invoices)"',
    "level=error",
    "status>=500 -method=GET",
    "timeout",
    "project=proj_a1b2c3d4 kind=response duration>500 time>-1h",
)
BATCH = 500


def rss_mb() -> float:
    """Resident set size of this process, in MB (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(action: Callable[[], object], reps: int = 5) -> float:
    """Median wall time of ``action`` over ``reps`` runs, in seconds."""
    return timed_both(action, reps)[0]


def timed_both(action: Callable[[], object], reps: int = 5) -> tuple[float, float]:
    """Median wall time and median CPU time of ``action`` over ``reps`` runs, in seconds.

    CPU time is what to compare on a busy machine: other processes inflate the wall time.
    """
    walls, cpus = [], []
    for _ in range(reps):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


def feed(store: EntryStore, raws: list[str]) -> float:
    """Parse and store ``raws`` in engine-sized batches; returns the seconds it took."""
    start = time.perf_counter()
    for offset in range(0, len(raws), BATCH):
        now = time.time()
        batch = [
            Entry(raw=raw, data=json.loads(raw), received_at=now)
            for raw in raws[offset : offset + BATCH]
        ]
        store.extend(batch)
    return time.perf_counter() - start


def main(count: int) -> None:
    """Build the buffer, then print each figure."""
    raws = payload_texts(count * 2)
    gc.collect()
    before = rss_mb()
    # Built as the dashboard builds it for proxy-logs.
    store = EntryStore(count, share=False, identity=identity_for(SourceKind.PROXY),
                       unique=identity_is_unique(SourceKind.PROXY),
                       order=order_for(SourceKind.PROXY))
    # Entries are parsed batch by batch, as the stream engine delivers them.
    append_s = feed(store, raws[:count])
    gc.collect()
    held = rss_mb() - before
    raw_bytes = sum(len(raw) for raw in raws[:count]) / count
    print(f"entries buffered          {len(store):>10,}   (mean raw {raw_bytes:.0f} bytes)")
    print(f"RSS for the buffer        {held:>10.1f} MB ({held * 1024 * 1024 / count:,.0f} B/entry)")
    print(f"parse + append, empty     {count / append_s:>10,.0f} entries/s")
    print(f"full GC pass              {timed(gc.collect, reps=3) * 1000:>10.1f} ms")
    evict_s = feed(store, raws[count:])
    print(f"parse + append + evict    {count / evict_s:>10,.0f} entries/s")
    gc.collect()
    print(f"RSS after a full turnover {rss_mb() - before:>10.1f} MB")
    unshared = EntryStore(count, share=False)
    gc.collect()
    before_unshared = rss_mb()
    feed(unshared, raws[:count])
    gc.collect()
    print(f"RSS with share=False      {rss_mb() - before_unshared:>10.1f} MB (for comparison)")
    del unshared

    fields = FieldResolver.for_kind(SourceKind.PROXY)
    for expression in EXPRESSIONS:

        def apply(expression: str = expression) -> None:
            store.set_filter(compile_predicate(parse(expression), fields))

        wall, cpu = timed_both(apply)
        plan = split(parse(expression), spec_for(SourceKind.PROXY))
        print(
            f"filter {expression!r:<58} {wall * 1000:6.1f} ms wall {cpu * 1000:6.1f} ms CPU  "
            f"{len(store.view):>6,} match  server {dict(plan.params)}"
        )

        def first_chunk(expression: str = expression) -> None:
            # What the dashboard does first over a large buffer: the newest 10,000 rows.
            job = store.start_filter(compile_predicate(parse(expression), fields))
            job.step(10_000)

        print(f"  first chunk (newest 10,000 rows) {timed(first_chunk) * 1000:6.1f} ms")
    store.set_filter(None)
    print(f"{'clear filter':<65} {timed(lambda: store.set_filter(None)) * 1000:6.1f} ms")

    buffered = store.entries()
    stats = StatsTracker(SourceKind.PROXY, clock=time.time)
    stats_s = timed(lambda: stats.reset(buffered), reps=3)
    print(f"stats recount             {len(buffered) / stats_s:>10,.0f} entries/s")
    print(f"stats snapshot            {timed(stats.snapshot) * 1000:>10.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
