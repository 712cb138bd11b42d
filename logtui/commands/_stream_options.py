"""Options and start-up shared by the streaming subcommands (``proxy``, ``nextdns``, ``sse``).

Only the standard library is imported at module level (``logtui --help`` must stay fast); the
engine, httpx and the dashboard are imported by :func:`run_stream` when a command runs.

On a terminal the commands open the dashboard (``logtui.tui.run_dashboard``) with the same
engine options (:func:`engine_options`) that headless mode uses.
"""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from logtui.core.constants import DEFAULT_BUFFER, DEFAULT_IDLE_TIMEOUT
from logtui.core.errors import ConfigError

if TYPE_CHECKING:
    from logtui.core.engine import Engine
    from logtui.core.filters import Predicate
    from logtui.core.models import Sink
    from logtui.core.sources import SourceConfig
    from logtui.core.views import Setup, ViewSource

EPILOG: Final = """\
output:
  With --output ndjson (the default when stdout is not a terminal) each entry's original JSON
  payload is written to stdout, one per line; diagnostics go to stderr (-v for more).

exit codes:
  0    the server ended the stream on purpose (scope-destroyed), or stdout was closed
  1    an unexpected error
  2    bad arguments (usage)
  3    the server refused, or cannot be used: credentials (401/403), not found (404), 204,
       not an event stream, a TLS failure
  130  interrupted with Ctrl-C, after flushing output and saving the resume point
  143  terminated (SIGTERM), likewise
"""


def whole_number(minimum: int, rule: str) -> Callable[[str], int]:
    """An argparse type for a whole number of at least ``minimum``; ``rule`` says so to the
    user (e.g. "must be 0 or more")."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(rule)
        return value

    return parse


def seconds(*, allow_zero: bool) -> Callable[[str], float]:
    """An argparse type for a finite number of seconds, positive (or also 0 if allowed)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number of seconds, got {text!r}"
            ) from None
        if not (value >= 0 if allow_zero else value > 0) or value == float("inf"):
            rule = "0 or more seconds" if allow_zero else "a positive number of seconds"
            raise argparse.ArgumentTypeError(f"must be {rule}")
        return value

    return parse


_count = whole_number(0, "must be 0 or more")
_positive_seconds = seconds(allow_zero=False)


def add_view_arguments(
    parser: argparse.ArgumentParser, target: str, source_options: tuple[str, ...] = ()
) -> None:
    """Add ``--view NAME`` and ``--no-restore``; ``target`` is the argument (dest) that names
    the source in a saved view (the URL, profile or zone), ``source_options`` the dests of
    the other options that say which source it is (``api_url``), saved with it."""
    group = parser.add_argument_group("views")
    group.add_argument(
        "--view", default=None, metavar="NAME",
        help="open with the saved view NAME's filter, columns, zone, theme and panes"
        " ('Save view as…' in the dashboard saves one)",
    )
    group.add_argument(
        "--no-restore", action="store_true",
        help="do not bring back the setup last used on this source",
    )
    parser.set_defaults(_view_target=target, _view_options=source_options)


def view_source(args: argparse.Namespace) -> ViewSource | None:
    """The source ``args`` open, as a saved view names it (no credentials)."""
    from logtui.core.views import source_for

    command: str | None = getattr(args, "command", None)
    target = getattr(args, getattr(args, "_view_target", ""), None)
    if not command or not isinstance(target, str):
        return None
    options = {
        name: value for name in getattr(args, "_view_options", ())
        if isinstance(value := getattr(args, name, None), str)
    }
    return source_for(command, target, options)


def setup_from_args(args: argparse.Namespace) -> Setup | None:
    """The setup the dashboard opens with: ``--view``'s, else the last one on this source.

    ``--view`` with NDJSON output is a usage error rather than ignored: a view is a setup of
    the dashboard, and a filter silently not applied would pass every entry to a script.
    """
    if getattr(args, "view", None) is not None and not wants_dashboard(args.output):
        raise ConfigError(
            "--view sets up the dashboard, not NDJSON output: drop it, or add --output tui"
        )
    if not wants_dashboard(args.output):
        return None
    from logtui.core.views import setup_to_open

    return setup_to_open(
        view_source(args), view=getattr(args, "view", None),
        restore=not getattr(args, "no_restore", False),
    )


FILTER_HELP: Final = (
    "the dashboard's filter language, e.g. 'level=error url~^/v1 -healthz'; what the API"
    " filters goes to the server, the rest is applied here (the options above add terms to it)"
)


def add_filter_argument(parser: argparse.ArgumentParser | argparse._ArgumentGroup,
                        help_text: str = FILTER_HELP) -> None:
    """Declare ``--filter EXPR``, which every streaming command takes."""
    parser.add_argument("--filter", default="", metavar="EXPR", help=help_text)


