"""Instant Logs defaults and names, importable by the command line without httpx or websockets.

``logtui --help`` must stay fast, so the command module reads its defaults from here rather
than from the source module.
"""

from __future__ import annotations

from typing import Final

from logtui.core.apis.instant_logs import CIS_TOKEN_ENV, EMAIL_ENV, KEY_ENV, TOKEN_ENV

DEFAULT_API_URL: Final = "https://api.cloudflare.com/client/v4"
"""The public Cloudflare v4 API root; IBM CIS and the demo server are given with --api-url."""
DEFAULT_FIELDS: Final = (
    "ClientIP",
    "ClientRequestHost",
    "ClientRequestMethod",
    "ClientRequestURI",
    "EdgeResponseStatus",
    "EdgeStartTimestamp",
    "EdgeEndTimestamp",
    "EdgeResponseBytes",
    "ClientCountry",
    "RayID",
)
"""The fields asked for when ``--fields`` is not given."""
SESSION_MAX: Final = 3600.0
"""The server's session limit in seconds (60 minutes)."""
RENEW_MARGIN: Final = 60.0
"""How long before the session limit a new job is started."""
KEEPALIVE: Final = 10.0
"""Seconds of silence before the socket is pinged (and the ping's answer awaited)."""

CREDENTIAL_HINT: Final = f"set {TOKEN_ENV} (or {EMAIL_ENV} and {KEY_ENV}) or pass --token"
"""What to do when the API refuses the credentials."""

CIS_API_URL: Final = "https://api.cis.cloud.ibm.com/v2"
"""IBM CIS's own API root; the instance CRN, URL-encoded, follows it."""
CIS_TOKEN_HEADER: Final = "X-Auth-User-Token"  # noqa: S105 - a header name, not a secret
CIS_CREDENTIAL_HINT: Final = (
    f"set {CIS_TOKEN_ENV} to a current IAM access token (`ibmcloud iam oauth-tokens`; an IAM"
    " token, not an API key: it expires after an hour)"
)
"""What to do when CIS's own API refuses the IAM token."""

__all__ = [
    "CIS_API_URL",
    "CIS_CREDENTIAL_HINT",
    "CIS_TOKEN_ENV",
    "CIS_TOKEN_HEADER",
    "CREDENTIAL_HINT",
    "DEFAULT_API_URL",
    "DEFAULT_FIELDS",
    "EMAIL_ENV",
    "KEEPALIVE",
    "KEY_ENV",
    "RENEW_MARGIN",
    "SESSION_MAX",
    "TOKEN_ENV",
]
