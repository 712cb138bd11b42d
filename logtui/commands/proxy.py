"""``logtui proxy URL``: live-tail the proxy-logs API."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from logtui.commands._stream_options import add_common_arguments
from logtui.core.apis.proxy import KINDS, LEVELS, PROFILE, TOKEN_ENV

if TYPE_CHECKING:
    from logtui.core.sources import SourceConfig

HELP = "live-tail proxy-logs (URL is the API base, e.g. https://host/api/proxy-logs)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the proxy-logs options and the shared streaming ones."""
    parser.add_argument("url", metavar="URL", help="the proxy-logs API base URL")
    parser.add_argument(
        "--token", default=None,
        help=f"bearer token (default: ${TOKEN_ENV}, else 'token' under [proxy] in the config"
        " file; both safer than this flag)",
    )
    filters = parser.add_argument_group("server-side filters")
    filters.add_argument("--project", metavar="ID", help="only this projectId")
    filters.add_argument("--container", metavar="ID", help="only this containerId")
    filters.add_argument("--kind", choices=KINDS)
    filters.add_argument("--level", choices=LEVELS)
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Tail the proxy-logs source from ``args``; returns the exit code."""
    from logtui.commands._stream_options import run_stream, settings_from_args

    return run_stream(settings_from_args(source_config(args), args))


def source_config(args: argparse.Namespace, *, for_dashboard: bool = False) -> SourceConfig:
    """The source ``args`` name (a ``[sources.NAME]`` table builds its members with it too)."""
    from logtui.commands._stream_options import require_http_url
    from logtui.core.secrets import resolve_secret
    from logtui.core.sources import SourceConfig

    url = require_http_url(args.url, "URL")
    filters = {
        param: value for flag, param in PROFILE.flag_filters if (value := getattr(args, flag))
    }
    token = PROFILE.credential(TOKEN_ENV)
    config = SourceConfig(
        kind=PROFILE.name,
        url=url,
        secret=resolve_secret(
            flag_value=args.token, env_var=token.env_var, config_key=token.config_key
        ),
        filters=filters,
        history=args.history,
    )
    return config
