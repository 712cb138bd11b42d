"""Plausible NextDNS query logs: several devices, real-looking domains, blocked trackers.

Pure and deterministic like the proxy generator: one ``random.Random`` per seed, timestamps
from the caller. Each entry has the documented shape (timestamp, domain, root, tracker when
known, encrypted, protocol, clientIp, client, device, status, reasons). A few queries are
"raw-only" noise (reverse and resolver lookups) that the API hides unless ``raw=1``, and
``raw=1`` also shows each query's ``type`` and ``dnssec``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from logtui.demo.timefmt import iso_ms


@dataclass(frozen=True, slots=True)
class _Device:
    id: str
    name: str
    model: str
    client: str
    protocol: str
    client_ip: str
    weight: int


_DEVICES: tuple[_Device, ...] = (
    _Device("8TD1G", "Romain's iPhone", "iPhone 12 Pro Max", "apple-profile", "DNS-over-HTTPS",
            "2a01:e0a:2cd:87a0:5540:d573:57cd:aa1d", 30),
    _Device("E2K9P", "Living Room TV", "Apple TV 4K", "apple-profile", "DNS-over-HTTPS",
            "203.0.113.17", 12),
    _Device("A71QX", "Work Laptop", "MacBook Pro", "nextdns-cli", "DNS-over-HTTPS",
            "198.51.100.23", 25),
    _Device("Z3M4C", "Pixel 8", "Google Pixel 8", "android", "DNS-over-TLS",
            "2001:db8:4f1::9c", 20),
    _Device("H6T2W", "Kitchen Speaker", "Sonos One", "router", "UDP", "192.0.2.44", 8),
    _Device("R0UT3", "Home Router", "Ubiquiti UDM", "router", "DNS-over-QUIC", "192.0.2.1", 5),
)

_ADS = {"id": "blocklist:nextdns-recommended", "name": "NextDNS Ads & Trackers Blocklist"}
_OISD = {"id": "blocklist:oisd", "name": "OISD"}
_APPLE = {"id": "native:apple", "name": "Native Tracking Protection (Apple)"}
_SAMSUNG = {"id": "native:samsung", "name": "Native Tracking Protection (Samsung)"}
_ALLOW = {"id": "allowlist", "name": "Allowlist"}


@dataclass(frozen=True, slots=True)
class _Domain:
    domain: str
    root: str
    weight: int
    tracker: str | None = None
    reasons: tuple[dict[str, str], ...] = ()
    allowed: bool = False


_DOMAINS: tuple[_Domain, ...] = (
    _Domain("g.whatsapp.net", "whatsapp.net", 20),
    _Domain("i.instagram.com", "instagram.com", 14),
    _Domain("graph.facebook.com", "facebook.com", 8, "facebook"),
    _Domain("www.google.com", "google.com", 22),
    _Domain("fonts.gstatic.com", "gstatic.com", 10),
    _Domain("www.google-analytics.com", "google-analytics.com", 9, "google_analytics",
            (_ADS, _OISD)),
    _Domain("securepubads.g.doubleclick.net", "doubleclick.net", 7, "google", (_ADS, _OISD)),
    _Domain("app-measurement.com", "app-measurement.com", 6, "google_firebase", (_ADS,)),
    _Domain("metrics.icloud.com", "icloud.com", 5, "apple", (_APPLE,)),
    _Domain("xp.apple.com", "apple.com", 4, "apple", (_APPLE,)),
    _Domain("api-mobile.samsungcloud.com", "samsungcloud.com", 2, "samsung", (_SAMSUNG,)),
    _Domain("ads.tiktok.com", "tiktok.com", 3, "tiktok", (_ADS, _OISD)),
    _Domain("api.spotify.com", "spotify.com", 9),
    _Domain("occ-0-2433-768.1.nflxso.net", "nflxso.net", 7),
    _Domain("gateway.icloud.com", "icloud.com", 10),
    _Domain("api.github.com", "github.com", 8),
    _Domain("pypi.org", "pypi.org", 4),
    _Domain("files.pythonhosted.org", "pythonhosted.org", 4),
    _Domain("edgeapi.slack.com", "slack.com", 6),
    _Domain("s.youtube.com", "youtube.com", 6, "google", (_ADS,), allowed=True),
    _Domain("rr3---sn-25ge7nsk.googlevideo.com", "googlevideo.com", 8),
    _Domain("time.apple.com", "apple.com", 3),
    _Domain("connectivitycheck.gstatic.com", "gstatic.com", 4),
    _Domain("sentry.io", "sentry.io", 2, "sentry", (_OISD,)),
)
_DOMAIN_WEIGHTS = tuple(d.weight for d in _DOMAINS)

_NOISE: tuple[tuple[str, str], ...] = (
    ("_dns.resolver.arpa", "resolver.arpa"),
    ("1.2.0.192.in-addr.arpa", "in-addr.arpa"),
    ("lb._dns-sd._udp.0.2.0.192.in-addr.arpa", "in-addr.arpa"),
)

HIDDEN_KEY = "__raw_only__"
"""Marks an entry the API shows only with ``raw=1``; the store strips it before serving."""
RAW_FIELDS_KEY = "__raw_fields__"
"""Holds the fields ``raw=1`` adds (``type``, ``dnssec``); the store strips it before serving."""

_TYPES: tuple[tuple[str, int], ...] = (("A", 50), ("AAAA", 30), ("HTTPS", 15), ("CNAME", 5))


class DnsTraffic:
    """Produces NextDNS log entries, one DNS query at a time.

    ``unidentified`` is the share of queries from no identified device (no ``device``, no
    ``client``). The raw-only fields and that share are drawn from their own generators, so
    the documented fields of a seed's traffic never change with them.
    """

    def __init__(self, seed: int, *, unidentified: float = 0.0) -> None:
        self._rng = random.Random(f"dns:{seed}")
        self._raw_rng = random.Random(f"dns-raw:{seed}")
        self._who_rng = random.Random(f"dns-unidentified:{seed}")
        self._unidentified = unidentified

    def next(self, now_ms: int) -> dict[str, Any]:
        """The next query, stamped ``now_ms``; may carry :data:`HIDDEN_KEY` (raw-only)."""
        rng = self._rng
        device = rng.choices(_DEVICES, [d.weight for d in _DEVICES])[0]
        entry: dict[str, Any] = {"timestamp": iso_ms(now_ms)}
        if rng.random() < 0.04:
            domain, root = rng.choice(_NOISE)
            entry.update(domain=domain, root=root)
            status, reasons = "default", list[dict[str, str]]()
            entry[HIDDEN_KEY] = True
        else:
            chosen = rng.choices(_DOMAINS, _DOMAIN_WEIGHTS)[0]
            entry.update(domain=chosen.domain, root=chosen.root)
            if chosen.tracker is not None:
                entry["tracker"] = chosen.tracker
            status, reasons = self._verdict(chosen)
        encrypted = device.protocol != "UDP"
        entry.update(
            encrypted=encrypted,
            protocol=device.protocol,
            clientIp=device.client_ip,
            client=device.client,
            device={"id": device.id, "name": device.name, "model": device.model},
            status=status,
            reasons=reasons,
        )
        if self._unidentified and self._who_rng.random() < self._unidentified:
            del entry["client"], entry["device"]
        entry[RAW_FIELDS_KEY] = self._raw_fields(str(entry["domain"]))
        return entry

    def _raw_fields(self, domain: str) -> dict[str, Any]:
        """What ``raw=1`` adds to a query: its record type and whether DNSSEC validated it."""
        rng = self._raw_rng
        if domain.endswith(".arpa"):
            kind = "PTR" if "in-addr" in domain else "SVCB"
        else:
            kind = rng.choices([t for t, _ in _TYPES], [w for _, w in _TYPES])[0]
        return {"type": kind, "dnssec": rng.random() < 0.2}

    def _verdict(self, chosen: _Domain) -> tuple[str, list[dict[str, str]]]:
        roll = self._rng.random()
        if roll < 0.006:
            return "error", []
        if chosen.allowed:
            return "allowed", [dict(_ALLOW)]
        if chosen.reasons and roll < 0.97:
            return "blocked", [dict(reason) for reason in chosen.reasons]
        return "default", []
