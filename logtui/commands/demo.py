"""``logtui demo``: the dashboard on the embedded demo server, no account needed.

Starts the demo server in-process on a free loopback port with lively traffic, then opens the
dashboard on its proxy-logs stream (or ``--source nextdns`` or ``instant-logs``, or ``all``: the
three at once, merged as ``logtui open`` merges named sources). Like every
streaming command, it writes NDJSON instead when stdout is not a terminal (or with
``--output ndjson``), and ends when stdout closes. Module level imports only the standard
library; the server and Textual are imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING

from logtui.commands._stream_options import add_filter_argument, add_since_argument
from logtui.core.apis import all_profiles, profile_for

if TYPE_CHECKING:
    from logtui.core.filters import Predicate
    from logtui.core.filters.multi import MultiFilterOutcome
    from logtui.core.fleet import Member
    from logtui.core.sources import SourceConfig
    from logtui.demo.config import DemoConfig, DemoTarget

HELP = "Open the dashboard on the embedded demo server (no account needed)."

ALL = "all"
"""``--source all``: every demo API at once."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the demo's flags."""
    choices = [str(profile.name) for profile in all_profiles() if profile.demo]
    parser.add_argument("--source", choices=[*choices, ALL], default="proxy",
                        help="which demo API to watch (default: proxy); all: every one at"
                        " once, each a source named by its API")
    parser.add_argument("--rate", type=float, default=30.0, metavar="N",
                        help="entries generated per second (default: 30)")
    parser.add_argument("--seed", type=int, default=1, metavar="S",
                        help="random seed for the generated traffic (default: 1)")
    parser.add_argument("--faults", default="", metavar="SPEC",
                        help="inject faults into the stream (see 'logtui demo-server --help');"
                        " with --source all, into the proxy source's only")
    parser.add_argument("--history", type=int, default=200, metavar="N",
                        help="entries of history to load before live (default: 200)")
    add_since_argument(parser)
    parser.add_argument("--buffer", type=int, default=100_000, metavar="N",
                        help="entries kept in memory; older ones are evicted (default: 100000)")
    add_filter_argument(parser)
    parser.add_argument("--output", choices=("ndjson", "tui"), default=None,
                        help="ndjson: entries on stdout, one per line; tui: the dashboard"
                        " (default: tui on a terminal, ndjson otherwise)")
    parser.add_argument("--tag-source", action="store_true",
                        help="with --source all, NDJSON: add \"source\": NAME to each payload"
                        " (see 'logtui open --help')")
    from logtui.commands._stream_options import add_view_arguments

    add_view_arguments(parser, target="source")


def run(args: argparse.Namespace) -> int:
    """Start the demo server, run the dashboard (or NDJSON) on it, stop the server at the end."""
    import sys

    from logtui.core.errors import ConfigError
    from logtui.core.sources import SourceConfig
    from logtui.core.wiring import apply_filter, checked_filter
    from logtui.demo import DemoConfig, DemoServer

    if args.rate < 0 or args.history < 0 or args.buffer < 1:
        raise ConfigError("--rate and --history must be >= 0 and --buffer >= 1")
    if args.source == ALL:
        return _run_all(args)
    checked_filter(args.source, args.filter)
    since = _since(args)
    prefill, span = _prefill(args.history, args.rate, since)
    demo = DemoConfig(seed=args.seed, rate=args.rate, faults=args.faults, history=prefill,
                      history_seconds=span)
    from logtui.commands._stream_options import setup_from_args, view_source

    setup = setup_from_args(args)  # before the server starts: a bad view is a usage error
    server = DemoServer(demo)
    server.start()
    try:
        demo_module = importlib.import_module(str(profile_for(args.source).demo))
        history = 0 if since is not None else args.history
        target: DemoTarget = demo_module.demo_target(server.base_url, demo, history)
        config = SourceConfig(
            kind=args.source, url=target.url, secret=target.secret, history=target.history,
            options=target.options,
        )
        config, outcome = apply_filter(config, args.filter)
        if args.output == "tui" or (args.output is None and sys.stdout.isatty()):
            from logtui.tui import run_dashboard

            return run_dashboard(config, buffer=args.buffer, initial_filter=args.filter or None,
                                 setup=setup, remember=view_source(args),
                                 engine_options=None if since is None else {"since": since})
        return _run_ndjson(config, outcome.client_predicate, since)
    finally:
        server.stop()


