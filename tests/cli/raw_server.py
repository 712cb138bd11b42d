"""A loopback server on its own thread that answers every connection with exact bytes.

For what an HTTP library would refuse to send (a reason phrase with ESC and BEL in it) and for
tests that run ``logtui`` in a subprocess, so the server cannot share the test's event loop.
Each request's head is recorded.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterable
from types import TracebackType

STOP_POLL = 0.02
"""Seconds between the serving thread's looks for a stop (socketserver's default is 0.5)."""
Answer = Callable[[bytes], Iterable[bytes]]
"""From a request head, the bytes to send (in parts); the socket closes after the last."""


class RawServer:
    """``with RawServer(answer) as server: server.url("/path")``."""

    def __init__(self, answer: Answer, tls: ssl.SSLContext | None = None) -> None:
        self.heads: list[bytes] = []
        self._answer = answer
        self._tls = tls
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                connection: socket.socket = self.request
                if tls is not None:
                    try:
                        connection = tls.wrap_socket(connection, server_side=True)
                    except (OSError, ssl.SSLError):
                        return  # a client that refused the certificate
                head = b""
                while b"\r\n\r\n" not in head:
                    data = connection.recv(65536)
                    if not data:
                        return
                    head += data
                owner.heads.append(head)
                try:
                    for part in owner._answer(head):
                        connection.sendall(part)
                except OSError:
                    pass

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # serve_forever notices shutdown() only between polls: a short one ends each test sooner.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(STOP_POLL,), daemon=True
        )

    def url(self, path: str = "") -> str:
        scheme = "http" if self._tls is None else "https"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def request_lines(self) -> list[str]:
        return [head.split(b"\r\n", 1)[0].decode("latin-1") for head in self.heads]

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
