"""Fault injection: what goes wrong on one connection, and who decides it.

A :class:`Fault` describes one connection: a refusal (429/503 with ``Retry-After``), actions
that fire after a number of events (cut mid-frame, stall, ``reset``, ``scope-destroyed``, a
non-JSON frame, a clean end), and the framing (CR or CRLF line ends, data split over several
``data:`` lines). Tests script exact sequences with :meth:`FaultBook.script`: the k-th
connection to an endpoint gets the k-th fault. Connections past the script follow the
``--faults`` specification (see :mod:`logtui.demo.fault_spec`), or nothing.
"""

from __future__ import annotations

import enum
import math
import random
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from logtui.demo.fault_spec import FaultSpec

LineEnding = Literal["\n", "\r\n", "\r"]


class Endpoint(enum.StrEnum):
    """Every place a connection can be faulted; the names tests pass to ``script``."""

    PROXY_LOGS = "proxy-logs"
    PROXY_STATS = "proxy-stats"
    PROXY_STREAM = "proxy-stream"
    NEXTDNS_LOGS = "nextdns-logs"
    NEXTDNS_STREAM = "nextdns-stream"
    INSTANT_LOGS_JOBS = "instant-logs-jobs"
    INSTANT_LOGS_SOCKET = "instant-logs-socket"


STREAM_ENDPOINTS = frozenset({Endpoint.PROXY_STREAM, Endpoint.NEXTDNS_STREAM})


class ActionKind(enum.StrEnum):
    """What happens to a stream once its trigger count of events has been sent."""

    CUT = "cut"
    """Write part of the next frame (cut at a random byte), then close the socket without the
    chunked terminator."""
    STALL = "stall"
    """Send nothing at all, not even heartbeats, for ``seconds``; then carry on."""
    RESET = "reset"
    """proxy-logs: empty the ring, jump ``ringSeq``, send ``event: reset``, close."""
    SCOPE_DESTROYED = "scope-destroyed"
    """proxy-logs: send ``event: scope-destroyed`` and close."""
    GARBAGE = "garbage"
    """Send one frame whose data is not JSON (and that has no id); then carry on."""
    END = "end"
    """End the response cleanly, as a server closing an idle stream would."""
    DROP = "drop"
    """Instant Logs: close the WebSocket abruptly (no close frame); the session survives."""
    EXPIRE = "expire"
    """Instant Logs: end the session as if its time limit had passed."""


@dataclass(frozen=True, slots=True)
class Action:
    """One trigger: fire ``kind`` after ``after`` events; again every ``every`` if set."""

    kind: ActionKind
    after: int
    seconds: float = 0.0
    every: int | None = None
    random_interval: bool = False
    """Draw each interval uniformly from 1..2N-1 (mean N) instead of exactly N."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What happens to one connection. ``Fault()`` is a healthy connection.

    Combine with ``+``: ``Fault.framing(line_ending="\\r\\n") + Fault.cut(after=3)``.
    """

    status: int | None = None
    """Answer this status (429 or 503) instead of serving the request."""
    retry_after: str | None = None
    """The ``Retry-After`` header value sent with ``status``: seconds or an HTTP date."""
    actions: tuple[Action, ...] = ()
    line_ending: LineEnding = "\n"
    split_data: bool = False
    """Write each JSON payload over several ``data:`` lines (one per top-level member)."""

    def __add__(self, other: Fault) -> Fault:
        return Fault(
            status=other.status if other.status is not None else self.status,
            retry_after=other.retry_after if other.status is not None else self.retry_after,
            actions=self.actions + other.actions,
            line_ending=other.line_ending if other.line_ending != "\n" else self.line_ending,
            split_data=self.split_data or other.split_data,
        )

    @classmethod
    def rate_limited(cls, retry_after: float | str | datetime | None = 1) -> Fault:
        """Answer 429 with the documented body and ``Retry-After`` (seconds or a date)."""
        return cls(status=429, retry_after=_retry_after(retry_after))

    @classmethod
    def unavailable(cls, retry_after: float | str | datetime | None = None) -> Fault:
        """Answer 503, with ``Retry-After`` when given."""
        return cls(status=503, retry_after=_retry_after(retry_after))

    @classmethod
    def cut(cls, after: int) -> Fault:
        """Cut the connection mid-frame after ``after`` events."""
        return cls(actions=(Action(ActionKind.CUT, after),))

    @classmethod
    def stall(cls, after: int, seconds: float) -> Fault:
        """Go silent (no bytes, no heartbeat) for ``seconds`` after ``after`` events."""
        return cls(actions=(Action(ActionKind.STALL, after, seconds=seconds),))

    @classmethod
    def reset(cls, after: int) -> Fault:
        """Send ``event: reset`` after ``after`` events (proxy-logs), emptying the ring."""
        return cls(actions=(Action(ActionKind.RESET, after),))

    @classmethod
    def scope_destroyed(cls, after: int) -> Fault:
        """Send ``event: scope-destroyed`` after ``after`` events (proxy-logs), then close."""
        return cls(actions=(Action(ActionKind.SCOPE_DESTROYED, after),))

    @classmethod
    def garbage(cls, after: int) -> Fault:
        """Insert one non-JSON frame after ``after`` events."""
        return cls(actions=(Action(ActionKind.GARBAGE, after),))

    @classmethod
    def end(cls, after: int) -> Fault:
        """End the stream cleanly after ``after`` events."""
        return cls(actions=(Action(ActionKind.END, after),))

    @classmethod
    def drop(cls, after: int) -> Fault:
        """Instant Logs: drop the WebSocket without a close frame after ``after`` records."""
        return cls(actions=(Action(ActionKind.DROP, after),))

    @classmethod
    def expire(cls, after: int) -> Fault:
        """Instant Logs: end the session (as its time limit would) after ``after`` records."""
        return cls(actions=(Action(ActionKind.EXPIRE, after),))

    @classmethod
    def framing(cls, *, line_ending: LineEnding = "\n", split_data: bool = False) -> Fault:
        """Serve frames with other line ends and/or data split over several lines."""
        return cls(line_ending=line_ending, split_data=split_data)


