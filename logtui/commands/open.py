"""``logtui open NAME [NAME...]``: the sources named in the config file, run together.

Each name is a ``[sources.NAME]`` table (:mod:`logtui.core.named_sources`); each runs as its
own engine with its own filter, connection, resume point and errors, merged into one view
ordered by event time. On a terminal the dashboard; otherwise (or ``--output ndjson``) the
merged payloads as NDJSON. Module level imports only the standard library.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from logtui.commands._stream_options import (
    add_filter_argument,
    add_since_argument,
    seconds,
    wants_dashboard,
    whole_number,
)
from logtui.core.constants import DEFAULT_BUFFER

if TYPE_CHECKING:
    from logtui.core.fleet import Member

HELP = "run the sources named in the config file ([sources.NAME]) together, merged"

EPILOG = """\
sources are tables of the config file (~/.config/logtui/config.toml, mode 0600):

  [sources.prod]
  api = "proxy"
  url = "https://host/api/proxy-logs"
  level = "error"                  # any option of 'logtui proxy', by its long name
  token_env = "PROD_PROXY_TOKEN"   # credentials by reference only (or token_file = "path")

output:
  --output ndjson (the default when stdout is not a terminal) writes each entry's payload as
  the server sent it, one per line, merged in event-time order. With --tag-source a JSON
  object gets "source": NAME added as its first key; any other payload (a JSON array or
  number, text, an object with its own "source") is wrapped as
  {"source": NAME, "payload": ...}.

exit codes:
  0    every source ended on purpose, or stdout was closed
  1    an unexpected error
  2    bad arguments, an unknown name, or a config file to fix
  3    the worst source was refused (credentials, 404, ...); the others ran on
  130  interrupted with Ctrl-C; 143 terminated (SIGTERM)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``open``'s arguments."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "names", nargs="*", metavar="NAME",
        help="the sources to run (none: pick them from a list, on a terminal)",
    )
    add_filter_argument(
        parser,
        "a filter added to each source's own (the dashboard's filter language); each source"
        " sends its API's part to its server",
    )
    add_since_argument(parser, "load each source's history from WHEN (-15m, 2h, 14:00, an ISO"
                       " time) then go live; sources whose API keeps no history start live")
    parser.add_argument(
        "--output", choices=("ndjson", "tui"), default=None,
        help="ndjson: merged entries on stdout; tui: the dashboard (default: tui on a"
        " terminal, ndjson otherwise)",
    )
    parser.add_argument(
        "--tag-source", action="store_true",
        help="NDJSON: add \"source\": NAME to each payload (see below)",
    )
    parser.add_argument(
        "--window", type=seconds(allow_zero=True), default=1.0, metavar="SECONDS",
        help="how long an entry may wait for other sources' entries of the same moment"
        " (default 1; later ones are marked late; 0: as they arrive)",
    )
    parser.add_argument(
        "--buffer", type=whole_number(0, "must be 0 or more"), default=DEFAULT_BUFFER, metavar="N",
        help="entries the dashboard keeps (default 100000)",
    )
    parser.add_argument("--state-dir", default=None, metavar="DIR",
                        help="where resume points are kept (each source has its own)")
    parser.add_argument("--no-resume", action="store_true",
                        help="ignore the saved resume points and start from live")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="each source's connection state changes on stderr")


def run(args: argparse.Namespace) -> int:
    """Build the named members and run them; returns the exit code."""
    from pathlib import Path

    from logtui.commands._named import build_members, fleet_filter, starts_live
    from logtui.core.apis import profile_for
    from logtui.core.errors import ConfigError
    from logtui.core.named_sources import configured_sources, pick

    sources = configured_sources()
    names: list[str] = list(args.names)
    dashboard = wants_dashboard(args.output)
    if not names:
        if not sources:
            raise ConfigError("no sources are configured: add a [sources.NAME] table to the"
                              " config file (see 'logtui open --help')")
        if not (dashboard and sys.stdin.isatty() and sys.stdout.isatty()):
            known = ", ".join(sorted(sources))
            raise ConfigError(f"name the sources to open (configured: {known})")
        from logtui.tui.picker import pick_sources

        names = pick_sources(list(sources.values()))
        if not names:
            return 0
    chosen = pick(sources, names)
    outcome = fleet_filter(chosen, args.filter)
    if not dashboard:  # a source the filter rules out has nothing to write
        chosen = [source for source in chosen if source.name in outcome.member_params]
    if args.since is not None:
        from logtui.core.history import parse_since

        parse_since(args.since, time.time(), "local")  # a bad value is a usage error now
        for source in chosen:
            if starts_live(source):
                print(f"logtui: {source.name}: {profile_for(source.api).label} keeps no history;"
                      " it starts live", file=sys.stderr)
    members = build_members(
        chosen, filter_text=args.filter, for_dashboard=dashboard, since=args.since,
        state_dir=Path(args.state_dir) if args.state_dir else None, resume=not args.no_resume,
    )
    if dashboard:
        return run_dashboard(members, buffer=args.buffer, initial_filter=args.filter or None)
    from logtui.commands._stream_options import skip_httpx_cli

    skip_httpx_cli()
    from logtui.headless_fleet import run_fleet_headless

    return run_fleet_headless(
        members, verbose=args.verbose, tag_source=args.tag_source, window=args.window,
        predicate=outcome.client_predicate,
    )


def run_dashboard(
    members: Sequence[Member], *, buffer: int, initial_filter: str | None
) -> int:
    """The dashboard over several sources (``logtui.tui.run.run_fleet_dashboard``)."""
    import importlib

    from logtui.core.errors import LogtuiError

    runner = getattr(importlib.import_module("logtui.tui.run"), "run_fleet_dashboard", None)
    if runner is None:
        raise LogtuiError(
            "the dashboard over several sources is not in this build; use --output ndjson"
        )
    return int(runner(members, buffer=buffer, initial_filter=initial_filter))


__all__ = ["HELP", "add_arguments", "run"]
