"""Shared machinery for sources that stream Server-Sent Events over HTTP.

Opens the stream with :mod:`logtui.core.http` (safe redirects, status mapping), reads raw bytes
and decodes them with :class:`logtui.core.sse.SSEDecoder` rather than httpx-sse's ``aiter_sse``:
httpx-sse splits lines with ``str.splitlines`` (so U+2028 and friends break an event), turns
heartbeats after an ``id`` into empty events, commits ids of events cut off at end of stream and
accepts any ``retry`` text. Subclasses say what a URL, a header and an event mean for their API.
"""

from __future__ import annotations

import abc
import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from operator import attrgetter
from typing import Any, ClassVar, Final

import httpx

from logtui.core.batch import EntryBatch
from logtui.core.body import bounded_pieces
from logtui.core.constants import DEFAULT_MAX_EVENT_BYTES
from logtui.core.errors import FatalSourceError, TransientSourceError
from logtui.core.http import (
    get_json,
    make_client,
    raise_for_status,
    send_following_redirects,
    transport_error,
    wire_headers,
    with_params,
)
from logtui.core.models import Entry, Notice, Origin
from logtui.core.payload import (
    CHECK_ERRORS,
    SHALLOW_LENGTH,
    LazyObject,
    fast_loads,
    key_checker,
    lenient_loads,
    parse_json,
    too_deep,
)
from logtui.core.redact import redact_url
from logtui.core.sanitize import safe_line
from logtui.core.sources.base import (
    Chunk,
    Connection,
    ConnectPlan,
    Control,
    ResumeRejected,
    Source,
)
from logtui.core.sources.owned_client import OwnedClient
from logtui.core.sse import Frame, FrameColumns, SSEDecoder

MIN_SCRUBBED: Final = 6
"""Credentials shorter than this are not scrubbed from server messages (see secret_values)."""
MAX_NOTICES_PER_CHUNK: Final = 3
"""A burst of malformed frames is counted in full but only the first few are described."""
_KEY_OF: Final = attrgetter("key")
_BATCH_MIN: Final = 4
"""Frames in a chunk from which checking them all at once beats going frame by frame."""
STREAM_HEADERS: Final = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
"""Sent with every stream request unless given otherwise: what the SSE spec has clients send
(and what keeps a cache or proxy from answering from, or buffering, a stored copy)."""
READ_SIZE: Final = 256 * 1024
"""Bytes asked of the socket per read of a response body (httpcore's default is 64 KiB)."""
SMALL_READ: Final = 16 * 1024
"""A read that brought less than this found one or a few events of a paced stream."""
READ_PAUSE: Final = 0.05
"""Seconds before the next read after a small one. A server that writes each event as it
happens (a thousand a second, in as many writes) is then read fifty events at a time instead
of one or ten: every read costs the same fixed work whatever it brings (a trip through the
event loop and the HTTP layer, the decoder, the engine, packing and handing over to the
dashboard), which at a thousand events a second was half of logtui's CPU (this thread's share
at 1,000/s: 3.3 % of a core with a 30 ms pause, 2.5 % with 50 ms). The pause is one of the
dashboard's frame intervals, so an entry waits for its read no longer than for its frame; the
events wait in the socket, and a big read (a backlog, a fast stream) is followed by the next
at once."""
_HEADER_VALUE: Final = re.compile(rb"[\x21-\x7e\x80-\xff]+(?:[ \t]+[\x21-\x7e\x80-\xff]+)*")
"""An HTTP field value (RFC 9110 5.5): no controls, no space or tab at either end. An SSE id
may be anything but NUL and line breaks, so not every id can go back in ``Last-Event-ID``."""


def fits_in_header(value: str) -> bool:
    """Whether ``value`` can be sent as an HTTP header value exactly as it is."""
    return _HEADER_VALUE.fullmatch(value.encode("utf-8", "surrogatepass")) is not None


