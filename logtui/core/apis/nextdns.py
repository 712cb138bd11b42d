"""NextDNS: ``GET /profiles/:profile/logs/stream`` (SSE) and ``/logs`` history."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Mapping
from typing import Any, Final

from logtui.core.apis.base import ApiProfile, Credential, FieldSet, ToggleSpec
from logtui.core.columns import Column, field_text, time_cell
from logtui.core.filters.server import (
    EQ,
    Case,
    FilterStyle,
    ServerField,
    ServerFilterSpec,
    ServerFlag,
)
from logtui.core.models import Entry, SourceKind
from logtui.core.stats import BLOCKED_DOMAINS, DEVICES, REASONS, STATUS, GroupSpec, key_of, nested

NAME: Final = SourceKind.NEXTDNS
KEY_ENV: Final = "NEXTDNS_API_KEY"
STATUSES: Final = ("default", "blocked", "allowed", "error")

UNIDENTIFIED_DEVICE: Final = "__UNIDENTIFIED__"
"""The ``device`` value of a query from no identified device (as the API filters)."""


def _device(entry: Entry) -> Any:
    """``device`` as the API filters it: the device's id, or ``__UNIDENTIFIED__``.

    So ``device=8TD1G`` means the same in the buffer as on the server, which filters by id
    (``device.name`` reads the name).
    """
    device = entry.data.get("device")
    if isinstance(device, Mapping):
        found = device.get("id")
        return found if found not in (None, "") else UNIDENTIFIED_DEVICE
    return UNIDENTIFIED_DEVICE if device in (None, "") else device


FIELDS: Final = FieldSet(
    known=(
        "timestamp", "domain", "root", "tracker", "encrypted", "protocol", "clientIp", "client",
        "device", "status", "reasons", "type", "dnssec",
    ),
    aliases={"ip": "clientIp", "reason": "reasons"},
    getters={"device": _device},
    time_keys=("timestamp",),
)
"""``type`` and ``dnssec`` come only with ``raw=1``; ``device`` and ``client`` are absent from
queries of no identified device."""

NEXTDNS_COLUMNS: Final[tuple[Column, ...]] = (
    Column("time", 12, time_cell, priority=9),
    Column("status", 7, field_text("status"), priority=8),
    Column("domain", 20, field_text("domain"), flex=True, priority=9),
    Column("device", 16, field_text("device", "name"), priority=7),
    Column("protocol", 14, field_text("protocol"), priority=3),
    Column("reasons", 14, field_text("reasons"), priority=6),
)
"""Which device asked for what, and whether it was blocked and why."""


def dns_key(entry: Entry) -> str:
    """The style key of a NextDNS row: blocked, allowed, error or default."""
    status = str(entry.data.get("status", "")).lower()
    if status in {"blocked", "allowed", "error"}:
        return f"dns-{status}"
    return "dns-default"


NEXTDNS_FILTERS: Final = ServerFilterSpec(
    kind=NAME,
    label="the NextDNS stream",
    style=FilterStyle.QUERY,
    fields=(
        ServerField("status", "status", EQ, values=STATUSES, case=Case.LOWER),
        ServerField("device", "device", EQ),
    ),
    search_param="search",
    search_fields=("domain",),
    flags=(ServerFlag("raw", "raw", "1"),),
)
"""``GET /profiles/:profile/logs/stream``: status, device (by id), one search, ``raw=1``."""


def _blocked_domain(data: Mapping[str, Any]) -> Any:
    return data.get("domain") if data.get("status") == "blocked" else None


def _reasons(data: Mapping[str, Any]) -> Any:
    reasons = data.get("reasons")
    if not isinstance(reasons, list):
        return None
    names = []
    for reason in reasons:
        if isinstance(reason, Mapping):
            name = reason.get("name") or reason.get("id")
            if name is not None:
                names.append(name)
        elif reason is not None:
            names.append(reason)
    return names


_IDENTITY_FIELDS: Final = (
    "timestamp", "domain", "type", "dnssec", "protocol", "encrypted", "clientIp", "client",
    "status",
)
"""What tells one query from another (with ``device.id``); fields that may be shaped
differently in ``/logs`` and the stream (``reasons``, the device's name) are left out."""


_IDENTITY_TEXT: Final = json.JSONEncoder(separators=(",", ":"), default=str).encode
"""``json.dumps`` with these options, its encoder made once: every entry's identity is read as
it is packed, and building the encoder was a third of the cost."""


def identity(entry: Entry) -> Hashable | None:
    """A digest of what tells queries apart: entries carry no id of their own."""
    data = entry.data
    if not entry.is_json or entry.origin == "gap" or not data.get("timestamp"):
        return None  # without its timestamp an entry cannot be told apart: never dropped
    device = data.get("device")
    fields = [data.get(name) for name in _IDENTITY_FIELDS]
    fields.append(device.get("id") if isinstance(device, Mapping) else device)
    text = _IDENTITY_TEXT(fields)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


PROFILE: Final = ApiProfile(
    name=NAME,
    label="NextDNS",
    source="logtui.core.sources.nextdns:build",
    history="logtui.core.sources.nextdns_history:build_reader",
    fields=FIELDS,
    columns=NEXTDNS_COLUMNS,
    row_style=dns_key,
    stats_groups=(
        GroupSpec(STATUS, "Status", key_of("status")),
        GroupSpec(BLOCKED_DOMAINS, "Top blocked domains", _blocked_domain),
        GroupSpec(DEVICES, "Top devices", nested("device", "name", "id")),
        GroupSpec(REASONS, "Top reasons", _reasons),
    ),
    server_filters=NEXTDNS_FILTERS,
    toggles=(
        ToggleSpec("status", STATUSES),
        ToggleSpec("device", seen_path=("device", "id"), label_path=("device", "name")),
        ToggleSpec("raw", ("1",)),
    ),
    example_filter="status=blocked device:iphone -domain:apple",
    identity=identity,
    identity_unique=False,
    credentials=(Credential("--api-key", KEY_ENV, "nextdns.api_key"),),
    command="logtui.commands.nextdns",
    demo="logtui.demo.nextdns_api",
)
