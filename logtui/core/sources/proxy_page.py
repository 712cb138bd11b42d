"""One answer of proxy-logs ``/_logs``: the scoped JSON document or the admin fan-out's NDJSON.

A scoped read answers ``{"entries": [...], "limit": ...}``. A server with
``LOGS_ADMIN_FANOUT=true`` streams NDJSON instead, one entry per line, and ends it with a
trailer line: ``{"__trailer": true, "cursor": ..., "stoppedReason": ...}`` (``cursor`` goes back
as ``?cursor=`` for the next page) or ``{"__trailer": true, "error": "snapshot_expired",
"status": 410}`` (the read must start again). The forms are told apart by content type, else by
shape. Only the trailer proves an NDJSON body complete, so a body without one was cut short: a
transport error (retried), never a short last page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import httpx

from logtui.core.errors import FatalSourceError, TransientSourceError
from logtui.core.http import get_document
from logtui.core.payload import parse_json
from logtui.core.sanitize import safe_line

NDJSON_TYPES: Final = frozenset({
    "application/x-ndjson", "application/ndjson", "application/jsonl",
    "application/x-jsonlines", "application/jsonlines",
})
"""Media types that announce one JSON value per line."""
EXPIRED_STATUS: Final = 410
"""The status (in a trailer, or of the whole response) of a fan-out snapshot that expired."""


@dataclass(frozen=True, slots=True)
class LogsPage:
    """The entries of one ``/_logs`` answer and what it says about the next one."""

    items: Sequence[object] = ()
    """The entries as parsed, in the order received."""
    cursor: str | None = None
    """The fan-out cursor to pass back as ``?cursor=``; None: this read is complete."""
    limit: int | None = None
    """The page size the server says it applied (JSON form only)."""
    expired: bool = False
    """The fan-out snapshot behind this read expired: its entries are dropped, start again."""
    malformed: int = 0
    """NDJSON lines that were not JSON, skipped."""


async def get_logs_page(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    what: str,
    credential_hint: str,
    now: float,
    secrets: Sequence[str] = (),
) -> LogsPage:
    """GET one ``/_logs`` answer with the usual redirect, status and size rules; a 410 to a
    cursor read is an expired snapshot, not an error."""
    fetched = await get_document(
        client, url, params=params, headers=headers, what=what,
        credential_hint=credential_hint, now=now, secrets=secrets,
        passed=frozenset({EXPIRED_STATUS}) if "cursor" in params else frozenset(),
    )
    if fetched.status == EXPIRED_STATUS:
        return LogsPage(expired=True)
    return parse_page(fetched.body, fetched.content_type, what=what)


def parse_page(body: bytes, content_type: str, *, what: str) -> LogsPage:
    """Read either form of a ``/_logs`` body (see the module docstring)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in NDJSON_TYPES:
        try:
            document = parse_json(body)
        except ValueError:
            document = None  # several values, one per line, or not JSON at all
        else:
            if not _is_trailer(document):
                return _from_document(document, what)
    return _from_lines(body, what, declared=media in NDJSON_TYPES)


def _is_trailer(value: object) -> bool:
    return isinstance(value, dict) and value.get("__trailer") is True


def _from_document(document: object, what: str) -> LogsPage:
    items = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise FatalSourceError(f"{what} answered with an unexpected JSON shape; check the URL")
    limit = document.get("limit") if isinstance(document, dict) else None
    good_limit = limit if isinstance(limit, int) and not isinstance(limit, bool) else None
    return LogsPage(items=items, limit=good_limit)


def _from_lines(body: bytes, what: str, *, declared: bool) -> LogsPage:
    lines = [line for line in body.split(b"\n") if line.strip()]
    parsed: list[object] = []
    malformed = 0
    trailer: object = None
    for number, line in enumerate(lines, 1):
        try:
            value = parse_json(line)
        except ValueError:
            if number == 1 and not declared:
                raise FatalSourceError(
                    f"{what} answered with a body that is not JSON; check that the URL is the"
                    " API's"
                ) from None
            if number < len(lines):
                malformed += 1  # garbage between entries: counted, the read goes on
            continue  # a broken last line is a cut body: no trailer
        if number == len(lines) and _is_trailer(value):
            trailer = value
        elif _is_trailer(value):
            malformed += 1  # a trailer before the end: the body is not what it claims
        else:
            parsed.append(value)
    if not isinstance(trailer, dict):
        raise TransientSourceError(
            f"{what}: the fan-out answer ended without its trailer line (cut short)"
        )
    error = trailer.get("error")
    status = trailer.get("status")
    if status == EXPIRED_STATUS or error == "snapshot_expired":
        return LogsPage(expired=True)
    if error is not None or status is not None:
        reason = safe_line(str(error)[:80]) if error is not None else "no reason given"
        text = f"{what}: the fan-out answer ended with an error ({status}: {reason})"
        if isinstance(status, int) and 400 <= status < 500:
            raise FatalSourceError(text)
        raise TransientSourceError(text)
    cursor = trailer.get("cursor")
    return LogsPage(
        items=parsed,
        cursor=cursor if isinstance(cursor, str) and cursor else None,
        malformed=malformed,
    )


__all__ = ["EXPIRED_STATUS", "NDJSON_TYPES", "LogsPage", "get_logs_page", "parse_page"]
