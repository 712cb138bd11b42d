"""Run logtui's engine and headless sink against a hostile peer, then judge what came out.

The engine runs in-process behind the same :class:`~logtui.headless.NdjsonSink` the
``--output ndjson`` mode uses (stdout bytes, stderr text), with a fast backoff so a schedule of
faults plays out in seconds. :func:`problems` states the invariant: every entry the server
committed from the first one the client received on is delivered once and in order, or a
notice names the gap; stream connection attempts
stay within what the schedule can explain; stderr carries no raw control character.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from logtui.core.backoff import Backoff
from logtui.core.engine import Engine
from logtui.core.models import Entry, SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.headless import NdjsonSink
from tests.hostile.nextdns_peer import API_KEY, NextDNSPeer
from tests.hostile.proxy_peer import TOKEN, ProxyPeer
from tests.hostile.stream_peer import StreamPeer

COMMIT_EVERY = 0.01
"""Seconds between committed entries while a schedule plays."""
MAX_PLAY = 12.0
"""Seconds a schedule may take before entries stop being committed."""
SETTLE = 2.0
"""Seconds allowed, after the last commit, for the client to deliver everything."""

RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""A character that must never reach a terminal raw: C0 but LF, DEL, C1."""
GAP_NOTICE = re.compile(r"\b(gap|missed|missing|lost|not fetched)\b", re.IGNORECASE)
"""A stderr line that tells the user entries may be missing (it must also carry a number)."""


