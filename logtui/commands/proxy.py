"""``logtui proxy URL``: live-tail the proxy-logs API."""

from __future__ import annotations

import argparse

from logtui.commands._stream_options import add_common_arguments

HELP = "live-tail proxy-logs (URL is the API base, e.g. https://host/api/proxy-logs)"

TOKEN_ENV = "LOGTUI_PROXY_TOKEN"  # noqa: S105 - the name of a variable, not a secret


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
    filters.add_argument("--kind", choices=("request", "response", "event"))
    filters.add_argument("--level", choices=("debug", "info", "warn", "error"))
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Tail the proxy-logs source from ``args``; returns the exit code."""
    from logtui.commands._stream_options import (
        require_http_url,
        run_stream,
        settings_from_args,
    )
    from logtui.core.models import SourceKind
    from logtui.core.secrets import resolve_secret
    from logtui.core.sources import SourceConfig

    url = require_http_url(args.url, "URL")
    filters = {
        name: value
        for name, value in (
            ("projectId", args.project),
            ("containerId", args.container),
            ("kind", args.kind),
            ("level", args.level),
        )
        if value
    }
    config = SourceConfig(
        kind=SourceKind.PROXY,
        url=url,
        secret=resolve_secret(flag_value=args.token, env_var=TOKEN_ENV, config_key="proxy.token"),
        filters=filters,
        history=args.history,
    )
    return run_stream(settings_from_args(config, args))