def add_common_arguments(
    parser: argparse.ArgumentParser,
    *,
    target: str = "url",
    source_options: tuple[str, ...] = (),
    with_filter: bool = True,
) -> None:
    """Add the options every streaming command shares, and the exit-code epilog.

    ``target`` and ``source_options`` say which source a saved view names
    (:func:`add_view_arguments`); ``with_filter=False``: the command declares ``--filter``
    itself, with its own help.
    """
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    add_view_arguments(parser, target, source_options)
    group = parser.add_argument_group("streaming")
    if with_filter:
        add_filter_argument(group)
    group.add_argument(
        "--output",
        choices=("ndjson", "tui"),
        default=None,
        help="ndjson: entries on stdout, one per line; tui: the dashboard"
        " (default: tui on a terminal, ndjson otherwise)",
    )
    group.add_argument(
        "--history", type=_count, default=0, metavar="N",
        help="entries of recent history to load before live (default 0; skipped when"
        " resuming from a saved point)",
    )
    add_since_argument(group)
    group.add_argument(
        "--state-dir", type=Path, default=None, metavar="DIR",
        help="where resume points are kept (default: the XDG state directory)",
    )
    group.add_argument(
        "--no-resume", action="store_true",
        help="ignore the saved resume point and start from live",
    )
    group.add_argument(
        "--idle-timeout", type=_positive_seconds, default=DEFAULT_IDLE_TIMEOUT, metavar="SECONDS",
        help="reconnect after this long without a byte, heartbeats included (default 45)",
    )
    group.add_argument(
        "--buffer", type=_count, default=DEFAULT_BUFFER, metavar="N",
        help="entries the dashboard keeps (default 100000)",
    )
    group.add_argument(
        "-v", "--verbose", action="store_true",
        help="diagnostics and connection state changes on stderr",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true",
        help="no progress lines on stderr (warnings and errors are still written)",
    )


SINCE_HELP: Final = (
    "load history from WHEN, then go live with no gap and no duplicate: a duration ago"
    " (-15m, 2h, 1d), a time of day (14:00, local time; yesterday if still to come) or an ISO"
    " time (2024-06-12T14:00Z)"
)


def add_since_argument(parser: argparse.ArgumentParser | argparse._ArgumentGroup,
                       help_text: str = SINCE_HELP) -> None:
    """Declare ``--since WHEN``, which every streaming command takes."""
    parser.add_argument("--since", default=None, metavar="WHEN", help=help_text)