def _run_all(args: argparse.Namespace) -> int:
    """Every demo API at once, one member each (named by its API), merged; ``--faults``
    applies to the proxy-logs member's connections only, ``--since`` to the APIs that keep
    history (Instant Logs starts live)."""
    import sys

    from logtui.core.errors import ConfigError
    from logtui.demo import DemoConfig, DemoServer

    if args.view is not None:
        raise ConfigError("--view opens one source; drop it with --source all")
    outcome = demo_filter(args.filter)
    since = _since_for_all(args)
    prefill, span = _prefill(args.history, args.rate, since)
    demo = DemoConfig(seed=args.seed, rate=args.rate, faults=args.faults, history=prefill,
                      history_seconds=span,
                      fault_endpoints=frozenset({"proxy-logs", "proxy-stats", "proxy-stream"}))
    dashboard = args.output == "tui" or (args.output is None and sys.stdout.isatty())
    server = DemoServer(demo)
    server.start()
    try:
        members = demo_members(server.base_url, demo, args.history, args.filter,
                               for_dashboard=dashboard, since=since)
        if dashboard:
            from logtui.commands.open import run_dashboard

            return run_dashboard(members, buffer=args.buffer,
                                 initial_filter=args.filter or None)
        from logtui.headless_fleet import run_fleet_headless

        return run_fleet_headless(members, verbose=False, tag_source=args.tag_source,
                                  predicate=outcome.client_predicate)
    finally:
        server.stop()


def demo_filter(expression: str) -> MultiFilterOutcome:
    """``expression`` over the demo's APIs together, each member named by its API."""
    from logtui.core.apis.merged import SourceRef
    from logtui.core.wiring import checked_fleet_filter

    refs = [SourceRef(str(p.name), str(p.name)) for p in all_profiles() if p.demo]
    return checked_fleet_filter(refs, expression)


def _since_for_all(args: argparse.Namespace) -> float | None:
    """``--since`` for the demo's APIs together (checked as for proxy-logs, which keeps
    history; the members without history start live)."""
    if getattr(args, "since", None) is None:
        return None
    from logtui.commands._stream_options import since_from_args

    args.history = 0 if args.history == 200 else args.history  # 200 is only the default
    return since_from_args("proxy", args)


def demo_members(
    base_url: str, demo: DemoConfig, history: int, expression: str, *,
    for_dashboard: bool, since: float | None = None,
) -> list[Member]:
    """One member per demo API on the server at ``base_url``, each streaming with the part of
    ``expression`` its API's server filters (the rest is for the merged entries: see
    :func:`demo_filter`); nothing is resumed or saved (each demo server is new)."""
    outcome = demo_filter(expression)
    from dataclasses import replace

    from logtui.core.fleet import Member
    from logtui.core.sources import SourceConfig
    from logtui.core.wiring import engine_factory

    members = []
    for profile in all_profiles():
        if not profile.demo:
            continue
        name = str(profile.name)
        own_since = since if profile.history is not None else None
        target: DemoTarget = importlib.import_module(profile.demo).demo_target(
            base_url, demo, 0 if own_since is not None else history
        )
        config = SourceConfig(
            kind=profile.name, url=target.url, secret=target.secret, history=target.history,
            options=target.options,
        )
        config = replace(config, filters=dict(outcome.member_params.get(name, {})))
        members.append(Member(
            name=name, kind=name, description=config.url,
            engine=engine_factory(config, _options(config, own_since),
                                  defer_parsing=not for_dashboard),
            config=config,
        ))
    return members


MAX_PREFILL = 20_000
"""The most entries per API generated to cover ``--since`` (spread over its span)."""


def _since(args: argparse.Namespace) -> float | None:
    """``--since`` as Unix seconds, with the same rules as the other commands."""
    from logtui.commands._stream_options import since_from_args

    if getattr(args, "since", None) is None:
        return None
    args.history = 0 if args.history == 200 else args.history  # 200 is only the default
    return since_from_args(args.source, args)


def _prefill(history: int, rate: float, since: float | None) -> tuple[int, float]:
    """The demo server's generated history (entries, seconds back; 0: spaced by the rate):
    enough, and far enough back, to cover ``since`` (a little before it, so the load has a
    start to find)."""
    import time

    if since is None:
        return max(history, 200), 0.0
    span = (time.time() - since) * 1.1 + 5
    return int(min(MAX_PREFILL, max(200.0, span * max(rate, 1.0)))), span


def _options(config: SourceConfig, since: float | None) -> dict[str, object]:
    """The engine's options for the demo: nothing resumed or saved (each server is new)."""
    from logtui.core.constants import DEFAULT_IDLE_TIMEOUT

    return {"state_store": None, "resume": False, "idle_timeout": DEFAULT_IDLE_TIMEOUT,
            "history": config.history, "since": since}


def _run_ndjson(config: SourceConfig, predicate: Predicate | None, since: float | None) -> int:
    """The demo's entries as NDJSON, as ``logtui proxy ... | jq`` would write them (only those
    ``predicate`` keeps); nothing is resumed or saved (each demo server is new)."""
    from logtui.core.wiring import engine_factory
    from logtui.headless import run_headless

    options = _options(config, since)
    factory = engine_factory(config, options, defer_parsing=True, predicate=predicate)
    return run_headless(factory, verbose=False)
