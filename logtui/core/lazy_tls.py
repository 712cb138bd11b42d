"""An HTTP transport that reads the TLS trust store only when an ``https://`` URL needs it.

httpx builds a client's TLS context when the client is made, reading the whole CA bundle
(certifi's, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``): 20 ms or more of start-up, paid even by a
source at ``http://127.0.0.1`` that never speaks TLS, and a run that fails outright when that
bundle cannot be read. Here ``http://`` requests go through a transport whose context has no
certificates (so it could never complete a handshake: it fails closed if ever asked to), and
every other scheme through httpx's own verifying transport, made on the first such request.
"""

from __future__ import annotations

import ssl
from typing import Final

import httpx

from logtui.core.errors import FatalSourceError
from logtui.core.sanitize import safe_line

__all__ = ["TLSOnFirstUse"]

_PLAIN: Final = "http"


class TLSOnFirstUse(httpx.AsyncBaseTransport):
    """``http://`` over a transport without a trust store; anything else over a verifying
    one, built (trust store read) when the first such request is sent."""

    __slots__ = ("_plain", "_secure", "_trust_env")

    def __init__(self, *, trust_env: bool = True) -> None:
        self._trust_env = trust_env
        self._plain = httpx.AsyncHTTPTransport(
            verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), trust_env=trust_env
        )
        self._secure: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme == _PLAIN:
            return await self._plain.handle_async_request(request)
        return await self._verifying().handle_async_request(request)

    def _verifying(self) -> httpx.AsyncHTTPTransport:
        if self._secure is None:
            try:
                self._secure = httpx.AsyncHTTPTransport(verify=True, trust_env=self._trust_env)
            except (OSError, ssl.SSLError) as error:  # an unreadable SSL_CERT_FILE, say
                reason = safe_line(str(error.strerror or error))
                raise FatalSourceError(
                    f"cannot read the TLS trust store ({reason}); check SSL_CERT_FILE and"
                    " SSL_CERT_DIR"
                ) from error
        return self._secure

    async def aclose(self) -> None:
        await self._plain.aclose()
        if self._secure is not None:
            await self._secure.aclose()
