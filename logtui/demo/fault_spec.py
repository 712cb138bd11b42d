"""The ``--faults`` language: periodic or random faults for every stream connection.

The grammar is documented once, in :data:`logtui.demo.fault_grammar.GRAMMAR` (also shown by
``logtui demo-server --help``); this module parses it into per-connection :class:`Fault` values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from logtui.core.errors import ConfigError
from logtui.demo.faults import (
    STREAM_ENDPOINTS,
    Action,
    ActionKind,
    Endpoint,
    Fault,
    LineEnding,
)

_ONCE = {
    "cut": ActionKind.CUT,
    "end": ActionKind.END,
    "reset": ActionKind.RESET,
    "scope": ActionKind.SCOPE_DESTROYED,
    "drop": ActionKind.DROP,
    "expire": ActionKind.EXPIRE,
}
_REPEATING = {"stall": ActionKind.STALL, "garbage": ActionKind.GARBAGE}
_SOCKET_ACTIONS = frozenset({ActionKind.DROP, ActionKind.EXPIRE})
_EOL: dict[str, LineEnding] = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
_COUNT = re.compile(r"(~?)([1-9][0-9]*)")
_REFUSAL = re.compile(r"([0-9]+)(?:/([1-9][0-9]*))?(?::([0-9]+))?")


@dataclass(frozen=True, slots=True)
class _Refusal:
    status: int
    count: int
    period: int | None
    retry_after: int

    def applies(self, index: int) -> bool:
        position = index % self.period if self.period else index
        return position < self.count


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """A parsed ``--faults`` value; :meth:`fault_for` turns it into per-connection faults."""

    stream_actions: tuple[Action, ...] = ()
    socket_actions: tuple[Action, ...] = ()
    refusals: tuple[_Refusal, ...] = ()
    line_ending: LineEnding = "\n"
    split_data: bool = False
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """Parse the grammar in this module's docstring; raises ConfigError naming the item."""
        stream: list[Action] = []
        socket: list[Action] = []
        refusals: list[_Refusal] = []
        line_ending: LineEnding = "\n"
        split = False
        for raw_item in text.split(","):
            item = raw_item.strip()
            if not item:
                continue
            name, _, value = item.partition("=")
            name = name.strip().lower()
            value = value.strip()
            if name == "split" and not value:
                split = True
            elif name == "eol" and value.lower() in _EOL:
                line_ending = _EOL[value.lower()]
            elif name in _ONCE:
                action = _count_action(_ONCE[name], item, value, repeat=False)
                (socket if action.kind in _SOCKET_ACTIONS else stream).append(action)
            elif name in _REPEATING:
                stream.append(_count_action(_REPEATING[name], item, value, repeat=True))
            elif name in ("429", "503"):
                refusals.append(_refusal(int(name), item, value))
            else:
                raise ConfigError(
                    f"--faults: unknown item {item!r}; see 'logtui demo-server --help'"
                )
        return cls(tuple(stream), tuple(socket), tuple(refusals), line_ending, split, text)

    def fault_for(self, endpoint: Endpoint, index: int) -> Fault:
        """The fault for the ``index``-th (0-based) connection to ``endpoint``."""
        if endpoint == Endpoint.INSTANT_LOGS_SOCKET:
            return Fault(actions=self.socket_actions)
        if endpoint not in STREAM_ENDPOINTS:
            return Fault()
        for refusal in self.refusals:
            if refusal.applies(index):
                return Fault(status=refusal.status, retry_after=str(refusal.retry_after))
        return Fault(
            actions=self.stream_actions,
            line_ending=self.line_ending,
            split_data=self.split_data,
        )


def _count_action(kind: ActionKind, item: str, value: str, *, repeat: bool) -> Action:
    count, _, seconds_text = value.partition(":")
    match = _COUNT.fullmatch(count.strip())
    if match is None:
        raise ConfigError(f"--faults: {item!r} needs a positive event count, like {kind}=100")
    seconds = 0.0
    if kind == ActionKind.STALL:
        try:
            seconds = float(seconds_text)
        except ValueError:
            raise ConfigError(
                f"--faults: {item!r} needs a duration in seconds, like stall=2000:20"
            ) from None
        if not 0 < seconds <= 3600:
            raise ConfigError(f"--faults: {item!r}: the stall must be 0-3600 seconds")
    elif seconds_text:
        raise ConfigError(f"--faults: {item!r} takes only an event count")
    every = int(match.group(2))
    return Action(
        kind, every, seconds=seconds, every=every if repeat else None,
        random_interval=match.group(1) == "~",
    )


def _refusal(status: int, item: str, value: str) -> _Refusal:
    match = _REFUSAL.fullmatch(value)
    if match is None:
        raise ConfigError(
            f"--faults: {item!r} should look like {status}=K, {status}=K/P or {status}=K:SECONDS"
        )
    count = int(match.group(1))
    period = int(match.group(2)) if match.group(2) else None
    retry_after = int(match.group(3)) if match.group(3) else 1
    return _Refusal(status, count, period, retry_after)
