"""A pre-generated proxy-logs SSE server that is never the bottleneck of a benchmark.

The demo server builds every frame as it streams; that is right for realism and wrong for a
throughput figure, where the server must cost nearly nothing. This server builds the whole
response body once (chunked transfer encoding, 64 KiB chunks, every frame carrying
``id: <ringSeq>``) and hands it to the kernel with ``sendall`` from a plain thread, so a client
is fed as fast as the loopback socket takes it.

It speaks just enough of the proxy-logs API for a client to run unmodified: Bearer auth (403
JSON otherwise), ``/_logs`` answering an empty history, ``/_logs/stats`` with zero counts, and
``/_logs/stream`` serving the body. The stream either ends with ``event: scope-destroyed`` (so
``logtui proxy ... --output ndjson`` exits 0 when done) or is held open with heartbeats until
the server stops; a paced mode sends the frames at a fixed rate instead of all at once.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal
from urllib.parse import urlsplit

from benchmarks.payloads import SCOPE_DESTROYED, sse_frame

BASE_PATH: Final = "/api/proxy-logs"
CHUNK_SIZE: Final = 64 * 1024
HEARTBEAT: Final = b":\n\n"
_MAX_REQUEST_HEAD: Final = 64 * 1024

Ending = Literal["scope-destroyed", "hold"]


@dataclass(frozen=True, slots=True)
class Pacing:
    """Send frames at ``rate`` per second in ticks of ``tick`` seconds instead of all at once."""

    rate: float
    tick: float = 0.01
    first: int = 0
    """Frames sent at once when the stream starts, before the pacing (a screenful already
    there, as in a session that has been following for a while)."""


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def build_stream_body(payloads: Sequence[str], *, first_seq: int = 1, end: bool = True) -> bytes:
    """The whole chunked SSE body for ``payloads``; ends with ``scope-destroyed`` if ``end``."""
    frames = b"".join(sse_frame(first_seq + i, p) for i, p in enumerate(payloads))
    if end:
        frames += SCOPE_DESTROYED
    body = b"".join(_chunk(frames[i : i + CHUNK_SIZE]) for i in range(0, len(frames), CHUNK_SIZE))
    return body + (b"0\r\n\r\n" if end else b"")


_STREAM_HEAD: Final = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream\r\n"
    b"Cache-Control: no-cache\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"Connection: close\r\n\r\n"
)


def _json_response(status: int, reason: str, body: object) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + data


_FORBIDDEN: Final = _json_response(
    403,
    "Forbidden",
    {
        "statusCode": 403,
        "error": "Forbidden",
        "message": "Logs token missing or invalid / SNI gate denied",
    },
)
_NOT_FOUND: Final = _json_response(
    404, "Not Found", {"statusCode": 404, "error": "Not Found", "message": "No such route"}
)
_STATS: Final = _json_response(
    200,
    "OK",
    {"total": 0, "byLevel": {}, "byProject": {}, "byContainer": {}, "byService": {}},
)


class PregeneratedSSEServer:
    """A loopback HTTP server streaming a pre-built proxy-logs SSE body; use as a context manager.

    ``payloads`` are the JSON texts of the entries; every connection to the stream gets all of
    them (a client that reconnects is replayed the whole body, like a ring-buffer replay).
    With a ``gate``, the body waits (heartbeats only) until the event is set.
    """

    def __init__(
        self,
        payloads: Sequence[str],
        *,
        token: str,
        ending: Ending = "scope-destroyed",
        pacing: Pacing | None = None,
        first_seq: int = 1,
        heartbeat_interval: float = 1.0,
        gate: threading.Event | None = None,
    ) -> None:
        self._payloads = payloads
        self._token = token
        self._ending: Ending = ending
        self._pacing = pacing
        self._first_seq = first_seq
        self._heartbeat_interval = heartbeat_interval
        self._gate = gate
        self._body = (
            build_stream_body(payloads, first_seq=first_seq, end=ending == "scope-destroyed")
            if pacing is None
            else b""
        )
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.stream_connections = 0
        """How many stream requests were served (a reconnecting client shows up here)."""
        self.stream_started_at: float | None = None
        """``time.perf_counter()`` when the latest stream began sending its body."""
        self.sent_log: list[tuple[int, float]] = []
        """Paced mode: (frames sent so far, ``perf_counter`` after the send), one per tick."""
        self.halt = threading.Event()
        """Paced mode: set to stop sending frames (a held stream keeps its heartbeats)."""

    @property
    def base_url(self) -> str:
        """The proxy-logs API base, e.g. ``http://127.0.0.1:PORT/api/proxy-logs``."""
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}{BASE_PATH}"

    @property
    def stream_url(self) -> str:
        """The live-tail endpoint, for peers that talk to the stream directly."""
        return f"{self.base_url}/_logs/stream"

    def start(self) -> PregeneratedSSEServer:
        """Start accepting connections in a background thread."""
        thread = threading.Thread(target=self._accept_loop, name="sse-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop accepting, close every open connection and wait for the threads."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for conn in list(self._connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> PregeneratedSSEServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            with self._lock:
                self._connections.add(conn)
                self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            head = self._read_head(conn)
            if head is not None:
                self._respond(conn, head)
        except OSError:
            pass  # the client went away; nothing to report in a benchmark server
        finally:
            with self._lock:
                self._connections.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _read_head(conn: socket.socket) -> str | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk or len(data) > _MAX_REQUEST_HEAD:
                return None
            data += chunk
        return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")

    def _respond(self, conn: socket.socket, head: str) -> None:
        request_line, *header_lines = head.split("\r\n")
        parts = request_line.split(" ")
        path = urlsplit(parts[1]).path if len(parts) == 3 else ""
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines)
        }
        if headers.get("authorization") != f"Bearer {self._token}":
            conn.sendall(_FORBIDDEN)
        elif path == f"{BASE_PATH}/_logs/stream":
            self.stream_connections += 1
            self._stream(conn)
        elif path == f"{BASE_PATH}/_logs":
            conn.sendall(_json_response(200, "OK", _empty_history()))
        elif path == f"{BASE_PATH}/_logs/stats":
            conn.sendall(_STATS)
        else:
            conn.sendall(_NOT_FOUND)

    def _stream(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.sendall(_STREAM_HEAD)
        if self._gate is not None:
            # Hold the body back (heartbeats only) until the test opens the gate: a replay
            # that arrives while the client is already up and idle.
            while not self._gate.wait(self._heartbeat_interval):
                if self._stopping.is_set():
                    return
                conn.sendall(_chunk(HEARTBEAT))
        self.stream_started_at = time.perf_counter()
        if self._pacing is None:
            conn.sendall(self._body)
        else:
            self._send_paced(conn, self._pacing)
        if self._ending == "hold":
            while not self._stopping.wait(self._heartbeat_interval):
                conn.sendall(_chunk(HEARTBEAT))

    def _send_paced(self, conn: socket.socket, pacing: Pacing) -> None:
        start = time.perf_counter()
        sent = 0
        total = len(self._payloads)
        while sent < total and not self._stopping.is_set() and not self.halt.is_set():
            due = min(total, pacing.first + int((time.perf_counter() - start) * pacing.rate) + 1)
            if due > sent:
                frames = b"".join(
                    sse_frame(self._first_seq + i, self._payloads[i]) for i in range(sent, due)
                )
                conn.sendall(_chunk(frames))
                sent = due
                self.sent_log.append((sent, time.perf_counter()))
            self._stopping.wait(pacing.tick)
        if self._ending == "scope-destroyed":
            conn.sendall(_chunk(SCOPE_DESTROYED) + b"0\r\n\r\n")


def _empty_history() -> dict[str, object]:
    return {"entries": [], "total": 0, "limit": 200, "offset": 0}