class WatchingSink(NdjsonSink):
    """The headless sink, also waking a waiter whenever entries are written."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.err = io.StringIO()
        super().__init__(self.out, self.err, verbose=True)
        self.changed = asyncio.Event()

    def on_entries(self, entries: Sequence[Entry]) -> None:
        super().on_entries(entries)
        self.changed.set()


@dataclass
class Outcome:
    """What a run produced, on both sides."""

    stdout: bytes
    stderr: str
    committed: list[tuple[int, int]]
    delivered: list[tuple[int, int]]
    attempts: int
    schedule_length: int
    state: str
    notes: list[str] = field(default_factory=list)


def _ident(line: bytes) -> tuple[int, int] | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    trace = data.get("traceId")
    if isinstance(trace, str) and trace.startswith("trace-"):
        epoch, _, ident = trace.removeprefix("trace-").partition("-")
        return int(epoch), int(ident)
    if isinstance(data.get("seq"), int):
        return 0, data["seq"]
    return None


def engine_for(peer: StreamPeer, sink: WatchingSink, *, idle_timeout: float,
               history: int = 0, filters: dict[str, str] | None = None) -> Engine:
    if isinstance(peer, ProxyPeer):
        config = SourceConfig(kind=SourceKind.PROXY, url=peer.base_url, secret=TOKEN,
                              history=history, filters=filters or {})
    else:
        assert isinstance(peer, NextDNSPeer)
        config = SourceConfig(kind=SourceKind.NEXTDNS, url=peer.base_url, secret=API_KEY,
                              history=history)
    return Engine(build_source(config), sink, idle_timeout=idle_timeout,
                  backoff=Backoff(0.02, 0.2, random.Random(0)), history=history)


async def play(peer: ProxyPeer | NextDNSPeer, *, min_entries: int = 25,
               idle_timeout: float = 0.6, history: int = 0, min_delivered: int = 0,
               filters: dict[str, str] | None = None) -> Outcome:
    """Run the engine against ``peer`` while entries are committed, until the schedule is
    used up and ``min_entries`` were committed; then let it catch up (and deliver at least
    ``min_delivered`` entries) and stop it. With server-side ``filters`` (exact field
    values) only the entries they match are owed."""
    sink = WatchingSink()
    engine = engine_for(peer, sink, idle_timeout=idle_timeout, history=history, filters=filters)
    run = asyncio.create_task(engine.run())
    notes: list[str] = []
    loop = asyncio.get_running_loop()
    first, owed = 0, []
    try:
        started = loop.time()
        subscribed = asyncio.create_task(peer.subscribed.wait())
        await asyncio.wait({subscribed, run}, timeout=MAX_PLAY,
                           return_when=asyncio.FIRST_COMPLETED)
        subscribed.cancel()
        first = len(peer.committed)
        while not run.done() and loop.time() - started < MAX_PLAY and (
            not peer.schedule_done or len(peer.committed) - first < min_entries
            or (min_entries and not sink.out.getvalue())  # until it holds a resume point
        ):
            peer.commit()
            await asyncio.sleep(COMMIT_EVERY)  # the server's own pace, not a synchronisation
        if not peer.schedule_done:
            notes.append(f"schedule not used up in {MAX_PLAY:g} s")
        owed = [f.ident for f in peer.committed[first:]
                if all(f.data.get(k) == v for k, v in (filters or {}).items())]
        wanted = set(owed)
        deadline = loop.time() + SETTLE
        while not run.done() and loop.time() < deadline:
            delivered = _delivered(sink.out.getvalue())
            if wanted <= set(delivered) and len(delivered) >= min_delivered:
                break
            sink.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sink.changed.wait(), deadline - loop.time())
    finally:
        if run.done() and not run.cancelled():
            notes.append(f"engine stopped on its own: {engine.status.state.value}"
                         f" ({engine.status.detail})")
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await run
    if run.done() and not run.cancelled() and run.exception() is not None:
        notes.append(f"engine raised {run.exception()!r}")
    return Outcome(
        stdout=sink.out.getvalue(), stderr=sink.err.getvalue(),
        committed=owed,
        delivered=_delivered(sink.out.getvalue()), attempts=len(peer.stream_attempts),
        schedule_length=len(peer.schedule), state=engine.status.state.value, notes=notes,
    )


def _delivered(stdout: bytes) -> list[tuple[int, int]]:
    return [i for i in map(_ident, stdout.splitlines()) if i is not None]


def problems(outcome: Outcome, *, attempts_allowed: int | None = None) -> list[str]:
    """Every way ``outcome`` breaks the invariant (empty when it holds)."""
    found = list(outcome.notes)
    counts = Counter(outcome.delivered)
    twice = sorted(i for i, n in counts.items() if n > 1)
    if twice:
        found.append(f"delivered more than once: {_show(twice)}")
    last: dict[int, int] = {}
    for epoch, ident in outcome.delivered:
        if ident < last.get(epoch, -1):
            found.append(f"out of order: id {ident} (epoch {epoch}) after {last[epoch]}")
            break
        last[epoch] = max(ident, last.get(epoch, -1))
    # Before the first entry it receives a client has no resume point, so what the server
    # committed before that cannot be owed to it; from then on, everything is.
    position = {ident: index for index, ident in enumerate(outcome.committed)}
    start = min((position[i] for i in counts if i in position), default=0)
    missing = sorted(set(outcome.committed[start:]) - set(counts))
    gap_lines = [line for line in outcome.stderr.splitlines()
                 if GAP_NOTICE.search(line) and re.search(r"\d", line)]
    if missing and not gap_lines:
        found.append(f"lost without a gap notice: {len(missing)} of {len(outcome.committed)}"
                     f" entries, {_show(missing)} (state {outcome.state})")
    allowed = outcome.schedule_length + 2 if attempts_allowed is None else attempts_allowed
    if outcome.attempts > allowed:
        found.append(f"{outcome.attempts} stream connection attempts for a schedule of"
                     f" {outcome.schedule_length} faults")
    raw = sorted({f"{ord(c):#04x}" for c in RAW_CONTROL.findall(outcome.stderr)})
    if raw:
        found.append(f"raw control characters on stderr: {', '.join(raw)}")
    return found


def _show(idents: list[tuple[int, int]]) -> str:
    shown = ", ".join(f"{e}:{i}" for e, i in idents[:6])
    return shown + (f" ... ({len(idents)})" if len(idents) > 6 else "")


__all__ = ["Outcome", "WatchingSink", "play", "problems"]
