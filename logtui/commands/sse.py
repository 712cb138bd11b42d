"""``logtui sse URL``: live-tail any Server-Sent Events stream."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from logtui.commands._stream_options import add_common_arguments
from logtui.core.errors import ConfigError

if TYPE_CHECKING:
    from logtui.core.sources import SourceConfig

HELP = "live-tail any Server-Sent Events stream (JSON data becomes an entry, other data text)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the SSE options and the shared streaming ones."""
    parser.add_argument("url", metavar="URL", help="the event stream's URL")
    parser.add_argument(
        "-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
        help="a request header to send (repeatable), e.g. -H 'Authorization: Bearer ...'",
    )
    add_common_arguments(parser)


def parse_headers(values: list[str]) -> dict[str, str]:
    """``-H 'Name: value'`` options as a header mapping; a malformed one is a usage error."""
    headers: dict[str, str] = {}
    for value in values:
        name, colon, content = value.partition(":")
        name = name.strip()
        if not colon or not name or any(c in name for c in " \t\r\n") or not name.isascii():
            raise ConfigError("-H takes 'Name: value', e.g. -H 'Authorization: Bearer ...'")
        if any(c in content for c in "\r\n\0"):
            raise ConfigError(f"-H {name}: the value must be one line")
        headers[name] = content.strip()
    return headers


def run(args: argparse.Namespace) -> int:
    """Tail the SSE source from ``args``; returns the exit code."""
    from logtui.commands._stream_options import run_stream, settings_from_args

    return run_stream(settings_from_args(source_config(args), args))


def source_config(args: argparse.Namespace, *, for_dashboard: bool = False) -> SourceConfig:
    """The source ``args`` name (a ``[sources.NAME]`` table builds its members with it too)."""
    from logtui.commands._stream_options import require_http_url
    from logtui.core.apis.generic_sse import PROFILE
    from logtui.core.sources import SourceConfig

    return SourceConfig(
        kind=PROFILE.name,
        url=require_http_url(args.url, "URL"),
        headers=parse_headers(args.header),
        history=args.history,
    )
