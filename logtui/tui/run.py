"""Running the dashboard on a real source: the one entry point the commands call.

``logtui proxy|nextdns|sse`` (when stdout is a terminal) and ``logtui demo`` build a
:class:`~logtui.core.sources.SourceConfig` and call :func:`run_dashboard`, which starts the
stream engine on its own thread, feeds the app through the sink bridge, and returns the exit
code once the user quits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from logtui.core.apis import profile_for
from logtui.core.constants import DEFAULT_BUFFER
from logtui.core.errors import LogtuiError
from logtui.core.eventtime import ZONES
from logtui.core.filters.session import FilterSession
from logtui.core.history import history_reader
from logtui.core.models import Sink
from logtui.core.runner import EngineThread
from logtui.core.sources import SourceConfig, build_source
from logtui.core.views import OpenView, Setup, ViewSource, save_last
from logtui.core.wiring import build_engine
from logtui.tui.app import AppOptions, LogtuiApp, ServerStatsFetcher, create_app
from logtui.tui.crash import report_crash, report_text
from logtui.tui.filtering import evaluate
from logtui.tui.keymap import load_keymap

if TYPE_CHECKING:
    from logtui.core.engine import Engine
    from logtui.core.fleet import Fleet, Member
    from logtui.core.merged_history import MergedHistory


def server_stats_fetcher(config: SourceConfig) -> ServerStatsFetcher | None:
    """Fetches the server's own stats, when the source's API has them (proxy-logs)."""
    make = profile_for(config.kind).server_stats
    return make(config.url, config.secret, config.headers) if make is not None else None


def build_dashboard(
    config: SourceConfig,
    *,
    buffer: int = DEFAULT_BUFFER,
    engine_options: Mapping[str, Any] | None = None,
    keymap: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
    initial_filter: str | None = None,
    setup: Setup | None = None,
    remember: ViewSource | None = None,
) -> tuple[LogtuiApp, Callable[[], EngineThread | None]]:
    """The app wired to a real engine, and a way to reach the engine thread afterwards.

    ``initial_filter`` is the expression the filter pane starts with (default: the one that
    ``config.filters`` stand for, else ``setup``'s). ``setup`` is a saved view or the last
    setup on this source; ``remember`` is the source as views name it.
    """
    if initial_filter is None and not config.filters and setup is not None and setup.filter:
        config, initial_filter = with_setup_filter(config, setup)
    source = build_source(config)
    options = dict(engine_options or {})
    options.setdefault("history", config.history)
    holder: list[EngineThread] = []

    def factory(sink: Sink) -> EngineThread:
        thread = EngineThread(lambda s: build_engine(source, s, {**options, "clock": clock}), sink)
        holder.append(thread)
        return thread

    app_options = AppOptions(
        buffer=buffer,
        clock=clock,
        server_stats=server_stats_fetcher(config),
        keymap=keymap,
        initial_filter=(
            initial_filter
            if initial_filter is not None
            else FilterSession(config.kind).expression_for(config.filters)
        ),
        server_params=config.filters,
        setup=setup,
        view_source=remember,
        history=history_reader(config),
        history_for=lambda params: history_reader(replace(config, filters=params)),
    )
    app = create_app(factory, config.kind, app_options, description=source.description)
    return app, lambda: holder[0] if holder else None


def with_setup_filter(config: SourceConfig, setup: Setup) -> tuple[SourceConfig, str | None]:
    """``config`` streaming with the server part of ``setup``'s filter, and that filter; a
    filter that no longer parses is left to the filter pane, which shows what is wrong."""
    zone = setup.zone if setup.zone in ZONES else None
    outcome = evaluate(setup.filter, config.kind, zone=zone)
    if not outcome.ok:
        return config, None
    return replace(config, filters=dict(outcome.server_params)), setup.filter


def run_dashboard(
    config: SourceConfig,
    *,
    buffer: int = DEFAULT_BUFFER,
    engine_options: Mapping[str, Any] | None = None,
    keymap: Mapping[str, str] | None = None,
    initial_filter: str | None = None,
    setup: Setup | None = None,
    remember: ViewSource | None = None,
) -> int:
    """Run the dashboard full-screen until the user quits; returns the exit code.

    ``engine_options`` are passed to :class:`~logtui.core.engine.Engine` (``state_store``,
    ``resume``, ``idle_timeout``, ``history``...). If the source failed for a reason the user
    must fix, that error is raised after the screen is restored, so the CLI prints it. Without
    an explicit ``keymap`` the user's keymap file is read (:mod:`logtui.tui.keymap`). The user
    opening a view of another source raises :class:`~logtui.core.views.OpenView`. An
    unexpected error in the app is reported in a file named on stderr (:mod:`logtui.tui.crash`)
    and returns 1.
    """
    app, engine_thread = build_dashboard(
        config,
        buffer=buffer,
        engine_options=engine_options,
        keymap=keymap if keymap is not None else load_keymap(),
        initial_filter=initial_filter,
        setup=setup,
        remember=remember,
    )
    try:
        code = app.run()
    except Exception as failure:  # the app could not even start or stop cleanly
        return report_crash(report_text(failure), secrets=(config.secret,))
    if app.crash is not None:
        return report_crash(app.crash, secrets=(config.secret,))
    if remember is not None and app.final_setup is not None:
        save_last_quietly(remember, app.final_setup)
    if app.open_next is not None:
        raise OpenView(app.open_next)
    thread = engine_thread()
    if thread is not None:
        engine = thread.engine
        error = engine.error if engine is not None else None
        if isinstance(error, LogtuiError) and error.exit_code:
            raise error
    return code if code is not None else 0


def save_last_quietly(source: ViewSource, setup: Setup) -> None:
    """Keep the setup the user leaves for next time; a config directory that cannot be
    written costs only that, said on stderr."""
    import sys

    from logtui.core.sanitize import safe_line

    try:
        save_last(source, setup)
    except OSError as error:
        print(f"logtui: the setup was not kept for next time: {safe_line(str(error))}",
              file=sys.stderr)


def fleet_description(members: Sequence[Member]) -> str:
    """How the status bar names several sources: how many, and their names."""
    return f"{len(members)} sources: " + ", ".join(member.name for member in members)


def build_fleet_dashboard(
    members: Sequence[Member],
    *,
    buffer: int = DEFAULT_BUFFER,
    keymap: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
    initial_filter: str | None = None,
    since: float | None = None,
) -> tuple[LogtuiApp, Callable[[], Fleet | None]]:
    """The app over several named sources at once, and a way to reach their fleet afterwards.

    Each member's engine already streams with its server filters and history options
    (``initial_filter``'s server part, for that member's API; ``since``, read by the engines'
    history phase); the dashboard adopts ``initial_filter`` without reconnecting anyone.
    """
    from logtui.core.apis.merged import SourceRef, merged_profile
    from logtui.core.fleet import Fleet

    del since  # the members' engines start their history from it already
    refs = tuple(SourceRef(m.name, m.kind, m.description) for m in members)
    profile = merged_profile(refs)
    holder: list[Fleet] = []

    def factory(sink: Sink) -> Fleet:
        fleet = Fleet(members, sink)
        holder.append(fleet)
        return fleet

    app_options = AppOptions(buffer=buffer, clock=clock, keymap=keymap,
                             initial_filter=initial_filter or "", sources=refs,
                             history=fleet_history(members))
    app = create_app(factory, profile.name, app_options, description=fleet_description(members))
    return app, lambda: holder[0] if holder else None


def fleet_history(members: Sequence[Member]) -> MergedHistory | None:
    """The members' histories read as one (those whose API keeps any), for scroll-back."""
    from logtui.core.merged_history import MergedHistory

    readers = {}
    for member in members:
        reader = history_reader(member.config) if member.config is not None else None
        if reader is not None:
            readers[member.name] = reader
    return MergedHistory(readers) if readers else None


def run_fleet_dashboard(
    members: Sequence[Member],
    *,
    buffer: int = DEFAULT_BUFFER,
    initial_filter: str | None = None,
    since: float | None = None,
) -> int:
    """Run the dashboard over several sources full-screen until the user quits.

    One source failing or ending never stops the others. On the way out each source whose
    engine failed for a reason the user must fix is named on stderr; the exit code is 3 only
    if every source failed that way (as with one source), else the app's.
    """
    app, fleet_of = build_fleet_dashboard(members, buffer=buffer, keymap=load_keymap(),
                                          initial_filter=initial_filter, since=since)
    try:
        code = app.run()
    except Exception as failure:  # the app could not even start or stop cleanly
        return report_crash(report_text(failure), secrets=())
    if app.crash is not None:
        return report_crash(app.crash, secrets=())
    fleet = fleet_of()
    return fleet_exit_code(fleet.engines() if fleet is not None else {}, code)


def fleet_exit_code(engines: Mapping[str, Engine | None], code: int | None) -> int:
    """The exit code after a dashboard over several sources: each source whose engine failed
    for a reason the user must fix is named on stderr; 3 (or that error's code) only if every
    source failed so, else the app's ``code``."""
    import sys

    from logtui.core.sanitize import safe_line

    failures: list[LogtuiError] = []
    for name, engine in engines.items():
        error = engine.error if engine is not None else None
        if isinstance(error, LogtuiError) and error.exit_code:
            failures.append(error)
            print(f"logtui: {safe_line(name)}: {safe_line(str(error))}", file=sys.stderr)
    if failures and len(failures) == len(engines):
        return failures[0].exit_code
    return code if code is not None else 0
