"""Creating Instant Logs jobs: the one HTTP request behind each WebSocket session.

``POST {api}/zones/{zone}/logpush/edge/jobs`` (older APIs: ``.../logpush/edge``; the source
falls back on a 404) with ``kind: instant-logs`` answers 200 or 201, in Cloudflare's v4
envelope, a job whose ``result.destination_conf`` is the WebSocket URL of a new session; the
service may leave out ``id`` and ``kind``, so only ``destination_conf`` is required. That URL
is a capability (whoever holds it reads the zone's traffic), so it never appears in a message:
:func:`describe_destination` shows only its scheme and host.

Errors map onto :mod:`logtui.core.errors` with messages that say what to do: 401/403 name the
environment variables, 409 or error 1303 (a session is already running on the zone) is a
:class:`SessionActive` that explains who may hold it, 429/503 carry ``Retry-After``, 404 is an
:class:`EndpointNotFound`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from logtui.core.backoff import parse_retry_after
from logtui.core.body import bounded_pieces
from logtui.core.errors import (
    AuthError,
    FatalSourceError,
    RateLimited,
    TransientSourceError,
)
from logtui.core.http import REQUEST_TIMEOUT, transport_error
from logtui.core.redact import redact_url
from logtui.core.sanitize import safe_line
from logtui.core.sources.instant_logs.defaults import (
    CIS_CREDENTIAL_HINT,
    CIS_TOKEN_HEADER,
    CREDENTIAL_HINT,
)
from logtui.core.sources.instant_logs.envelope import Envelope, ValidationError

MAX_JOB_RESPONSE: Final = 1024 * 1024
"""A job response is a few hundred bytes; anything past this is not read."""
MAX_REASON: Final = 160
SESSION_ACTIVE_CODE: Final = 1303
"""The error code the service sends when the zone already has a session."""


class SessionActive(FatalSourceError):
    """The zone already has an Instant Logs session; only one may run per zone."""


class EndpointNotFound(FatalSourceError):
    """The job endpoint answered 404: a wrong zone or API root, or an API of another age."""


@dataclass(frozen=True, slots=True)
class JobRequest:
    """What a job asks for: its fields, the client sample rate and the job filter JSON."""

    fields: tuple[str, ...]
    sample: int = 1
    filter: str = ""

    def body(self) -> dict[str, Any]:
        """The JSON body of the job request."""
        return {
            "fields": ",".join(self.fields),
            "sample": self.sample,
            "filter": self.filter,
            "kind": "instant-logs",
        }


@dataclass(frozen=True, slots=True)
class Job:
    """A created job: its id and the WebSocket URL of its session (never printed)."""

    id: str
    """The job id as shown (sanitised); ``""`` when the answer carried none."""
    destination: str = field(repr=False)
    filter: str = ""
    """The filter as the server echoed it back."""


def describe_destination(url: str) -> str:
    """A session URL without its secret path: ``wss://logs.example.com/…``."""
    try:
        parsed = httpx.URL(url)
        netloc = safe_line(parsed.netloc.decode("ascii", "replace"))[:80]
        return f"{safe_line(parsed.scheme)[:8]}://{netloc}/…"
    except (httpx.InvalidURL, UnicodeError):
        return "an invalid URL"


def check_destination(value: object, api_url: str) -> str:
    """``destination_conf`` if it is a usable WebSocket URL for this API, else a fatal error.

    A job created over HTTPS must stream over ``wss://``: the records are the zone's traffic.
    """
    if not isinstance(value, str) or not value or len(value) > 4096:
        raise FatalSourceError(
            "the Instant Logs job answer has no destination_conf; check --api-url"
        )
    try:
        parsed = httpx.URL(value)
    except httpx.InvalidURL:
        raise FatalSourceError(
            "the Instant Logs job answer has an invalid destination_conf; check --api-url"
        ) from None
    if parsed.scheme not in ("ws", "wss") or not parsed.host:
        raise FatalSourceError(
            "the Instant Logs destination_conf is not a ws:// or wss:// URL; check --api-url"
        )
    if parsed.scheme == "ws" and httpx.URL(api_url).scheme == "https":
        raise FatalSourceError(
            "the Instant Logs job asks for an unencrypted ws:// session over an https API;"
            " refusing to stream the zone's traffic in clear text"
        )
    return value


def cloudflare_reason(body: bytes) -> str:
    """The first error message of a Cloudflare v4 envelope (sanitised, short), or ``""``."""
    envelope = _envelope(body)
    if envelope is None:
        return ""
    return safe_line(" ".join(envelope.first_error().split()))[:MAX_REASON]


def _envelope(body: bytes) -> Envelope | None:
    try:
        return Envelope.model_validate_json(body[:MAX_JOB_RESPONSE])
    except ValidationError:
        return None


