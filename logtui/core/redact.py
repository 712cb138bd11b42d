"""Keeping secrets out of what is shown or saved: URLs without credentials, known secrets starred.

A URL reaches status lines, messages, crash reports and resume-state files; user info and any
query parameter named like a credential are stripped first (:func:`scrub_url`). A known secret
(a token from a flag, the environment or the config file) may still be echoed by a server or
sit in an exception message; :func:`scrub` stars it, in every encoding a URL may carry it in.
Standard library only, so any layer may use it on any path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx

    from logtui.core.secrets import Secret

SHOWN: Final = "********"
"""What a secret shows as."""
URL_RESERVED: Final = "!$&'()*+,;=:@/?"
"""Characters a URL may carry unencoded: a secret may appear with them encoded or not."""
_CREDENTIAL_PARAM: Final = re.compile(
    r"token|key|secret|passw|pwd|auth|credential|signature|session|cookie|jwt|bearer|^sig$",
    re.IGNORECASE,
)
"""Query parameter names that may carry a credential (``api_key``, ``access_token``, ...)."""


def looks_like_credential(name: str) -> bool:
    """Whether a parameter or option called ``name`` may carry a credential (``api_key``)."""
    return _CREDENTIAL_PARAM.search(name) is not None


def scrub_url(url: str) -> str:
    """``url`` without user info, fragment, or any query parameter named like a credential."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. a broken IPv6 literal: keep only what cannot hold a credential
        scheme, _, rest = url.strip().partition("://")
        authority, slash, path = rest.split("?", 1)[0].split("#", 1)[0].partition("/")
        return f"{scheme.lower()}://{authority.rpartition('@')[2].lower()}{slash}{path}"
    netloc = parts.netloc.rpartition("@")[2].lower()
    query = urlencode(
        [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _CREDENTIAL_PARAM.search(name)
        ]
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, query, ""))


def redact_url(url: str | httpx.URL) -> str:
    """The URL as shown in status lines and messages: no user info, no fragment, and no query
    parameter named like a credential (``access_token``, ``api_key``, ...)."""
    return scrub_url(str(url))


def scrub(text: str, *secrets: str | Secret | None) -> str:
    """``text`` with every known secret replaced by stars, also in the percent-encoded forms a
    URL may carry it in (all reserved characters encoded, none, or spaces as ``+``)."""
    for secret in secrets:
        value = secret if secret is None or isinstance(secret, str) else secret.reveal()
        if not value:
            continue
        forms = {value, quote(value, safe=""), quote(value, safe=URL_RESERVED), quote_plus(value)}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, SHOWN)
    return text


__all__ = ["SHOWN", "looks_like_credential", "redact_url", "scrub", "scrub_url"]
