"""A chunked stream read straight from its connection gives exactly what h11 gives: the same
data before the same end (the last chunk, or a ``RemoteProtocolError`` for a malformed or cut
body), however the body is cut into socket reads, whatever its chunk lines look like."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
from collections.abc import Iterator

import h11
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.body import bounded_pieces
from logtui.core.direct_body import _Plan, _read
from logtui.core.http import make_client

MAX_LINE = 100 * 1024
"""httpcore's limit on an unfinished line (``MAX_INCOMPLETE_EVENT_SIZE``), used by both sides."""


def h11_reading(body: bytes) -> tuple[bytes, str]:
    """The oracle: h11 itself reads the whole response, then the end of the connection."""
    parser = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_LINE)
    parser.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))
    parser.send(h11.EndOfMessage())
    parser.receive_data(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    parser.receive_data(b"")
    data = b""
    try:
        while True:
            event = parser.next_event()
            if isinstance(event, h11.Data):
                data += bytes(event.data)
            elif not isinstance(event, h11.Response):
                return data, "end"
    except h11.RemoteProtocolError:
        return data, "error"


async def direct_reading(reads: list[bytes]) -> tuple[bytes, str, list[bytes]]:
    """The reader under test, with ``reads`` as the socket's answers (the first as what h11
    already held with the head), then the end of the connection."""
    answers = iter(reads[1:])

    async def read(size: int, **_: object) -> bytes:
        return next(answers, b"")

    plan = _Plan(read, reads[0], False, None, MAX_LINE, contextlib.nullcontext)
    pieces: list[bytes] = []
    try:
        async for piece in _read(plan):
            pieces.append(piece)
    except httpx.RemoteProtocolError:
        return b"".join(pieces), "error", pieces
    return b"".join(pieces), "end", pieces


def cut(body: bytes, points: list[int]) -> list[bytes]:
    edges = sorted({0, len(body), *(p % (len(body) + 1) for p in points)})
    return [body[a:b] for a, b in itertools.pairwise(edges)] or [b""]


_DATA = st.binary(min_size=1, max_size=40) | st.sampled_from(
    [b"data: {}\n\n", b"\r\n", b"0\r\n\r\n", b"\r", b"x" * 300]
)


@st.composite
def chunk(draw: st.DrawFn) -> bytes:
    """One chunk, mostly in the usual shape, sometimes in any shape h11 knows or refuses."""
    data = draw(_DATA)
    size = b"%x" % len(data)
    line = draw(st.sampled_from([
        size, size, size, size.upper(), b"00" + size, size + b";ext=1", size + b" ",
        size + b"\t;a", b"zz", b"-" + size, b"", b"1" * 21, b"%x" % (len(data) + 1),
        b"%x" % max(1, len(data) - 1),
    ]))
    ending = draw(st.sampled_from([b"\r\n"] * 6 + [b"\n", b"\r", b"\r\r\n"]))
    footer = draw(st.sampled_from([b"\r\n"] * 6 + [b"\n", b"xx", b"\r", b""]))
    return line + ending + data + footer


_LAST = st.sampled_from([
    b"0\r\n\r\n", b"0\r\n\r\n", b"000\r\n\r\n", b"0;x\r\n\r\n", b"0\r\nX-Trailer: 1\r\n\r\n",
    b"0\r\nbad trailer\r\n\r\n", b"0\r\n", b"", b"0\r\n\r\ntrailing garbage", b"0",
])


@settings(max_examples=400, deadline=None)
@given(
    chunks=st.lists(chunk(), max_size=8),
    last=_LAST,
    points=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8),
    keep=st.integers(min_value=0, max_value=100),
)
async def test_the_direct_reader_gives_what_h11_gives_however_the_reads_fall(
    chunks: list[bytes], last: bytes, points: list[int], keep: int
) -> None:
    body = b"".join(chunks) + last
    body = body[: len(body) * keep // 100] if keep < 95 else body  # sometimes cut short
    expected = h11_reading(body)
    data, ending, _ = await direct_reading(cut(body, points))
    assert (data, ending) == expected


async def test_whole_chunks_in_one_read_come_as_one_piece() -> None:
    body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (b"a" * 70_000, b"b" * 9, b"c"))
    _, ending, pieces = await direct_reading([b"", body + b"0\r\n\r\n"])
    assert ending == "end"
    assert pieces == [b"a" * 70_000 + b"b" * 9 + b"c"]


# -- over a real socket, through httpx ----------------------------------------------------


def serve_once(response: bytes) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    requests: list[bytes] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            requests.append(request)
            connection.sendall(response)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        listener.close()
        thread.join(5)


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
FRAMES = [b'id: %d\ndata: {"id":%d}\n\n' % (n, n) for n in range(2000)]
CHUNKED = b"".join(b"%x\r\n%s\r\n" % (len(f), f) for f in FRAMES)


@pytest.fixture
def whole_stream() -> Iterator[str]:
    yield from serve_once(HEAD + CHUNKED + b"0\r\n\r\n")


@pytest.fixture
def stream_cut_inside_a_chunk() -> Iterator[str]:
    yield from serve_once(HEAD + CHUNKED + b"40\r\nid: 1\ndata")


async def test_a_chunked_stream_is_read_directly_and_whole(whole_stream: str) -> None:
    async with make_client() as client, client.stream("GET", whole_stream) as response:
        pieces = [piece async for piece in bounded_pieces(response, direct=True)]
        assert response.is_stream_consumed
    assert b"".join(pieces) == b"".join(FRAMES)
    assert len(pieces) < len(FRAMES) / 10  # whole reads, not one piece per chunk


async def test_a_stream_cut_inside_a_chunk_is_a_protocol_error_after_its_data(
    stream_cut_inside_a_chunk: str,
) -> None:
    got: list[bytes] = []
    url = stream_cut_inside_a_chunk
    with pytest.raises(httpx.RemoteProtocolError):
        async with make_client() as client, client.stream("GET", url) as response:
            async for piece in bounded_pieces(response, direct=True):
                got.append(piece)
    assert b"".join(got) == b"".join(FRAMES) + b"id: 1\ndata"


ODD_BODIES = {
    "extension": b"5;name=v\r\nhello\r\n0\r\n\r\n",
    "trailer": b"5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n",
    "bad size line": b"5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n",
    "bad footer": b"5\r\nhelloXY3\r\nabc\r\n0\r\n\r\n",
    "cut before the last chunk": b"5\r\nhello\r\n",
    "space after the size": b"5 \r\nhello\r\n0\r\n\r\n",
}


@pytest.fixture(params=list(ODD_BODIES), ids=list(ODD_BODIES))
def odd_bodies(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    response = HEAD + ODD_BODIES[request.param]
    first = serve_once(response)
    second = serve_once(response)
    yield next(first), next(second)
    for server in (first, second):
        next(server, None)


async def outcome(url: str, *, direct: bool) -> tuple[bytes, str]:
    got: list[bytes] = []
    try:
        async with make_client() as client, client.stream("GET", url) as response:
            async for piece in bounded_pieces(response, direct=direct):
                got.append(piece)
    except httpx.HTTPError as error:
        return b"".join(got), type(error).__name__
    return b"".join(got), "end"


async def test_an_unusual_body_over_a_socket_ends_as_it_does_through_httpx(
    odd_bodies: tuple[str, str],
) -> None:
    direct_url, httpx_url = odd_bodies
    assert await outcome(direct_url, direct=True) == await outcome(httpx_url, direct=False)
