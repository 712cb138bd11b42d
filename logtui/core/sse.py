"""An incremental Server-Sent Events decoder that follows the WHATWG parsing rules exactly.

Events are ``httpx_sse.ServerSentEvent`` values, so code written against httpx-sse reads them
unchanged, but the decoder is our own. httpx-sse 0.4.3 gets these wrong (each checked against
0.4.3's ``_decoders.py`` and ``_api.py``):

- Once any ``id`` has been seen, every later blank line dispatches an event, because "nothing
  to dispatch" is tested with ``not self._last_event_id``: a ``:`` heartbeat after an id becomes
  an empty ``message`` event (httpx-sse issue #35). Blocks holding only ``event``, ``id`` or
  ``retry`` fields are dispatched with empty data too; the spec dispatches nothing without data.
- The body is decoded with the charset from ``Content-Type`` (``response.aiter_text()``); the
  spec says UTF-8 always, so ``charset=latin-1`` over a UTF-8 body turns ``é`` into ``Ã©``.
- A leading byte order mark is not stripped, so the first line of the stream is lost.
- ``retry`` is parsed with ``int()``, which accepts ``+5``, ``-5``, ``1_000``, surrounding
  spaces and non-ASCII digits such as ``٣``; nothing is clamped; and ``int()`` of more than 4300
  digits raises ``ValueError`` in Python 3.11+ (it is caught, so it only drops the field).
- It keeps no committed "last event id" apart from the buffer the ``id`` line sets, and nothing
  bounds memory: one endless line grows without limit.

What 0.4.3 gets right and we keep: lines split only on CR, LF and CRLF (not ``str.splitlines``,
so U+2028, U+0085, VT and FS stay inside data; older releases got this wrong), a CR at the end of
one chunk paired with an LF at the start of the next, and a cut-off final block not dispatched.

The decoder works on bytes: it finds the last line end of each chunk with ``bytes.rfind``,
decodes everything before it in one call (UTF-8, U+FFFD for invalid sequences; cutting only at
CR/LF keeps multi-byte sequences whole), and keeps a cut-off line as a list of chunks joined
once, so a 16 MiB line costs linear time. A block larger than ``max_event_bytes`` is dropped
with bounded memory: buffering stops, the drop is counted in ``oversized``, and decoding resumes
after the next blank line. The size is the block's data buffer in decoded characters, or the
raw bytes of a line still arriving (so a long comment line counts too); near the limit the two
measures can disagree by the UTF-8 width of the text, which matters only at the very edge.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Collection, Iterator, Sequence
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Final, overload

from httpx_sse import ServerSentEvent

from logtui.core.constants import DEFAULT_MAX_EVENT_BYTES

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_MAX_RETRY_MS",
    "Frame",
    "FrameColumns",
    "SSEDecoder",
    "ServerSentEvent",
    "aiter_sse",
    "aiter_sse_batches",
]

DEFAULT_MAX_RETRY_MS: Final = 10 * 60 * 1000
"""The longest reconnection time a server may ask for with ``retry:`` (ten minutes)."""

_BOM: Final = b"\xef\xbb\xbf"
_LF: Final = 0x0A
_CR: Final = 0x0D
_BLANK_LINE: Final = re.compile(rb"(?>\r\n|\r|\n)(?>\r\n|\r|\n)")
"""Two line ends in a row; atomic groups keep a CRLF from counting as two."""
_MAX_RETRY_DIGITS: Final = 15
_AFTER_DATA: Final = itemgetter(slice(len("data: "), None))
_EVENT_ID: Final = itemgetter(0)
_EVENT_DATA: Final = itemgetter(1)
_EVENT_TYPE: Final = itemgetter(2)

Frame = tuple[str, str, str]
"""One dispatched event as ``(id, data, event type)``; the type is ``""`` for ``message``."""


class FrameColumns(Sequence[Frame]):
    """A chunk's frames when all of them are plain messages: ids and data as two lists.

    Reads as the frames themselves (every type ``""``); a reader that wants the columns (the
    ingest path) takes ``ids`` and ``data`` without a tuple per frame being made or undone.
    """

    __slots__ = ("data", "ids", "one_line")

    def __init__(self, ids: list[str], data: list[str], *, one_line: bool = False) -> None:
        self.ids = ids
        self.data = data
        self.one_line = one_line
        """True when it is known that no data holds a line break (each came from one
        ``data`` line), so a writer of lines need not look."""

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Frame: ...

    @overload
    def __getitem__(self, index: slice) -> list[Frame]: ...

    def __getitem__(self, index: int | slice) -> Frame | list[Frame]:
        if isinstance(index, slice):
            return list(zip(self.ids[index], self.data[index], repeat(""), strict=False))
        return self.ids[index], self.data[index], ""

    def __iter__(self) -> Iterator[Frame]:
        return zip(self.ids, self.data, repeat(""))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | tuple | FrameColumns):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FrameColumns({list(self)!r})"


class SSEDecoder:
    """Turns the bytes of an event stream into events, one chunk at a time.

    ``feed`` returns the events that each chunk completes; ``close`` ends the stream and
    discards a block the server did not finish. After ``close`` the same decoder can read the
    next connection's stream: ``last_event_id`` and ``retry_ms`` carry over, the way an
    ``EventSource`` keeps them across reconnects.

    ``last_event_id`` follows the spec's "last event ID string": an ``id`` line only sets a
    buffer, and the buffer is committed when its block ends with a blank line. That happens
    even for a block with no data, which dispatches nothing (an ``id`` followed by a heartbeat
    moves the id forward but produces no event). An ``id`` in a block cut off by the end of the
    stream, or in an oversized block, is never committed. Each event's ``id`` is the committed
    id at its dispatch.

    ``dataless_events`` names event types that are dispatched (with empty data) even when
    their block has no ``data`` line, a deliberate, opt-in departure from the spec for control
    events such as ``scope-destroyed`` that a server might send bare. ``last_event_id`` seeds
    the id of events before the stream's first ``id`` line, as browsers do after a reconnect.

    Chunks of frames in the common shape (``id: N``, ``data: ...``, blank line) are split
    with a few string operations per chunk instead of line by line; ``fast_path=False`` turns
    that off, so tests can check that both paths agree.
    """

    __slots__ = (
        "_after_cr",
        "_at_start",
        "_block_retry",
        "_columns",
        "_data",
        "_data_size",
        "_dataless_events",
        "_event_type",
        "_fast",
        "_id_buffer",
        "_max_event_bytes",
        "_max_retry_ms",
        "_pending",
        "_pending_size",
        "_skip_at_line_start",
        "_skipping",
        "last_event_id",
        "oversized",
        "retry_ms",
    )

    def __init__(
        self,
        *,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_retry_ms: int = DEFAULT_MAX_RETRY_MS,
        last_event_id: str = "",
        dataless_events: Collection[str] = (),
        fast_path: bool = True,
    ) -> None:
        if max_event_bytes < 1:
            raise ValueError("max_event_bytes must be positive")
        if max_retry_ms < 0:
            raise ValueError("max_retry_ms must not be negative")
        self._max_event_bytes = max_event_bytes
        self._max_retry_ms = max_retry_ms
        self._dataless_events = frozenset(dataless_events)
        self._fast = fast_path
        self.last_event_id: str = last_event_id
        """The id a reconnect should resume from ("" when none), committed at block ends."""
        self.retry_ms: int | None = None
        """The server's last valid ``retry`` in milliseconds, at most ``max_retry_ms``; None if
        never sent. 0 is kept as the spec allows it; ``Backoff`` puts a floor under it."""
        self.oversized: int = 0
        """How many events were dropped for exceeding ``max_event_bytes``."""
        self._pending: list[bytes | memoryview] = []
        self._pending_size = 0
        self._after_cr = False
        self._at_start = True
        self._skipping = False
        self._skip_at_line_start = False
        self._columns: tuple[int, list[str], list[str]] | None = None
        """Frames the fast path took in this feed, as columns, and how many frames came
        before them (the rest of the frames came after)."""
        self._reset_block()

    def _reset_block(self) -> None:
        self._data: list[str] = []
        self._data_size = 0
        self._event_type = ""
        self._block_retry: int | None = None
        self._id_buffer = self.last_event_id

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one chunk of the body; return the events it completes, in order."""
        marks: list[tuple[int, int]] = []
        frames = self._feed(chunk, marks)
        if not marks:
            return [ServerSentEvent(event, data, id_) for id_, data, event in frames]
        retries = dict(marks)
        return [
            ServerSentEvent(event, data, id_, retries.get(index))
            for index, (id_, data, event) in enumerate(frames)
        ]

    def feed_frames(self, chunk: bytes) -> Sequence[Frame]:
        """Like :meth:`feed`, as ``(id, data, event type)`` tuples: the cheap form for ingest.

        The event type is ``""`` for an event without an ``event`` field (a ``message``); a
        block's ``retry`` is not repeated per event (read :attr:`retry_ms`). When the fast
        path took every frame of the chunk, they come as :class:`FrameColumns`.
        """
        frames = self._feed(chunk, None)
        columns = self._columns
        if columns is None:
            return frames
        self._columns = None
        before, ids, data = columns
        if not frames:
            return FrameColumns(ids, data, one_line=True)
        if any(map(_EVENT_TYPE, frames)):  # a named event: frames as tuples, in order
            return [*frames[:before], *zip(ids, data, repeat(""), strict=False),
                    *frames[before:]]
        # Plain messages before or after the columns (a frame a chunk boundary cut, a
        # heartbeat): they join the columns, so the chunk still travels as two lists.
        if before:
            ids[:0] = map(_EVENT_ID, frames[:before])
            data[:0] = map(_EVENT_DATA, frames[:before])
        if before < len(frames):
            ids += map(_EVENT_ID, frames[before:])
            data += map(_EVENT_DATA, frames[before:])
        one_line = not any("\n" in text for text in map(_EVENT_DATA, frames))
        return FrameColumns(ids, data, one_line=one_line)

    def _feed(self, chunk: bytes, marks: list[tuple[int, int]] | None) -> list[Frame]:
        """Decode one chunk into frames; ``marks`` collects (index, retry) of events whose
        block set a valid ``retry``."""
        frames: list[Frame] = []
        if not chunk:
            return frames
        if self._at_start:
            chunk = self._strip_bom(chunk)
            if not chunk:
                return frames
        if self._after_cr:
            self._after_cr = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
        while chunk:
            if self._skipping:
                chunk = self._skip(chunk)
                continue
            # The last line end: a CR can only be later than the last LF if it is after it,
            # so only that tail is searched for one (not the whole chunk, usually CR-free).
            end = chunk.rfind(b"\n")
            end = max(end, chunk.rfind(b"\r", end + 1))
            if end < 0:
                self._hold(chunk)
                break
            # Decoded from a view: slicing the bytes would copy nearly all of the chunk.
            head: bytes | memoryview = chunk
            tail = b""
            if end + 1 < len(chunk):
                head = memoryview(chunk)[: end + 1]
                tail = chunk[end + 1 :]
            if self._pending:
                self._pending.append(head)
                head = b"".join(self._pending)
                self._pending = []
                self._pending_size = 0
            if chunk[end] == _CR and not tail:
                self._after_cr = True
            text = str(head, "utf-8", "replace")
            if "\r" in text:  # CRLF first, then lone CRs: "\r\r\n" is CR then CRLF
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            if self._fast and len(text) <= self._max_event_bytes:
                self._lines_fast(text, frames, marks)
            else:
                lines = text.split("\n")
                lines.pop()  # the text ends with a line end, so the last piece is empty
                self._process(lines, frames, marks)
            if self._skipping:  # an oversized block began and has not ended yet
                self._skip_at_line_start = True
                chunk = tail
                continue
            if tail:  # holds no line end, by the choice of ``end``
                self._hold(tail)
            break
        return frames

    def _lines_fast(
        self, text: str, frames: list[Frame], marks: list[tuple[int, int]] | None
    ) -> None:
        """Decode complete lines, taking whole chunks of the common frame shape at C speed.

        The block in progress, if any, is finished by the general path first (up to its blank
        line). What follows is split into lines; when every three lines are ``id: <no NUL>``,
        ``data: ...`` and a blank line, the ids are cut out with one join and split and the
        data by slicing, with C-level ``map`` calls instead of a Python loop per line, and
        only the lines after the last whole frame (a frame the chunk cut off) go to the
        general path. For :meth:`feed_frames` the frames are kept as columns, which the
        plain messages the general path finished before and after them join.
        Anything else in those lines (a heartbeat, a named event, a second ``data`` line)
        sends them all to the general path.
        Each frame dispatches exactly as the general path would: the caller allows this only
        when the whole text is within ``max_event_bytes``, so no frame of it is oversized.
        """
        lines = text.split("\n")
        lines.pop()  # the text ends with a line end, so the last piece is empty
        if self._data or self._event_type or self._block_retry is not None or (
            self._id_buffer != self.last_event_id
        ):
            blank = lines.index("") + 1 if "" in lines else len(lines)
            self._process(lines[:blank], frames, marks)
            if blank == len(lines) or self._skipping:
                return
            del lines[:blank]
        whole = len(lines) - len(lines) % 3
        if whole:
            ids = "\n".join(lines[0:whole:3])
            data_lines = lines[1:whole:3]
            if (
                ids.startswith("id: ")
                and "\0" not in ids
                and not any(lines[2:whole:3])
                # Every data line starts with "data: " exactly when all of them sort from
                # "data: " up to, not including, "data:!" (" " is followed by "!"): two
                # C-level passes of comparisons, a third of the cost of a startswith each.
                and min(data_lines) >= "data: "
                and max(data_lines) < "data:!"
            ):
                # Lines hold no "\n", so each piece of the split starts exactly at a line
                # start, and there is one per line only if every line has the prefix.
                id_values = ids[4:].split("\nid: ")
                if len(id_values) == len(data_lines):
                    self.last_event_id = self._id_buffer = id_values[-1]
                    if marks is None and self._columns is None:  # for feed_frames
                        self._columns = (
                            len(frames), id_values, list(map(_AFTER_DATA, data_lines))
                        )
                        if whole == len(lines):
                            return
                        self._process(lines[whole:], frames, marks)
                        return
                    data_values = map(_AFTER_DATA, data_lines)
                    blanks = repeat("", len(id_values))
                    frames.extend(zip(id_values, data_values, blanks, strict=True))
                    if whole == len(lines):
                        return
                    lines = lines[whole:]
        self._process(lines, frames, marks)

    def close(self) -> None:
        """End of stream: discard a cut-off block (its id is never used) and expect a new one."""
        self._pending = []
        self._pending_size = 0
        self._after_cr = False
        self._at_start = True
        self._skipping = False
        self._skip_at_line_start = False
        self._reset_block()

    def _strip_bom(self, chunk: bytes) -> bytes:
        """Drop one leading UTF-8 byte order mark, even when it arrives split across chunks."""
        if self._pending:
            chunk = b"".join(self._pending) + chunk
            self._pending = []
            self._pending_size = 0
        if len(chunk) < len(_BOM) and _BOM.startswith(chunk):
            self._pending.append(chunk)
            self._pending_size = len(chunk)
            return b""
        self._at_start = False
        return chunk[len(_BOM) :] if chunk.startswith(_BOM) else chunk

    def _hold(self, piece: bytes) -> None:
        """Keep part of an unfinished line, or start skipping once the block is too large."""
        self._pending.append(piece)
        self._pending_size += len(piece)
        if self._pending_size + self._data_size > self._max_event_bytes:
            self._start_skipping()
            self._skip_at_line_start = False

    def _start_skipping(self) -> None:
        self.oversized += 1
        self._skipping = True
        self._pending = []
        self._pending_size = 0
        self._data = []
        self._data_size = 0

    def _skip(self, chunk: bytes) -> bytes:
        """Discard bytes of an oversized block up to its closing blank line; return the rest."""
        first = chunk[0]
        if self._skip_at_line_start and first in (_LF, _CR):
            end = 1
            if first == _CR:
                if len(chunk) == 1:
                    self._after_cr = True
                elif chunk[1] == _LF:
                    end = 2
            self._stop_skipping()
            return chunk[end:]
        match = _BLANK_LINE.search(chunk)
        if match is None:
            last = chunk[-1]
            self._skip_at_line_start = last in (_LF, _CR)
            self._after_cr = last == _CR
            return b""
        end = match.end()
        if end == len(chunk) and chunk[-1] == _CR:
            self._after_cr = True
        self._stop_skipping()
        return chunk[end:]

    def _stop_skipping(self) -> None:
        self._skipping = False
        self._skip_at_line_start = False
        self._reset_block()

    def _process(
        self, lines: list[str], frames: list[Frame], marks: list[tuple[int, int]] | None
    ) -> None:
        """Interpret complete lines (the hot loop: state lives in locals until the end)."""
        data = self._data
        size = self._data_size
        event_type = self._event_type
        id_buffer = self._id_buffer
        block_retry = self._block_retry
        last_event_id = self.last_event_id
        limit = self._max_event_bytes
        skipping = self._skipping
        dataless = self._dataless_events
        for line in lines:
            if not line:
                if skipping:
                    skipping = False
                    id_buffer = last_event_id
                elif data:
                    last_event_id = id_buffer
                    frames.append((last_event_id, "\n".join(data), event_type))
                    if block_retry is not None and marks is not None:
                        marks.append((len(frames) - 1, block_retry))
                    data = []
                else:
                    last_event_id = id_buffer
                    if event_type and event_type in dataless:
                        frames.append((last_event_id, "", event_type))
                        if block_retry is not None and marks is not None:
                            marks.append((len(frames) - 1, block_retry))
                size = 0
                event_type = ""
                block_retry = None
                continue
            if skipping:
                continue
            name, _, value = line.partition(":")
            if value and value[0] == " ":
                value = value[1:]
            if name == "data":
                size += len(value) + 1
                if size > limit:
                    self.oversized += 1
                    skipping = True
                    data = []
                    size = 0
                    continue
                data.append(value)
            elif name == "id":
                if "\0" not in value:
                    id_buffer = value
            elif name == "event":
                event_type = value
            elif name == "retry":
                retry = self._parse_retry(value)
                if retry is not None:
                    block_retry = self.retry_ms = retry
        self._data = data
        self._data_size = size
        self._event_type = event_type
        self._id_buffer = id_buffer
        self._block_retry = block_retry
        self.last_event_id = last_event_id
        self._skipping = skipping

    def _parse_retry(self, value: str) -> int | None:
        """ASCII digits only, in base ten, clamped to ``max_retry_ms``; anything else is None."""
        if not (value.isascii() and value.isdigit()):
            return None
        digits = value.lstrip("0")
        if len(digits) > _MAX_RETRY_DIGITS:
            return self._max_retry_ms
        return min(int(digits or "0"), self._max_retry_ms)


async def aiter_sse(
    response: httpx.Response, decoder: SSEDecoder
) -> AsyncGenerator[ServerSentEvent, None]:
    """Yield the events of a streaming response; the decoder is closed when the body ends.

    Content-Encoding is undone with a bound (:func:`~logtui.core.body.bounded_pieces`); the
    charset in Content-Type is ignored (always UTF-8).
    """
    from logtui.core.body import bounded_pieces

    try:
        async for chunk in bounded_pieces(response):
            for event in decoder.feed(chunk):
                yield event
    finally:
        decoder.close()


async def aiter_sse_batches(
    response: httpx.Response, decoder: SSEDecoder
) -> AsyncGenerator[list[ServerSentEvent], None]:
    """Like ``aiter_sse``, one non-empty list per network chunk: cheaper on the ingest path."""
    from logtui.core.body import bounded_pieces

    try:
        async for chunk in bounded_pieces(response):
            events = decoder.feed(chunk)
            if events:
                yield events
    finally:
        decoder.close()
