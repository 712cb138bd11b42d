"""Read response bodies with bounded memory, undoing ``Content-Encoding`` step by step.

httpx decompresses each network read in one call with no output limit, so 256 KiB of gzipped
zeros becomes 256 MiB at once (and ``Content-Encoding: gzip, gzip`` squares the ratio): a
hostile or broken server can exhaust memory before any size check runs. Here every stage
inflates at most :data:`PIECE_SIZE` bytes per call, so a stream's memory stays flat whatever
the ratio, and a document's total is capped: over it, :class:`BodyTooLarge`.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Final, Protocol

import httpx

from logtui.core.errors import FatalSourceError

__all__ = [
    "ACCEPT_ENCODING",
    "PIECE_SIZE",
    "BodyTooLarge",
    "UnsupportedEncoding",
    "bounded_pieces",
    "read_bounded",
]

PIECE_SIZE: Final = 256 * 1024
"""The most one decompression step produces; what the SSE decoder is fed at a time."""
ACCEPT_ENCODING: Final = "gzip, deflate"
"""The encodings asked for: exactly those this module can undo with a bound."""


class BodyTooLarge(FatalSourceError):
    """A document's decoded body went over its limit (reading stopped there)."""


class UnsupportedEncoding(FatalSourceError):
    """The server used a ``Content-Encoding`` that was not asked for."""


class _Stage(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if len(data) <= PIECE_SIZE:  # the usual read: passed on as is, no copy
            yield data
            return
        for start in range(0, len(data), PIECE_SIZE):
            yield data[start : start + PIECE_SIZE]


class _Inflate:
    """gzip (``wbits`` 16+15) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._first = True
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        inflater = self._inflater
        if self._first and data:
            self._first = False
            if not self._gzip:
                try:
                    zlib.decompressobj().decompress(data[:2])
                except zlib.error:
                    inflater = self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        while data:
            if inflater.eof:
                return  # bytes after the end of the compressed stream are ignored
            try:
                piece = inflater.decompress(data, PIECE_SIZE)
            except zlib.error as error:
                raise httpx.DecodingError(f"invalid compressed body: {error}") from error
            data = inflater.unconsumed_tail
            if piece:
                yield piece


def _stages(response: httpx.Response) -> list[_Stage]:
    """Decoders in the order to apply them (the last encoding listed was applied last)."""
    stages: list[_Stage] = []
    header = response.headers.get("content-encoding", "")
    for name in reversed([part.strip().lower() for part in header.split(",")]):
        if name in ("", "identity"):
            continue
        if name in ("gzip", "x-gzip"):
            stages.append(_Inflate(gzip=True))
        elif name == "deflate":
            stages.append(_Inflate(gzip=False))
        else:
            raise UnsupportedEncoding(
                f"the server compressed the body with an encoding logtui did not ask for"
                f" ({name[:20]!r}); only {ACCEPT_ENCODING} are supported"
            )
    return stages or [_Identity()]


def _through(stages: list[_Stage], data: bytes) -> Iterator[bytes]:
    if len(stages) == 1:
        yield from stages[0].feed(data)
        return
    for piece in stages[0].feed(data):
        yield from _through(stages[1:], piece)


async def bounded_pieces(
    response: httpx.Response, *, direct: bool = False
) -> AsyncIterator[bytes]:
    """The decoded body as pieces of at most :data:`PIECE_SIZE` bytes, however compressed.

    Reads the raw body (transfer coding undone by httpx, content coding not) and inflates it
    here; a decoding error is an ``httpx.DecodingError`` like httpx's own. A response whose
    body was read already (by httpx, or an in-memory answer) is only cut into pieces.
    ``direct``: an uncompressed chunked body is read from the connection without httpx's
    per-chunk layers (:mod:`logtui.core.direct_body`; for a stream, whose connection is
    not reused after it).
    """
    if response.is_stream_consumed:
        content = response.content
        for start in range(0, len(content), PIECE_SIZE):
            yield content[start : start + PIECE_SIZE]
        return
    stages = _stages(response)
    raws: AsyncIterator[bytes] | None = None
    if direct and len(stages) == 1 and type(stages[0]) is _Identity:
        from logtui.core.direct_body import direct_chunks

        raws = direct_chunks(response)
    async for raw in raws or response.aiter_raw():
        for piece in _through(stages, raw):
            yield piece


async def read_bounded(response: httpx.Response, limit: int, *, what: str) -> bytes:
    """The whole decoded body, or :class:`BodyTooLarge` once it passes ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    async for piece in bounded_pieces(response):
        size += len(piece)
        if size > limit:
            raise BodyTooLarge(
                f"{what} sent a response larger than {_size(limit)} once decompressed;"
                " ask for less (e.g. a smaller --history)"
            )
        parts.append(piece)
    return b"".join(parts)


def _size(limit: int) -> str:
    mib = 1024 * 1024
    return f"{limit // mib} MiB" if limit >= mib else f"{limit} bytes"
