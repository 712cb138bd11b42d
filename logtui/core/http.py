"""The one place logtui talks HTTP: a client suited to long streams, safe redirects, status checks.

Why not plain ``httpx.AsyncClient(follow_redirects=True)``:

- A stream has no read timeout here. A quiet log stream may send nothing but a heartbeat every
  15 s; the engine's own idle timeout (which counts heartbeats) decides when it is stale.
- httpx strips ``Authorization`` on a cross-origin redirect but keeps every other header, so an
  ``X-Api-Key`` would follow a redirect to another host. :func:`send_following_redirects` drops
  every credential header whenever the origin (scheme, host, port) changes, and the next
  connection starts again from the configured URL (a redirect is never remembered).
- Status codes map onto logtui's error hierarchy with a message that says what to fix.

Secrets travel only in headers; :func:`~logtui.core.redact.redact_url` strips user info from
anything printed.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple

import httpx

from logtui.core.backoff import parse_retry_after
from logtui.core.body import ACCEPT_ENCODING, bounded_pieces, read_bounded
from logtui.core.error_body import errors_line
from logtui.core.errors import (
    AuthError,
    FatalSourceError,
    LogtuiError,
    RateLimited,
    TransientSourceError,
)
from logtui.core.lazy_tls import TLSOnFirstUse
from logtui.core.payload import lenient_loads, parse_json
from logtui.core.redact import redact_url, scrub
from logtui.core.sanitize import safe_line

CREDENTIAL_HEADERS: Final = frozenset(
    {"authorization", "x-api-key", "x-auth-key", "x-auth-email", "cookie", "proxy-authorization"}
)
"""Header names (lower case) known to carry credentials: never shown, never cross origins."""

CROSS_ORIGIN_HEADERS: Final = frozenset(
    {"accept", "accept-encoding", "accept-language", "cache-control", "last-event-id",
     "user-agent"}
)
"""The only headers (lower case) a redirect to another origin keeps. An allowlist, because a
header given with ``-H`` may carry a credential under any name (``X-Auth-Token``,
``Private-Token``, ...)."""

MAX_REDIRECTS: Final = 5
ERROR_BODY_LIMIT: Final = 4096
"""Bytes of an error response read to explain it; the rest is ignored."""
DOCUMENT_LIMIT: Final = 64 * 1024 * 1024
"""Decoded bytes a JSON document (history, backfill) may have; more is an error."""

STREAM_TIMEOUT: Final = httpx.Timeout(connect=10.0, read=None, write=10.0, pool=10.0)
"""Streams: bounded connect/write, no read timeout (the engine's idle timeout rules)."""
REQUEST_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
"""Plain requests (history, backfill): a finite read timeout."""

USER_AGENT: Final = "logtui"


def make_client(*, verify: bool = True) -> httpx.AsyncClient:
    """An async client for one source: no automatic redirects, streaming timeouts, and the
    TLS trust store read only once an ``https://`` request needs it
    (:class:`~logtui.core.lazy_tls.TLSOnFirstUse`)."""
    return httpx.AsyncClient(
        timeout=STREAM_TIMEOUT,
        follow_redirects=False,
        verify=verify,
        transport=TLSOnFirstUse() if verify else None,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        trust_env=True,
    )


def wire_headers(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    """Headers ready for httpx, values as UTF-8 bytes.

    httpx encodes ``str`` values as ASCII and raises on anything else; SSE ids are arbitrary
    text and a server expects its own id back byte for byte in ``Last-Event-ID``.
    """
    return [(name.encode("ascii"), value.encode("utf-8")) for name, value in headers.items()]


def with_params(url: str, params: Mapping[str, str]) -> httpx.URL:
    """``url`` with ``params`` added to its own query (a parameter given in both: ``params``).

    httpx's ``params=`` replaces a URL's query, even when empty, so a stream at
    ``/events?channel=x`` would be asked for as ``/events``.
    """
    merged = httpx.URL(url)
    return merged.copy_merge_params(dict(params)) if params else merged


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return (url.scheme, url.host, url.port or default)


async def send_following_redirects(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    stream: bool,
    timeouts: httpx.Timeout = STREAM_TIMEOUT,
) -> httpx.Response:
    """Send ``request``, following up to :data:`MAX_REDIRECTS` redirects safely.

    As soon as a redirect leaves the original origin every header but
    :data:`CROSS_ORIGIN_HEADERS` is dropped, and stays dropped for the rest of the chain. The
    caller owns (and must close) the returned response.
    """
    request.extensions["timeout"] = timeouts.as_dict()
    origin = _origin(request.url)
    for _ in range(MAX_REDIRECTS + 1):
        response = await client.send(request, stream=stream, follow_redirects=False)
        location = response.headers.get("location")
        if not response.is_redirect or location is None:
            return response
        await response.aclose()
        try:
            target = request.url.join(location)
        except httpx.InvalidURL as error:
            raise FatalSourceError(
                f"{redact_url(request.url)} redirected to an invalid location; check the URL"
            ) from error
        if target.scheme not in ("http", "https"):
            raise FatalSourceError(
                f"{redact_url(request.url)} redirected away from HTTP; check the URL"
            )
        headers = httpx.Headers(request.headers)
        if _origin(target) != origin:
            for name in list(headers.keys()):
                if name.lower() not in CROSS_ORIGIN_HEADERS:
                    del headers[name]
        headers.pop("host", None)
        method = "GET" if response.status_code == 303 else request.method
        request = client.build_request(method, target, headers=headers)
        request.extensions["timeout"] = timeouts.as_dict()
    raise FatalSourceError(
        f"{redact_url(request.url)} redirected more than {MAX_REDIRECTS} times; check the URL"
    )


async def error_summary(response: httpx.Response) -> str:
    """A short, sanitised reason from an error response body (JSON ``message``/``errors``)."""
    body = b""
    try:
        async for part in bounded_pieces(response):
            body += part
            if len(body) >= ERROR_BODY_LIMIT:
                break
    except (httpx.HTTPError, FatalSourceError):
        pass
    text = body[:ERROR_BODY_LIMIT].decode("utf-8", "replace")
    reason = _reason_from_json(text)
    if reason is None:
        content_type = response.headers.get("content-type", "")
        reason = "" if "html" in content_type.lower() else text
    reason = str(safe_line(" ".join(reason.split())))
    return reason[:200]


def _reason_from_json(text: str) -> str | None:
    try:
        parsed = lenient_loads(text)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    for field in ("message", "error", "detail"):
        value = parsed.get(field)
        if isinstance(value, str) and value:
            return value
    return errors_line(parsed)


async def raise_for_status(
    response: httpx.Response,
    *,
    what: str,
    credential_hint: str,
    now: float,
    expect_event_stream: bool,
    secrets: Sequence[str] = (),
) -> None:
    """Raise the logtui error that fits ``response``, or return if it is usable.

    ``what`` names the resource without secrets (a redacted URL); ``credential_hint`` says how to
    set the credential ("set LOGTUI_PROXY_TOKEN or pass --token"); ``secrets`` are scrubbed
    from the server's reason in case it echoes them.
    """
    status = response.status_code
    if status == 200:
        if expect_event_stream and not is_event_stream(response):
            content_type = safe_line(response.headers.get("content-type", "none"))[:60]
            if "json" in content_type.lower():
                # NextDNS answers a user's mistake with 200 and an ``errors`` body.
                reason = scrub(await error_summary(response), *secrets)
                if reason:
                    raise FatalSourceError(
                        f"{what} answered with {content_type!r}, not text/event-stream:"
                        f" {reason}; check the URL and the parameters"
                    )
            raise FatalSourceError(
                f"{what} answered with content type {content_type!r}, not text/event-stream;"
                " check that the URL points at the log stream API"
            )
        return
    if 200 < status < 300 and status != 204 and not expect_event_stream:
        return
    reason = scrub(await error_summary(response), *secrets)
    phrase = safe_line(response.reason_phrase)[:60]
    detail = f"{status} {phrase}" + (f": {reason}" if reason else "")
    if status == 204:
        raise FatalSourceError(f"{what} answered 204 No Content, asking clients to stop")
    if status in (401, 403):
        raise AuthError(f"{what} refused the credentials ({detail}); {credential_hint}")
    if status == 404:
        raise FatalSourceError(f"{what} was not found ({detail}); check the URL and profile")
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
        raise RateLimited(f"{what} is rate limiting ({detail})", retry_after=retry_after)
    if status in (408, 425) or status >= 500:
        raise TransientSourceError(f"{what} failed ({detail})")
    raise FatalSourceError(f"{what} refused the request ({detail})")


def is_event_stream(response: httpx.Response) -> bool:
    """True when the response declares ``text/event-stream`` (parameters ignored)."""
    media_type: str = response.headers.get("content-type", "").split(";", 1)[0]
    return media_type.strip().lower() == "text/event-stream"


def transport_error(what: str, error: Exception) -> LogtuiError:
    """Turn a network-level failure into a logtui error with a one-line reason.

    A TLS failure (an unverifiable certificate, a protocol mismatch) will not fix itself, so
    it is fatal; everything else (refused, reset, cut, DNS) is worth retrying.
    """
    tls = _tls_cause(error)
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or tls.reason or type(tls).__name__
        return FatalSourceError(
            f"TLS with {what} failed ({safe_line(str(reason))}); check the URL and certificates"
        )
    kind = type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return TransientSourceError(f"cannot connect to {what} ({kind})")
    if isinstance(error, httpx.TimeoutException):
        return TransientSourceError(f"{what} did not answer in time ({kind})")
    return TransientSourceError(f"{what}: the connection was cut ({kind})")


def _tls_cause(error: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class Fetched(NamedTuple):
    """A document's answer: its status, its content type and its decoded body."""

    status: int
    content_type: str
    body: bytes


async def get_document(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    what: str,
    credential_hint: str,
    now: float,
    secrets: Sequence[str] = (),
    max_bytes: int = DOCUMENT_LIMIT,
    passed: frozenset[int] = frozenset(),
) -> Fetched:
    """GET a document (history, backfill, stats) with the redirect, status and size rules.

    The body is decoded with a bound (:func:`~logtui.core.body.read_bounded`): past
    ``max_bytes`` decoded bytes it is an error, not a memory blow-up. A status in ``passed``
    is handed back (without its body) for the caller to read, instead of raised.
    """
    request = client.build_request("GET", with_params(url, params), headers=wire_headers(headers))
    try:
        response = await send_following_redirects(
            client, request, stream=True, timeouts=REQUEST_TIMEOUT
        )
        try:
            content_type = response.headers.get("content-type", "")
            if response.status_code in passed:
                return Fetched(response.status_code, content_type, b"")
            await raise_for_status(
                response,
                what=what,
                credential_hint=credential_hint,
                now=now,
                expect_event_stream=False,
                secrets=secrets,
            )
            body = await read_bounded(response, max_bytes, what=what)
            return Fetched(response.status_code, content_type, body)
        finally:
            await response.aclose()
    except httpx.HTTPError as error:
        raise transport_error(what, error) from error


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    what: str,
    credential_hint: str,
    now: float,
    secrets: Sequence[str] = (),
    max_bytes: int = DOCUMENT_LIMIT,
) -> object:
    """GET a JSON document (:func:`get_document`) and parse it."""
    fetched = await get_document(
        client, url, params=params, headers=headers, what=what,
        credential_hint=credential_hint, now=now, secrets=secrets, max_bytes=max_bytes,
    )
    try:
        return parse_json(fetched.body)
    except ValueError as error:
        raise FatalSourceError(
            f"{what} answered with a body that is not JSON; check that the URL is the API's"
        ) from error


__all__ = [
    "CREDENTIAL_HEADERS",
    "DOCUMENT_LIMIT",
    "REQUEST_TIMEOUT",
    "STREAM_TIMEOUT",
    "Fetched",
    "error_summary",
    "get_document",
    "get_json",
    "is_event_stream",
    "make_client",
    "raise_for_status",
    "send_following_redirects",
    "transport_error",
    "wire_headers",
    "with_params",
]
