"""The UI thread's cost per entry of applying a frame: ``EntryStore.extend`` and a whole frame.

``python -m benchmarks.store_extend [CHUNK] [CHUNKS]`` builds realistic entries of three
kinds (proxy-logs; NextDNS; three sources merged: two proxy-logs servers and a NextDNS
profile) from their payloads' texts as the SSE sources do, packs them as the dashboard's
sink does on the engine's thread (timed apart), then times, in CPU seconds per entry, the
store's ``extend`` of ``CHUNK``-entry chunks (500 by default) into a full buffer (so every
chunk evicts as many), and a whole frame (``Ingest.frame``: drain, extend, stats, rate) on a
dashboard's own store and stats. Prints one JSON object. Run it with two ``PYTHONPATH``
roots to compare two versions in one session.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.payloads import proxy_entries
from logtui.core.apis.merged import SourceRef, merged_identity, merged_order, merged_profile
from logtui.core.identity import identity_for, identity_is_unique, order_for
from logtui.core.models import Entry
from logtui.core.source_stats import SourceSplitStats
from logtui.core.sources.sse_source import entry_from_text
from logtui.core.stats import StatsTracker
from logtui.core.store import EntryStore
from logtui.tui.bridge import QueueSink
from logtui.tui.ingest import Ingest, SeenValues
from logtui.tui.rate import RateMeter

BUFFER = 10_000
NOW = 1_718_201_300.0


def _entry(data: dict[str, Any], received: float, source: str | None = None) -> Entry:
    """An entry built from its payload's text as the SSE sources build one."""
    entry = entry_from_text(json.dumps(data, separators=(",", ":")), origin="live",
                            event_id=None, key_field="id", allow_text=False)
    assert entry is not None
    entry.received_at = received
    entry.source = source
    return entry


def proxy(count: int, first_id: int = 84_321, source: str | None = None) -> list[Entry]:
    """Realistic proxy-logs entries (request/response pairs, ~460 bytes)."""
    return [_entry(data, NOW, source)
            for data in proxy_entries(count, seed=first_id, first_id=first_id)]


def nextdns(count: int, start: int = 0, source: str | None = None) -> list[Entry]:
    """Realistic NextDNS queries: a few devices, a blocked share, varied domains."""
    rng = random.Random(start)
    devices = (("8TD1G", "Romain's iPhone"), ("A1B2C", "Living-room TV"), ("Z9Y8X", "laptop"))
    out = []
    for n in range(start, start + count):
        device_id, name = rng.choice(devices)
        blocked = rng.random() < 0.2
        domain = f"{rng.choice(('api', 'cdn', 'ads', 'www'))}.site{rng.randrange(400)}.example"
        ms = 1_718_201_234_000 + 7 * n
        data = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000))
            + f".{ms % 1000:03d}Z",
            "domain": domain, "root": domain.split(".", 1)[1], "tracker": None,
            "encrypted": True, "protocol": "DNS-over-HTTPS", "clientIp": "198.51.100.7",
            "client": "apple-profile", "status": "blocked" if blocked else "default",
            "device": {"id": device_id, "name": name, "model": "iPhone 12 Pro Max"},
            "reasons": [{"id": "blocklist:oisd", "name": "OISD"}] if blocked else [],
        }
        out.append(_entry(data, NOW, source))
    return out


def merged(count: int, offset: int = 0) -> list[Entry]:
    """Two proxy-logs servers and a NextDNS profile, interleaved by arrival."""
    third = count // 3
    parts = [proxy(third, 1_000_000 + offset, "home"), proxy(third, 5_000_000 + offset, "office"),
             nextdns(count - 2 * third, offset, "dns")]
    return [e for group in zip(*parts, strict=False) for e in group] + parts[2][third:]


REFS = (SourceRef("home", "proxy", "proxy http://10.0.0.2/"),
        SourceRef("office", "proxy", "proxy http://10.0.0.3/"),
        SourceRef("dns", "nextdns", "nextdns http://10.0.0.4/"))


def _setup(kind: str) -> tuple[Callable[[], EntryStore], Callable[[], StatsTracker],
                                Callable[[int, int], list[Entry]], str]:
    if kind == "merged":
        profile = merged_profile(REFS)
        return (lambda: EntryStore(BUFFER, share=False, identity=merged_identity(REFS),
                                   unique=True, order=merged_order(REFS)),
                lambda: SourceSplitStats(profile.name, [r.name for r in REFS],
                                         clock=lambda: NOW),
                lambda count, offset: merged(count, offset), profile.name)
    make = (lambda count, offset: proxy(count, 84_321 + offset)) if kind == "proxy" \
        else (lambda count, offset: nextdns(count, offset))
    return (lambda: EntryStore(BUFFER, share=False, identity=identity_for(kind),
                               unique=identity_is_unique(kind), order=order_for(kind)),
            lambda: StatsTracker(kind, clock=lambda: NOW), make, kind)


def _chunks(entries: Sequence[Entry], size: int) -> list[list[Entry]]:
    return [list(entries[i : i + size]) for i in range(0, len(entries), size)]


def measure(kind: str, chunk: int, chunks: int) -> dict[str, float]:
    """Per-entry CPU microseconds: packing (engine side), ``extend``, a whole frame."""
    new_store, new_stats, make, stats_kind = _setup(kind)
    fill = make(BUFFER, 0)
    fresh = [make(chunk, BUFFER + i * chunk) for i in range(chunks)]
    out: dict[str, float] = {}
    # extend alone, into a full buffer.
    store = new_store()
    sink = QueueSink(packer=store.packer)
    sink.on_entries(fill)
    first = sink.drain()
    store.extend(first.entries, first.packed)
    drained = []
    started = time.process_time()
    for batch in fresh:
        sink.on_entries(batch)
        drained.append(sink.drain())
    out["pack_us"] = (time.process_time() - started) / (chunk * chunks) * 1e6
    gc.disable()
    started = time.process_time()
    for batch_in in drained:
        store.extend(batch_in.entries, batch_in.packed)
        del batch_in
    out["extend_us"] = (time.process_time() - started) / (chunk * chunks) * 1e6
    gc.enable()
    del drained
    # A whole frame: drain, extend, stats, rate, seen values.
    fresh = [make(chunk, BUFFER + i * chunk) for i in range(chunks)]
    store = new_store()
    sink = QueueSink(packer=store.packer)
    ingest = Ingest(sink, store, new_stats(), RateMeter(lambda: NOW), SeenValues(stats_kind),
                    limit=chunk)
    sink.on_entries(fill)
    while ingest.frame(BUFFER) is not None:
        pass
    spent = 0.0
    for batch in fresh:
        sink.on_entries(batch)
        gc.disable()
        started = time.process_time()
        ingest.frame()
        spent += time.process_time() - started
        gc.enable()
    out["frame_us"] = spent / (chunk * chunks) * 1e6
    return out


def main(argv: list[str]) -> None:
    chunk = int(argv[0]) if argv else 500
    chunks = int(argv[1]) if len(argv) > 1 else 40
    result = {kind: measure(kind, chunk, chunks) for kind in ("proxy", "nextdns", "merged")}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
