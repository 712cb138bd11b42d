"""Plausible Cloudflare HTTP request records for the Instant Logs demo.

Each record carries every field the demo's dataset knows (a subset of Cloudflare's HTTP
requests dataset, including all ten filterable keys); a session sends only the fields its job
asked for. Deterministic for a seed, with timestamps from the caller, in Unix nanoseconds.
"""

from __future__ import annotations

import random
from typing import Any, Final

FIELDS: Final[frozenset[str]] = frozenset({
    "CacheCacheStatus", "ClientASN", "ClientCountry", "ClientIP", "ClientRequestHost",
    "ClientRequestMethod", "ClientRequestPath", "ClientRequestProtocol", "ClientRequestReferer",
    "ClientRequestURI", "ClientRequestUserAgent", "EdgeColoCode", "EdgeEndTimestamp",
    "EdgeResponseBytes", "EdgeResponseContentType", "EdgeResponseStatus", "EdgeStartTimestamp",
    "OriginResponseStatus", "RayID", "SecurityActions", "SecurityRuleIDs",
})
"""Every field a job may request."""

_HOSTS = (("www.example.com", 50), ("api.example.com", 30), ("static.example.com", 15),
          ("example.com", 5))
_PATHS = {
    "www.example.com": ("/", "/pricing", "/blog/launch-week", "/docs/getting-started", "/login",
                        "/wp-login.php", "/favicon.ico"),
    "api.example.com": ("/v1/orders", "/v1/orders/8812", "/v1/users/me", "/v1/search",
                        "/v1/webhooks", "/graphql"),
    "static.example.com": ("/static/app.3f9a1c.js", "/static/app.css", "/static/logo.svg",
                           "/static/fonts/inter.woff2"),
    "example.com": ("/", "/robots.txt", "/.env"),
}
_COUNTRIES = (("us", 35), ("gb", 10), ("de", 9), ("ca", 7), ("fr", 6), ("in", 8), ("br", 6),
              ("jp", 5), ("nl", 4), ("au", 4), ("sg", 3), ("ru", 3))
_ASNS = (7922, 701, 3320, 2856, 812, 13335, 16509, 4134, 9829, 24940, 14061)
_COLOS = ("IAD", "EWR", "LHR", "FRA", "CDG", "YYZ", "NRT", "SIN", "GRU", "BOM", "AMS", "SYD")
_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148",
    "curl/8.7.1",
    "python-requests/2.32.3",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
)
_RULES = ("efb7b8c949ac4650a09736fc376e9aee", "6179ae15870a4bb7b2d480d4843b323c",
          "100173", "100015", "ratelimit-login")


class HttpTraffic:
    """Produces HTTP request records, one at a time."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"http:{seed}")

    def next(self, now_ms: int) -> dict[str, Any]:
        """The next request record, ending at ``now_ms``."""
        rng = self._rng
        host = rng.choices([h for h, _ in _HOSTS], [w for _, w in _HOSTS])[0]
        path = rng.choice(_PATHS[host])
        api = host == "api.example.com"
        method = rng.choice(("POST", "GET", "PUT", "DELETE")) if api and rng.random() < 0.4 \
            else "GET"
        query = f"?page={rng.randint(1, 9)}" if rng.random() < 0.15 else ""
        actions, rules = self._security(path)
        status, cache = self._outcome(host, path, method, actions)
        duration_ms = max(1, int(rng.lognormvariate(3.4, 1.0)))
        end_ns = now_ms * 1_000_000
        return {
            "CacheCacheStatus": cache,
            "ClientASN": rng.choice(_ASNS),
            "ClientCountry": rng.choices([c for c, _ in _COUNTRIES],
                                         [w for _, w in _COUNTRIES])[0],
            "ClientIP": f"{rng.choice(('203.0.113.', '198.51.100.', '192.0.2.'))}"
                        f"{rng.randint(1, 254)}",
            "ClientRequestHost": host,
            "ClientRequestMethod": method,
            "ClientRequestPath": path,
            "ClientRequestProtocol": rng.choice(("HTTP/2", "HTTP/2", "HTTP/3", "HTTP/1.1")),
            "ClientRequestReferer": "" if rng.random() < 0.6 else f"https://{host}/",
            "ClientRequestURI": path + query,
            "ClientRequestUserAgent": rng.choice(_AGENTS),
            "EdgeColoCode": rng.choice(_COLOS),
            "EdgeEndTimestamp": end_ns,
            "EdgeResponseBytes": 0 if status in (204, 304) else int(rng.lognormvariate(8, 1.5)),
            "EdgeResponseContentType": "application/json" if api else (
                "text/html" if "." not in path else "application/octet-stream"),
            "EdgeResponseStatus": status,
            "EdgeStartTimestamp": end_ns - duration_ms * 1_000_000,
            "OriginResponseStatus": 0 if cache == "hit" or actions else status,
            "RayID": f"{rng.getrandbits(64):016x}",
            "SecurityActions": actions,
            "SecurityRuleIDs": rules,
        }

    def _security(self, path: str) -> tuple[list[str], list[str]]:
        rng = self._rng
        suspicious = path in ("/wp-login.php", "/.env", "/login")
        roll = rng.random()
        if (suspicious and roll < 0.5) or roll < 0.01:
            action = rng.choice(("block", "managedChallenge", "log", "jschallenge"))
            return [action], [rng.choice(_RULES)]
        return [], []

    def _outcome(self, host: str, path: str, method: str,
                 actions: list[str]) -> tuple[int, str]:
        rng = self._rng
        if "block" in actions:
            return 403, "unknown"
        if actions and actions[0] in ("managedChallenge", "jschallenge"):
            return 403, "unknown"
        if host == "static.example.com":
            return (200, "hit") if rng.random() < 0.85 else (200, rng.choice(("miss", "expired")))
        roll = rng.random()
        if roll < 0.015:
            return rng.choice((500, 502, 503, 520, 522, 524)), "dynamic"
        if roll < 0.07:
            return rng.choice((400, 401, 404, 404, 405, 429)), "dynamic"
        if method == "POST":
            return 201, "dynamic"
        if method == "DELETE":
            return 204, "dynamic"
        if roll < 0.12:
            return 304, "revalidated"
        return 200, "dynamic" if host == "api.example.com" else rng.choice(
            ("hit", "miss", "dynamic", "dynamic"))