def _retry_after(value: float | str | datetime | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_datetime(value, usegmt=True)
    return str(max(0, math.ceil(value)))


@dataclass(slots=True)
class FaultRun:
    """The live state of one connection's actions: which fires next, after how many events."""

    fault: Fault
    rng: random.Random
    _next: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self._next = [self._first(action) for action in self.fault.actions]

    def _first(self, action: Action) -> float:
        if action.random_interval:
            return self.rng.randint(1, max(1, 2 * action.after - 1))
        return action.after

    def due(self, sent: int) -> list[Action]:
        """The actions that fire now that ``sent`` events have gone out, in script order."""
        fired: list[Action] = []
        for index, action in enumerate(self.fault.actions):
            if self._next[index] <= sent:
                fired.append(action)
                if action.every is None:
                    self._next[index] = math.inf
                elif action.random_interval:
                    self._next[index] = sent + self.rng.randint(1, max(1, 2 * action.every - 1))
                else:
                    self._next[index] = sent + action.every
        return fired

    def cut_length(self, frame: bytes) -> int:
        """How many bytes of ``frame`` (one whole encoded event) a cut sends: at least one, and
        never so many that the event is complete. With CRLF line ends, all but the last byte
        would already end in a blank line (a lone CR ends a line), so at least a whole line
        end is held back."""
        return self.rng.randint(1, len(frame) - len(self.fault.line_ending))

    def room(self, sent: int) -> float:
        """How many events may be sent before the next action fires (may be infinite)."""
        return min(self._next, default=math.inf) - sent


class FaultBook:
    """Decides the fault for each new connection: the test script first, then the spec.

    Thread-safe: tests script from their own thread while the server loop reads.
    """

    def __init__(
        self, spec: FaultSpec | None = None, *, seed: int = 0,
        only: frozenset[Endpoint] = frozenset(),
    ) -> None:
        """``only``: the endpoints ``spec`` applies to (empty: every one)."""
        self._spec = spec
        self._only = only
        self._rng = random.Random(f"faults:{seed}")
        self._scripts: dict[Endpoint, deque[Fault | None]] = {}
        self._counts: dict[Endpoint, int] = {}
        self._lock = threading.Lock()

    def script(self, endpoint: Endpoint | str, faults: Iterable[Fault | None]) -> None:
        """Give the next connections to ``endpoint`` these faults, one each, in order.

        ``None`` (or ``Fault()``) is a healthy connection. Replaces any unused script for
        that endpoint. Once the script is used up, connections follow the ``--faults`` spec.
        """
        with self._lock:
            self._scripts[Endpoint(endpoint)] = deque(faults)

    def pending(self, endpoint: Endpoint | str) -> int:
        """How many scripted faults are still waiting for a connection."""
        with self._lock:
            return len(self._scripts.get(Endpoint(endpoint), ()))

    def connections(self, endpoint: Endpoint | str) -> int:
        """How many connections (requests) ``endpoint`` has had so far."""
        with self._lock:
            return self._counts.get(Endpoint(endpoint), 0)

    def clear(self) -> None:
        """Drop every unused script (the spec still applies)."""
        with self._lock:
            self._scripts.clear()

    def next_run(self, endpoint: Endpoint) -> FaultRun:
        """Count a new connection to ``endpoint`` and decide its fault."""
        with self._lock:
            index = self._counts.get(endpoint, 0)
            self._counts[endpoint] = index + 1
            script = self._scripts.get(endpoint)
            if script:
                fault = script.popleft() or Fault()
            elif self._spec is not None and (not self._only or endpoint in self._only):
                fault = self._spec.fault_for(endpoint, index)
            else:
                fault = Fault()
            return FaultRun(fault, random.Random(self._rng.getrandbits(64)))

