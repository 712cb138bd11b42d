"""Small helpers shared by the demo APIs: JSON bodies, query parsing, credential checks."""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.responses import Response


class BadParameter(Exception):
    """A query parameter the API rejects; ``name`` is the parameter, the message says why."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A compact JSON response (the body may also be pre-serialised text)."""
    text = body if isinstance(body, str) else json.dumps(
        body, separators=(",", ":"), ensure_ascii=False
    )
    return Response(text, status, headers=headers, media_type="application/json")


def same_secret(given: str | None, expected: str) -> bool:
    """Compare credentials in constant time; a missing one never matches."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def int_param(
    params: Any, name: str, default: int | None, *, low: int = 0, high: int | None = None
) -> int | None:
    """An integer query parameter within ``low..high``; BadParameter otherwise."""
    text = params.get(name)
    if text is None or text == "":
        return default
    if not text.lstrip("-").isdigit() or not text.isascii():
        raise BadParameter(name, f"{name} must be an integer")
    value = int(text)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadParameter(name, f"{name} must be {bound}")
    return value


def bool_param(params: Any, name: str) -> bool:
    """A boolean query parameter (``true``/``false``/``1``/``0``; absent is false)."""
    text = (params.get(name) or "").lower()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise BadParameter(name, f"{name} must be true or false")


def choice_param(params: Any, name: str, allowed: frozenset[str]) -> frozenset[str] | None:
    """A comma-separated list of allowed values, or None when absent."""
    text = params.get(name)
    if not text:
        return None
    values = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(values - allowed)
    if unknown:
        raise BadParameter(name, f"{name} must be one of {', '.join(sorted(allowed))}")
    return values