def session_active_message(zone: str, detail: str = "") -> str:
    """Why a second session is refused, and what the user can do about it."""
    answered = f" (the API answered {detail})" if detail else ""
    return (
        f"zone {safe_line(zone)[:64]} already has an Instant Logs session and only one may run"
        " per zone: another viewer (a dashboard, logtui elsewhere, a script) or a stale session"
        " holds it; close that viewer, or wait for the stale session to end (5 minutes after"
        f" nobody reads it), then try again{answered}"
    )


async def create_job(
    client: httpx.AsyncClient,
    jobs_url: str,
    request: JobRequest,
    *,
    headers: Mapping[str, str],
    zone: str,
    now: float,
    credential_hint: str | None = None,
) -> Job:
    """Create one Instant Logs job; raise the logtui error that fits a refusal (a refusal of
    the credentials says ``credential_hint``, else the advice for the credentials sent).

    Redirects are not followed: a POST that is redirected would lose its body, and the
    credentials must not travel to another host.
    """
    what = redact_url(jobs_url)
    sent = dict(headers)
    sent["Content-Type"] = "application/json"
    sent["Accept"] = "application/json"
    body = json.dumps(request.body(), separators=(",", ":")).encode("utf-8")
    http_request = client.build_request("POST", jobs_url, content=body, headers=sent)
    http_request.extensions["timeout"] = REQUEST_TIMEOUT.as_dict()
    try:
        response = await client.send(http_request, stream=True, follow_redirects=False)
        try:
            answer = await _read_limited(response)
        finally:
            await response.aclose()
    except httpx.HTTPError as error:
        raise transport_error(what, error) from error
    status = response.status_code
    if status not in (200, 201):
        hint = credential_hint or (
            CIS_CREDENTIAL_HINT if CIS_TOKEN_HEADER in headers else CREDENTIAL_HINT
        )
        _raise_for_job_status(response, answer, what=what, zone=zone, now=now, hint=hint)
    return _parse_job(answer, what=what, api_url=jobs_url)


async def _read_limited(response: httpx.Response) -> bytes:
    """At most :data:`MAX_JOB_RESPONSE` decoded bytes, inflated a bounded piece at a time."""
    body = b""
    async for part in bounded_pieces(response):
        body += part
        if len(body) > MAX_JOB_RESPONSE:
            break
    return body[:MAX_JOB_RESPONSE]


def _raise_for_job_status(
    response: httpx.Response, body: bytes, *, what: str, zone: str, now: float, hint: str
) -> None:
    status = response.status_code
    reason = cloudflare_reason(body)
    detail = f"{status}" + (f": {reason}" if reason else "")
    envelope = _envelope(body)
    coded = envelope is not None and envelope.has_code(SESSION_ACTIVE_CODE)
    if status == 409 or (
        400 <= status < 500 and status != 429 and (coded or _says_active(reason))
    ):
        raise SessionActive(session_active_message(zone, detail))
    if status in (401, 403):
        raise AuthError(f"{what} refused the credentials ({detail}); {hint}")
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
        raise RateLimited(f"{what} is rate limiting ({detail})", retry_after=retry_after)
    if status in (408, 425) or status >= 500:
        raise TransientSourceError(f"{what} failed ({detail})")
    if response.is_redirect:
        raise FatalSourceError(f"{what} redirected the job request ({status}); check --api-url")
    if status == 404:
        raise EndpointNotFound(f"{what} was not found ({detail}); check the zone id and --api-url")
    if status == 400:
        raise FatalSourceError(
            f"{what} refused the job ({detail}); check --fields, --sample and --filter"
        )
    raise FatalSourceError(f"{what} refused the job ({detail})")


def _says_active(reason: str) -> bool:
    """Whether an error message reads as "a session is already running" (APIs differ in the
    status they send with it)."""
    text = reason.lower()
    return "already" in text and ("session" in text or "active" in text)


def _parse_job(body: bytes, *, what: str, api_url: str) -> Job:
    envelope = _envelope(body)
    if envelope is None:
        raise FatalSourceError(
            f"{what} answered with a body that is not a v4 API response; check --api-url"
        )
    result = envelope.result
    if result is None or not envelope.success:
        reason = cloudflare_reason(body)
        raise FatalSourceError(
            f"{what} did not create the job" + (f" ({reason})" if reason else "")
            + "; check --api-url"
        )
    destination = check_destination(result.destination_conf, api_url)
    shown_id = safe_line(str(result.id))[:40] if result.id is not None else ""
    return Job(id=shown_id, destination=destination, filter=result.filter)


__all__ = [
    "SESSION_ACTIVE_CODE",
    "EndpointNotFound",
    "Job",
    "JobRequest",
    "SessionActive",
    "check_destination",
    "cloudflare_reason",
    "create_job",
    "describe_destination",
    "session_active_message",
]
