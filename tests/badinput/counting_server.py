"""A loopback HTTP server that gives every request the same answer and counts connections.

Runs on its own thread, so a test can start the real CLI in a subprocess and then check how
many times it came back (a refusal must cost exactly one connection, a failing server must see
backoff rather than a storm).
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

TLS_HANDSHAKE = b"\x16\x03"
"""How a TLS client's first record starts (a handshake, version 3.x): an ``https://`` URL
pointed at this plain server."""


class CountingServer:
    """Answers each connection with ``status``, ``headers`` and ``body``; counts them."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._reply = (f"HTTP/1.1 {status} Status\r\n{lines}Content-Length: {len(body)}\r\n"
                       "Connection: close\r\n\r\n").encode("latin-1") + body
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.02)  # so the thread notices a stop promptly
        self._stopping = threading.Event()
        self.port: int = self._listener.getsockname()[1]
        self.arrivals: list[float] = []
        """``time.monotonic()`` of each connection."""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self.arrivals)

    def url(self, path: str = "", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> CountingServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.arrivals.append(time.monotonic())
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.settimeout(5)
                request = b""
                while b"\r\n\r\n" not in request:
                    part = connection.recv(65536)
                    if not part:
                        return
                    request += part
                    if request.startswith(TLS_HANDSHAKE):
                        break  # no HTTP will follow: hang up now, not at the read timeout
                else:
                    connection.sendall(self._reply)
                # Close gently: unread bytes at close() would turn the ending into a reset.
                connection.shutdown(socket.SHUT_WR)
                while connection.recv(65536):
                    pass
            except OSError:
                return