def join_since_values(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``--since -15m`` written ``--since=-15m``: argparse takes a value that
    starts with ``-`` for an option, and a duration ago is most naturally typed that way."""
    joined: list[str] = []
    values = iter(argv)
    for word in values:
        if word == "--":
            joined.append(word)
            joined.extend(values)
            break
        if word == "--since":
            value = next(values, None)
            if value is not None and value.startswith("-") and not value.startswith("--"):
                joined.append(f"--since={value}")
                continue
            joined.append(word)
            if value is not None:
                joined.append(value)
            continue
        joined.append(word)
    return joined


def since_from_args(kind: str, args: argparse.Namespace) -> float | None:
    """``--since`` as Unix seconds (None when not given); a usage error when it does not
    parse, comes with ``--history``, or the API keeps no history to load from a time."""
    text = getattr(args, "since", None)
    if text is None:
        return None
    import time

    from logtui.core.apis import profile_for
    from logtui.core.history import parse_since

    profile = profile_for(kind)
    if profile.history is None:
        raise ConfigError(f"{profile.label} keeps no history: drop --since")
    if getattr(args, "history", 0):
        raise ConfigError("--since and --history both say what history to load: use one")
    return parse_since(str(text), time.time(), "local")


@dataclass(frozen=True)
class StreamSettings:
    """A source plus how to run it: what the headless mode and the dashboard start from."""

    config: SourceConfig
    output: str | None
    state_dir: Path | None
    resume: bool
    idle_timeout: float
    buffer: int
    verbose: bool
    setup: Setup | None = None
    """What the dashboard opens with (a saved view, or the last setup on this source)."""
    source: ViewSource | None = None
    """The source as a view names it: the dashboard keeps its last setup under it (None for
    NDJSON output, which keeps no setup)."""

    filter: str = ""
    """The whole filter expression (the flags' terms and ``--filter``); its server part is
    already in ``config.filters``."""
    since: float | None = None
    """``--since`` (Unix seconds): the history load starts there."""
    quiet: bool = False
    """``-q``: no progress lines on stderr."""
    client_predicate: Predicate | None = None
    """The terms the server does not apply; headless mode writes only what it keeps."""
    filter_placement: tuple[str, ...] = ()
    """Where each term goes, one line each, for ``-v``."""


def wants_dashboard(output: str | None) -> bool:
    """Whether ``--output`` (or its default: a terminal on stdout) means the dashboard."""
    return output == "tui" or (output is None and sys.stdout.isatty())


_UNSET: Final[Any] = object()



def settings_from_args(
    config: SourceConfig, args: argparse.Namespace, *, setup: Setup | None = _UNSET
) -> StreamSettings:
    """Collect the common options for ``config``, and its filter; the dashboard's opening
    setup is read here (``--view``, else the last one on this source) unless the caller read
    it already.

    ``config.filters`` (set by flags such as ``--level``) and ``--filter`` make one expression
    (:func:`~logtui.core.wiring.command_expression`); its server part becomes the config's
    filters. An expression that does not parse is a usage error (exit 2) with a caret.
    """
    since = since_from_args(config.kind, args)
    if setup is _UNSET:
        setup = setup_from_args(args)
    typed: str = getattr(args, "filter", "")
    client_predicate: Predicate | None = None
    placement: tuple[str, ...] = ()
    if config.filters or typed.strip():
        from logtui.core.wiring import apply_filter, command_expression

        expression = command_expression(config.kind, config.filters, typed)
        config, outcome = apply_filter(config, expression)
        client_predicate = outcome.client_predicate
        placement = (
            *(f"filter sent to the server: {term}" for term in outcome.server_terms),
            *(f"filter applied by logtui: {note}" for note in outcome.notes),
        )
    else:  # no filter: the filter language is not loaded at all
        expression = ""
    return StreamSettings(
        config=config,
        output=args.output,
        state_dir=args.state_dir,
        resume=not args.no_resume,
        idle_timeout=args.idle_timeout,
        buffer=args.buffer,
        verbose=args.verbose,
        setup=setup,
        source=view_source(args) if wants_dashboard(args.output) else None,
        filter=expression,
        since=since,
        quiet=bool(getattr(args, "quiet", False)),
        client_predicate=client_predicate,
        filter_placement=placement,
    )


def engine_factory(
    settings: StreamSettings,
    options: dict[str, Any] | None = None,
    *,
    defer_parsing: bool = False,
) -> Callable[[Sink], Engine]:
    """A factory that builds a fresh engine for ``settings`` around a given sink, writing only
    the entries the filter's client part keeps (see :func:`logtui.core.wiring.engine_factory`).
    """
    from logtui.core import wiring

    chosen = engine_options(settings) if options is None else options
    return wiring.engine_factory(
        settings.config, chosen, defer_parsing=defer_parsing, predicate=settings.client_predicate
    )


def engine_options(settings: StreamSettings) -> dict[str, Any]:
    """Keyword arguments for :class:`~logtui.core.engine.Engine` from ``settings``.

    An explicit ``--state-dir`` that cannot be written is a usage error (exit 2) before any
    connection; a default one that cannot be written only costs the resume point (a notice).
    """
    from logtui.core.state_store import StateStore

    if settings.state_dir is None:
        from logtui.core.paths import state_dir

        store = StateStore(state_dir())
    else:
        store = StateStore(settings.state_dir)
        store.check_writable()
    return {
        "state_store": store,
        "resume": settings.resume,
        "idle_timeout": settings.idle_timeout,
        "history": settings.config.history,
        "since": settings.since,
    }


def skip_httpx_cli() -> None:
    """Keep httpx from importing its command-line client, which logtui never uses.

    ``import httpx`` loads ``httpx._main`` (and with it rich and click, about 30 ms) whenever
    they are installed, which they are beside Textual. An empty module in its place makes
    httpx take its own fallback, as if the CLI extras were absent; only ``httpx.main`` (the
    ``httpx`` console script's entry point) changes. Does nothing once httpx is imported.
    """
    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        sys.modules["httpx._main"] = types.ModuleType("httpx._main")


def run_stream(settings: StreamSettings) -> int:
    """Open the dashboard on a terminal (or when asked), NDJSON otherwise; return the exit code."""
    options = engine_options(settings)
    if wants_dashboard(settings.output):
        from logtui.tui import run_dashboard

        return run_dashboard(
            settings.config, buffer=settings.buffer, engine_options=options,
            initial_filter=settings.filter or None, setup=settings.setup,
            remember=settings.source,
        )
    skip_httpx_cli()
    from logtui.core.gc_pause import paused_gc
    from logtui.core.sanitize import safe_line

    with paused_gc():  # start-up: imports, nothing to collect
        from logtui.headless import run_headless

        factory = engine_factory(settings, options, defer_parsing=True)
    if settings.verbose:
        for line in settings.filter_placement:
            sys.stderr.write(f"logtui: {safe_line(line)}\n")

    return run_headless(factory, verbose=settings.verbose, progress=not settings.quiet)


def require_http_url(url: str, what: str) -> str:
    """``url`` if it is an absolute http(s) URL, else a usage error naming ``what``."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise ConfigError(f"{what} is not a valid URL") from None
    if parts.username is not None or parts.password is not None:
        raise ConfigError(f"{what} must not contain credentials; pass them as options instead")
    if parts.scheme not in ("http", "https") or not hostname:
        raise ConfigError(f"{what} must be an http:// or https:// URL, got {url!r}")
    return url


__all__ = [
    "EPILOG",
    "FILTER_HELP",
    "StreamSettings",
    "add_common_arguments",
    "add_filter_argument",
    "add_since_argument",
    "add_view_arguments",
    "engine_factory",
    "engine_options",
    "join_since_values",
    "require_http_url",
    "run_stream",
    "settings_from_args",
    "setup_from_args",
    "since_from_args",
    "view_source",
    "wants_dashboard",
]