def widen_body_reads(size: int = READ_SIZE) -> None:
    """Let httpcore read HTTP/1.1 bodies up to ``size`` bytes at a time.

    Every read of a streamed body costs a trip through anyio, h11, httpx and the SSE decoder,
    and httpcore reads at most 64 KiB, so a burst pays that trip for every 64 KiB (and, with
    server chunks misaligned to reads, every 32 KiB on average). ``recv`` returns what has
    arrived without waiting for more, so a larger limit only matters when data is waiting.
    httpcore has no public setting for it; ``READ_NUM_BYTES`` is a class attribute, raised
    here, never lowered, and left alone if a future httpcore drops it.
    """
    try:
        from httpcore._async.http11 import AsyncHTTP11Connection
    except ImportError:  # pragma: no cover - httpcore reorganised
        return
    current = getattr(AsyncHTTP11Connection, "READ_NUM_BYTES", None)
    if isinstance(current, int) and current < size:
        AsyncHTTP11Connection.READ_NUM_BYTES = size


def entry_from_text(
    text: str,
    *,
    origin: Origin,
    event_id: str | None,
    key_field: str | None,
    allow_text: bool,
) -> Entry | None:
    """Parse one payload into an :class:`Entry`; None when it is not JSON and text is not allowed.

    A JSON value that is not an object is wrapped as ``{"value": v}``; accepted plain text becomes
    ``{"message": text}`` with ``is_json=False``.
    """
    try:
        data = parse_json(text)
    except ValueError:
        if not allow_text:
            return None
        return Entry(raw=text, data={"message": text}, origin=origin, event_id=event_id,
                     is_json=False)
    parsed = data if type(data) is dict else None
    if parsed is None:
        data = {"value": data}
    key = None
    if key_field is not None:
        value = data.get(key_field)
        if value is not None:
            key = str(value)
    return Entry(raw=text, data=data, origin=origin, event_id=event_id, key=key, parsed=parsed)


def malformed_notice(text: str) -> Notice:
    """Describe a frame that was skipped because it is not JSON (excerpt sanitised)."""
    excerpt = safe_line(text[:80])
    return Notice("warning", f"skipped a frame that is not JSON: {excerpt!r}")


