"""``logtui nextdns PROFILE``: live-tail a NextDNS profile's query log."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from logtui.commands._stream_options import add_common_arguments
from logtui.core.apis.nextdns import KEY_ENV, PROFILE, STATUSES
from logtui.core.errors import ConfigError

if TYPE_CHECKING:
    from logtui.core.sources import SourceConfig

HELP = "live-tail a NextDNS profile's DNS query log"

DEFAULT_API_URL = "https://api.nextdns.io"
_PROFILE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the NextDNS options and the shared streaming ones."""
    parser.add_argument("profile", metavar="PROFILE", help="the profile id, e.g. abc123")
    parser.add_argument(
        "--api-key", default=None,
        help=f"API key (default: ${KEY_ENV}, else 'api_key' under [nextdns] in the config"
        " file; both safer than this flag)",
    )
    parser.add_argument(
        "--api-url", default=DEFAULT_API_URL, metavar="URL",
        help=f"the API's base URL (default {DEFAULT_API_URL})",
    )
    filters = parser.add_argument_group("server-side filters")
    filters.add_argument(
        "--device", metavar="ID",
        help="only this device, by id (__UNIDENTIFIED__: queries of no identified device)",
    )
    filters.add_argument("--status", choices=STATUSES)
    filters.add_argument("--search", metavar="TEXT", help="only domains containing TEXT")
    filters.add_argument("--raw", action="store_true", help="raw DNS queries (no grouping)")
    add_common_arguments(parser, target="profile", source_options=("api_url",))


def run(args: argparse.Namespace) -> int:
    """Tail the NextDNS source from ``args``; returns the exit code."""
    from logtui.commands._stream_options import run_stream, settings_from_args

    return run_stream(settings_from_args(source_config(args), args))


def source_config(args: argparse.Namespace, *, for_dashboard: bool = False) -> SourceConfig:
    """The source ``args`` name (a ``[sources.NAME]`` table builds its members with it too)."""
    from logtui.commands._stream_options import require_http_url
    from logtui.core.secrets import resolve_secret
    from logtui.core.sources import SourceConfig
    from logtui.core.sources.nextdns import profile_url

    if not _PROFILE.fullmatch(args.profile):
        raise ConfigError("PROFILE must be a NextDNS profile id (letters and digits, e.g. abc123)")
    api_url = require_http_url(args.api_url, "--api-url")
    filters = {
        name: value
        for name, value in (
            ("device", args.device),
            ("status", args.status),
            ("search", args.search),
            ("raw", "1" if args.raw else None),
        )
        if value
    }
    key = PROFILE.credential(KEY_ENV)
    config = SourceConfig(
        kind=PROFILE.name,
        url=profile_url(api_url, args.profile),
        secret=resolve_secret(
            flag_value=args.api_key, env_var=key.env_var, config_key=key.config_key
        ),
        filters=filters,
        history=args.history,
    )
    return config
