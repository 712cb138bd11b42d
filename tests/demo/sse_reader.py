"""A small SSE reader for the demo server's tests, independent of the project's own decoder.

It keeps what the tests assert on: every dispatched event with its name, id and data, every
comment line (heartbeats), and the raw bytes received.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

_LINE = re.compile(rb"\r\n|\r|\n")


@dataclass
class Event:
    """A dispatched event, or a comment when ``comment`` is set."""

    data: str = ""
    event: str = "message"
    id: str | None = None
    comment: bool = False

    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class SseReader:
    """Parses chunks into events; ``raw`` keeps every byte seen."""

    raw: bytearray = field(default_factory=bytearray)
    _pending: bytes = b""
    _data: list[str] = field(default_factory=list)
    _event: str = ""
    _id: str | None = None
    _skip_lf: bool = False

    def feed(self, chunk: bytes) -> list[Event]:
        self.raw += chunk
        if self._skip_lf and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the second half of a CRLF split across chunks
        buffer = self._pending + chunk
        self._skip_lf = buffer.endswith(b"\r")
        out: list[Event] = []
        lines = _LINE.split(buffer)
        self._pending = lines.pop()
        for line in lines:
            out.extend(self._line(line.decode("utf-8")))
        return out

    def _line(self, line: str) -> list[Event]:
        if line == "":
            if not self._data:
                self._event = ""
                return []
            event = Event("\n".join(self._data), self._event or "message", self._id)
            self._data, self._event = [], ""
            return [event]
        if line.startswith(":"):
            return [Event(line[1:], comment=True)]
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        return []


def _all_events(response: httpx.Response) -> Iterator[Event]:
    reader = SseReader()
    response.extensions["sse_reader"] = reader
    for chunk in response.iter_raw():
        yield from reader.feed(chunk)


def iter_events(response: httpx.Response, *, comments: bool = False) -> Iterator[Event]:
    """Events from a streaming response as they arrive (comments only when asked).

    Calls on the same response continue where the previous one stopped.
    """
    source = response.extensions.get("sse_events")
    if source is None:
        source = _all_events(response)
        response.extensions["sse_events"] = source
    for event in source:
        if comments or not event.comment:
            yield event


def take(response: httpx.Response, count: int, *, comments: bool = False) -> list[Event]:
    """The next ``count`` events of a streaming response."""
    events: list[Event] = []
    if count == 0:
        return events
    for event in iter_events(response, comments=comments):
        events.append(event)
        if len(events) == count:
            break
    return events


def read_all(response: httpx.Response, *, comments: bool = False) -> list[Event]:
    """Every remaining event until the server ends the response."""
    return list(iter_events(response, comments=comments))