class SSESource(Source):
    """A source whose live stream is SSE over HTTP; subclasses fill in the API specifics."""

    CREDENTIAL_HINT: ClassVar[str] = "check the credentials"
    """What the user should do when the server refuses the credentials."""
    CONTROL_EVENTS: ClassVar[Mapping[str, Control]] = {}
    """Named events that change the engine's course."""
    ENTRY_EVENTS: ClassVar[frozenset[str] | None] = frozenset({"message"})
    """Event names whose data is an entry; None: every event with data."""
    SILENCE_CHECK: ClassVar[float] = 30.0
    """Seconds of a resumed stream without entries between two :meth:`check_silence` calls."""
    RESUME_IN_HEADER: ClassVar[bool] = True
    """Whether the resume id travels in ``Last-Event-ID`` (NextDNS puts it in the query)."""
    KEY_FIELD: ClassVar[str | None] = None
    """The payload field that identifies an entry for de-duplication, if the API has one."""
    ALLOW_TEXT: ClassVar[bool] = False
    """Whether non-JSON data is an entry (generic SSE) or a malformed frame (known APIs)."""

    def __init__(
        self,
        *,
        url: str,
        headers: Mapping[str, str],
        filters: Mapping[str, str],
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        clock: Callable[[], float] = time.time,
        client_factory: Callable[[], httpx.AsyncClient] = make_client,
        credential_hint: str | None = None,
    ) -> None:
        self._url = url
        self.credential_hint = credential_hint or self.CREDENTIAL_HINT
        """What a refusal of the credentials says to do (see ``SourceConfig.credential_hint``)."""
        self._headers = dict(headers)
        self._filters = {k: v for k, v in filters.items() if v != ""}
        self._max_event_bytes = max_event_bytes
        self._clock = clock
        self._http = OwnedClient(client_factory)
        self._check: Callable[[str], Any] | None = None
        self._warned_unsendable = False
        self._unknown_events: set[str] = set()
        """Event names met that the API does not document; each is reported once."""

    def defer_parsing(self) -> None:
        """Only check live payloads and read their key; parse one when its ``data`` is read.

        For a sink that writes the original text and reads no field (headless NDJSON): each
        entry's ``data`` is then a :class:`~logtui.core.payload.LazyObject`. What is
        malformed, and each key, stay exactly as with a full parse. Without msgspec installed
        this does nothing.
        """
        self._check = key_checker(self.KEY_FIELD)

    # -- Source API -------------------------------------------------------------------------

    @property
    def description(self) -> str:
        return f"{self.kind} {redact_url(self._url)}"

    @property
    def url(self) -> str:
        return redact_url(self._url)

    @property
    def filters(self) -> Mapping[str, str]:
        return dict(self._filters)

    def set_filters(self, params: Mapping[str, str]) -> None:
        self._filters = {k: v for k, v in params.items() if v != ""}

    async def open(self) -> None:
        widen_body_reads()
        self._http.open()

    async def aclose(self) -> None:
        await self._http.aclose()

    @asynccontextmanager
    async def connect(self, plan: ConnectPlan) -> AsyncIterator[Connection]:
        client = self.client
        if self.RESUME_IN_HEADER and plan.resume_id and not fits_in_header(plan.resume_id):
            raise ResumeRejected(
                f"the event id {safe_line(plan.resume_id[:80])!r} cannot be sent back in a"
                " Last-Event-ID header"
            )
        before, plan = await self.before_stream(plan)
        url, params, headers = self.stream_request(plan)
        what = redact_url(url)
        sent = httpx.Headers(wire_headers(headers))
        for name, value in STREAM_HEADERS.items():
            sent.setdefault(name, value)
        request = client.build_request("GET", with_params(url, params), headers=sent)
        try:
            async with asyncio.timeout(plan.answer_within):
                response = await send_following_redirects(client, request, stream=True)
        except httpx.HTTPError as error:
            raise transport_error(what, error) from error
        except TimeoutError as error:
            raise TransientSourceError(
                f"{what} did not answer within {plan.answer_within:g} s"
            ) from error
        try:
            try:
                await raise_for_status(
                    response,
                    what=what,
                    credential_hint=self.credential_hint,
                    now=self._clock(),
                    expect_event_stream=True,
                    secrets=self.secret_values(),
                )
            except FatalSourceError as error:
                if response.status_code == 400 and plan.resume_id:
                    raise ResumeRejected(f"{what} refused the saved position ({error})") from error
                explained = self.explain_refusal(error, response.status_code)
                if explained is not error:
                    raise explained from error
                raise
            yield self._chunks(response, before, plan, what)
        finally:
            await response.aclose()

    # -- hooks for subclasses ---------------------------------------------------------------

    @abc.abstractmethod
    def stream_request(self, plan: ConnectPlan) -> tuple[str, dict[str, str], dict[str, str]]:
        """The stream's URL, query parameters and headers for ``plan``."""

    async def before_stream(self, plan: ConnectPlan) -> tuple[Sequence[Chunk], ConnectPlan]:
        """Work done before the stream opens (NextDNS history); may change the plan."""
        return (), plan

    def after_open(self, plan: ConnectPlan) -> AsyncIterator[Chunk] | None:
        """Chunks fetched once the stream is open but before it is read (proxy history)."""
        return None

    def stitch(self, first_live: Sequence[Entry]) -> AsyncIterator[Chunk] | None:
        """Chunks to hand on before a connection's first live entries (proxy: what was written
        between the catch-up reads and the moment the stream really began)."""
        return None

    async def check_silence(self) -> Chunk | None:
        """Called every :data:`SILENCE_CHECK` seconds while a resumed stream has sent no entry:
        a chunk with a control when the server has entries the stream is not sending (an id
        it no longer places, such as a ring sequence from before a restart)."""
        return None

    def explain_refusal(self, error: FatalSourceError, status: int) -> FatalSourceError:
        """The error to raise when the stream request was refused: ``error`` itself, or one
        that names what this API's rules say is wrong (proxy: a filter the port forbids)."""
        return error

    def control_event(self, name: str, text: str, notices: list[Notice]) -> Control | None:
        """What a control event means; may add notices. None: carry on reading."""
        return self.CONTROL_EVENTS.get(name)

    def _unknown_event(self, name: str, notices: list[Notice]) -> None:
        """Report an undocumented event name once; its data is still read as an entry, since
        a dropped event would be lost for good once the resume id moved past it."""
        if name in self._unknown_events or len(self._unknown_events) >= 100:
            return
        self._unknown_events.add(name)
        notices.append(Notice(
            "warning",
            f"the server sent events named {safe_line(name[:80])!r}, which this API does not"
            " document; showing them as entries",
        ))

    # -- helpers ----------------------------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        """The open HTTP client; the source must be opened first."""
        return self._http.client

    def auth_headers(self) -> dict[str, str]:
        """Headers sent on every request: the configured ones (credentials included)."""
        return dict(self._headers)

    def secret_values(self) -> list[str]:
        """Every header value (and its last word, the token of ``Bearer <token>``), to scrub
        from anything a server says back.

        Values under :data:`MIN_SCRUBBED` characters are left alone: starring every ``t`` of a
        message because the token is ``t`` would hide the message, not a secret.
        """
        values: list[str] = []
        for value in self.auth_headers().values():
            values.append(value)
            if " " in value.strip():
                values.append(value.split()[-1])
        return [value for value in values if len(value) >= MIN_SCRUBBED]

    async def _chunks(
        self, response: httpx.Response, before: Sequence[Chunk], plan: ConnectPlan, what: str
    ) -> AsyncIterator[Chunk]:
        stitched = False
        loop = asyncio.get_running_loop()
        next_check = loop.time() + self.SILENCE_CHECK if plan.resume_id else None
        for chunk in before:
            yield chunk
        catch_up = self.after_open(plan)
        if catch_up is not None:
            yield Chunk(catching_up=True)
            async for chunk in catch_up:
                chunk.catching_up = True
                yield chunk
            yield Chunk()  # caught up: the stream is timed again from here
        decoder = SSEDecoder(
            max_event_bytes=self._max_event_bytes,
            last_event_id=plan.resume_id or "",
            dataless_events=self.CONTROL_EVENTS.keys(),
        )
        oversized = decoder.oversized
        retry_ms = decoder.retry_ms
        last_event_id = decoder.last_event_id
        try:
            async for data in bounded_pieces(response, direct=True):
                chunk = self._decode(decoder.feed_frames(data))
                if decoder.last_event_id != last_event_id:
                    last_event_id = decoder.last_event_id
                    if chunk.control is None:
                        chunk.resume_id = self._keepable(last_event_id, chunk)
                if decoder.oversized != oversized:
                    chunk.oversized = decoder.oversized - oversized
                    oversized = decoder.oversized
                if decoder.retry_ms != retry_ms:
                    retry_ms = chunk.retry_ms = decoder.retry_ms
                if not stitched and chunk.entries:
                    stitched = True
                    stitch = self.stitch(chunk.entries)
                    if stitch is not None:
                        async for extra in stitch:
                            yield extra
                elif not stitched and next_check is not None and loop.time() >= next_check:
                    next_check = loop.time() + self.SILENCE_CHECK
                    verdict = await self.check_silence()
                    if verdict is not None:
                        yield verdict
                        return
                yield chunk
                if chunk.control is not None:
                    return
                if len(data) < SMALL_READ:
                    await asyncio.sleep(READ_PAUSE)
        except httpx.HTTPError as error:
            raise transport_error(what, error) from error
        finally:
            decoder.close()

    def _keepable(self, event_id: str, chunk: Chunk) -> str:
        """``event_id`` if a reconnect can send it back, else "" (cleared) and a warning, the
        first time: kept, it would fail every reconnect before a byte is sent."""
        if not self.RESUME_IN_HEADER or not event_id or fits_in_header(event_id):
            return event_id
        if not self._warned_unsendable:
            self._warned_unsendable = True
            then = ("a reconnect catches up from the log store" if self.catches_up
                    else "after a reconnect, entries sent in the meantime may be missing")
            chunk.notices = (*chunk.notices, Notice(
                "warning",
                f"the event id {safe_line(event_id[:80])!r} cannot be sent back in a"
                f" Last-Event-ID header; not keeping such ids, so {then}",
            ))
        return ""

    def _decode(self, frames: Sequence[Frame]) -> Chunk:
        """Turn one read's events into a chunk; stops at the first control event.

        The hot loop of the ingest path: :func:`entry_from_text` inlined, locals only. After
        :meth:`defer_parsing`, a payload the checker vouches for skips the full parse.
        """
        entries: list[Entry] = []
        append = entries.append
        malformed = 0
        notices: list[Notice] = []
        control: Control | None = None
        entry_events = self.ENTRY_EVENTS
        controls = self.CONTROL_EVENTS
        key_field = self.KEY_FIELD
        allow_text = self.ALLOW_TEXT
        check = self._check
        if check is not None and len(frames) >= _BATCH_MIN:
            whole_chunk = self._check_all(frames, check)
            if whole_chunk is not None:
                return whole_chunk
        fast, lenient, make = fast_loads, lenient_loads, Entry
        check_errors, lazy = CHECK_ERRORS, LazyObject
        for event_id, text, name in frames:
            name = name or "message"
            if entry_events is not None and name not in entry_events:
                if name in controls:
                    control = self.control_event(name, text, notices)
                    if control is not None:
                        break
                    continue
                self._unknown_event(name, notices)
            if check is not None:
                try:
                    if len(text) > SHALLOW_LENGTH and too_deep(text):
                        raise ValueError("checked by the full parse instead")
                    checked = check(text)
                except check_errors:
                    pass
                else:
                    key = None
                    if key_field is not None:
                        value = checked.key
                        if value is not None:
                            key = str(value)
                    append(make(text, lazy(text), "live", event_id or None, key))
                    continue
            try:
                try:
                    data = fast(text)
                except ValueError:
                    data = lenient(text)
            except ValueError:
                if allow_text:
                    append(make(text, {"message": text}, "live", event_id or None,
                                is_json=False))
                    continue
                malformed += 1
                if malformed <= MAX_NOTICES_PER_CHUNK:
                    notices.append(malformed_notice(text))
                continue
            parsed = data if type(data) is dict else None
            if parsed is None:
                data = {"value": data}
            key = None
            if key_field is not None:
                value = data.get(key_field)
                if value is not None:
                    key = str(value)
            append(make(text, data, "live", event_id or None, key, parsed=parsed))
        return Chunk(entries=entries, control=control, malformed=malformed, notices=notices)

    def _check_all(self, frames: Sequence[Frame], check: Callable[[str], Any]) -> Chunk | None:
        """The usual chunk after :meth:`defer_parsing`, with no Python loop per entry: every
        frame a ``message``, every payload short and vouched for by the checker. None when
        any of that fails; :meth:`_decode` then goes frame by frame and decides exactly.
        The entries come as an :class:`EntryBatch`, built only if something reads them."""
        if self.ENTRY_EVENTS is not None and "message" not in self.ENTRY_EVENTS:
            return None
        ids: Sequence[str]
        texts: Sequence[str]
        one_line = False
        if type(frames) is FrameColumns:  # the usual shape: no event names, no tuples
            ids, texts, one_line = frames.ids, frames.data, frames.one_line
        else:
            ids, texts, names = zip(*frames, strict=True)
            if any(names):
                return None
        if max(map(len, texts)) > SHALLOW_LENGTH:
            return None
        try:
            checked = list(map(check, texts))
        except CHECK_ERRORS:
            return None
        keys: list[str | None] | None = None
        if self.KEY_FIELD is not None:
            values = list(map(_KEY_OF, checked))
            if None in values:
                keys = [None if value is None else str(value) for value in values]
            else:
                keys = list(map(str, values))
        event_ids: Sequence[str | None] = ids
        if "" in ids:
            event_ids = [event_id or None for event_id in ids]
        return Chunk(entries=EntryBatch(texts, event_ids, keys, one_line=one_line))

    async def fetch_json(self, url: str, params: Mapping[str, str]) -> Any:
        """GET a JSON document from this API with its credentials."""
        return await get_json(
            self.client,
            url,
            params=params,
            headers=self.auth_headers(),
            what=redact_url(url),
            credential_hint=self.credential_hint,
            now=self._clock(),
            secrets=self.secret_values(),
        )


def require_list(value: object, what: str) -> list[Any]:
    """``value`` as a list, or an error naming the unexpected document.

    Fatal, not retried: a complete answer of the wrong shape will not change on a retry (a
    cut body is a transport error instead), and a retry loop would hide a wrong URL.
    """
    if not isinstance(value, list):
        raise FatalSourceError(f"{what} answered with an unexpected JSON shape; check the URL")
    return value


def entry_from_object(
    item: object, *, origin: Origin, key_field: str | None
) -> Entry:
    """An entry from an object inside a JSON document (history, backfill): compact raw text."""
    data = item if isinstance(item, dict) else {"value": item}
    raw = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    key = None
    if key_field is not None and data.get(key_field) is not None:
        key = str(data[key_field])
    return Entry(raw=raw, data=data, origin=origin, key=key)


__all__ = [
    "READ_SIZE",
    "STREAM_HEADERS",
    "SSESource",
    "entry_from_object",
    "entry_from_text",
    "malformed_notice",
    "require_list",
    "widen_body_reads",
]

