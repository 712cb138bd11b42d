"""A new log API is one profile: registered at run time, it gets columns, filters, stats and
a working command with no edit to any other module.

The toy API is an SSE endpoint of service events (``sev``, ``svc``, ``msg``) that filters by
severity on the server (``?severity=``). This module is also the toy's command and source
module: its ``HELP``, ``add_arguments`` and ``run`` are what ``logtui toy`` runs, and
``build_toy_source`` builds its source.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from logtui import cli
from logtui.core.apis import (
    ApiProfile,
    FieldSet,
    ToggleSpec,
    all_profiles,
    profile_for,
    register,
    unregister,
)
from logtui.core.columns import Column, columns_for, field_text, row_style_key, time_cell
from logtui.core.errors import ConfigError
from logtui.core.fields import FieldResolver
from logtui.core.filters import parse, spec_for, split
from logtui.core.filters.server import EQ, Case, FilterStyle, ServerField, ServerFilterSpec
from logtui.core.identity import order_for
from logtui.core.models import Entry
from logtui.core.sources import SourceConfig, build_source
from logtui.core.stats import GroupSpec, StatsTracker, key_of
from tests.engine.scripted_server import Reply, ScriptedServer

if TYPE_CHECKING:
    from logtui.core.sources.base import Source

TOY = "toy"

HELP = "live-tail the toy event stream"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The toy command: a URL and one server-side filter flag, plus the shared options."""
    from logtui.commands._stream_options import add_common_arguments

    parser.add_argument("url", metavar="URL")
    parser.add_argument("--severity", choices=("info", "error"))
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Tail the toy stream, as every API's command does."""
    from logtui.commands._stream_options import require_http_url, run_stream, settings_from_args

    config = SourceConfig(
        kind=TOY,
        url=require_http_url(args.url, "URL"),
        filters={"severity": args.severity} if args.severity else {},
    )
    return run_stream(settings_from_args(config, args))


def build_toy_source(config: SourceConfig) -> Source:
    """The toy's source: a plain SSE source under the toy's name."""
    from logtui.core.sources.generic import GenericSSESource

    class ToySource(GenericSSESource):
        kind = TOY

    return ToySource(
        url=config.url, headers=config.headers, filters=config.filters,
        max_event_bytes=config.max_event_bytes,
    )


def _toy_style(entry: Entry) -> str:
    return f"toy-{entry.data.get('sev', 'none')}"


TOY_PROFILE = ApiProfile(
    name=TOY,
    label="Toy",
    source=f"{__name__}:build_toy_source",
    fields=FieldSet(
        known=("sev", "svc", "msg", "at"),
        aliases={"severity": "sev", "service": "svc"},
        time_keys=("at",),
    ),
    columns=(
        Column("time", 12, time_cell),
        Column("sev", 5, field_text("sev")),
        Column("service", 10, field_text("svc")),
        Column("message", 20, field_text("msg"), flex=True),
    ),
    row_style=_toy_style,
    row_styles={"toy-error": "bold red"},
    stats_groups=(GroupSpec("services", "Services", key_of("svc")),),
    server_filters=ServerFilterSpec(
        kind=TOY,
        label="the toy stream",
        style=FilterStyle.QUERY,
        fields=(ServerField("sev", "severity", EQ, values=("info", "error"), case=Case.LOWER),),
    ),
    toggles=(ToggleSpec("severity", ("info", "error")),),
    example_filter="severity=error svc:api",
    command=__name__,
)


@pytest.fixture
def toy() -> Iterator[ApiProfile]:
    register(TOY_PROFILE)
    yield TOY_PROFILE
    unregister(TOY)


def _entry(sev: str, svc: str, msg: str) -> Entry:
    data = {"sev": sev, "svc": svc, "msg": msg}
    return Entry(raw=json.dumps(data), data=data)


def test_the_built_in_apis_are_profiles_in_the_registry() -> None:
    assert [str(profile.name) for profile in all_profiles()] == [
        "proxy", "nextdns", "sse", "instant-logs"
    ]
    with pytest.raises(ConfigError, match="no log API named 'toy'"):
        profile_for(TOY)


def test_a_registered_api_gets_its_columns_and_row_style(toy: ApiProfile) -> None:
    assert [column.name for column in columns_for(TOY)] == ["time", "sev", "service", "message"]
    entry = _entry("error", "api", "boom")
    assert [column.extract(entry) for column in columns_for(TOY)][1:] == ["error", "api", "boom"]
    assert row_style_key(TOY, entry) == "toy-error"


def test_the_dashboard_draws_a_registered_api_rows_in_the_styles_its_profile_names(
    toy: ApiProfile,
) -> None:
    from rich.style import Style

    from logtui.core.store import EntryStore
    from logtui.tui.widgets.stream_view import StreamView

    view = StreamView(EntryStore(10), TOY)

    assert view._style_for_key("toy-error") == Style(bold=True, color="red")
    assert view._style_for_key("toy-unknown") == Style()


def test_a_registered_api_splits_its_filters_between_its_server_and_the_buffer(
    toy: ApiProfile,
) -> None:
    resolver = FieldResolver.for_kind(TOY)
    assert resolver.canonical("SERVICE") == "svc"
    assert resolver.getter("severity")(_entry("info", "db", "ok")) == "info"

    plan = split(parse("severity=ERROR service=api"), spec_for(TOY))

    assert plan.params == {"severity": "error"}
    assert [server.term.text for server in plan.server_terms] == ["severity=ERROR"]
    assert [client.term.text for client in plan.client_terms] == ["service=api"]
    assert plan.predicate(_entry("error", "api", "boom"))
    assert not plan.predicate(_entry("error", "db", "boom"))


def test_a_registered_api_orders_and_filters_by_its_own_time_field(toy: ApiProfile) -> None:
    early = Entry(raw="{}", data={"at": "2024-06-12T14:07:14Z"}, received_at=1_800_000_000.0)
    late = Entry(raw="{}", data={"at": 1718201300000}, received_at=1_700_000_000.0)

    assert FieldResolver.for_kind(TOY).time_of(early) == 1718201234.0
    assert order_for(TOY)(early) < order_for(TOY)(late)
    plan = split(parse("time<2024-06-12T14:08:00Z"), spec_for(TOY), now=1718201400.0)
    assert plan.predicate(early)
    assert not plan.predicate(late)


def test_a_registered_api_gets_its_own_stats_breakdown(toy: ApiProfile) -> None:
    tracker = StatsTracker(TOY, clock=lambda: 1000.0)
    tracker.add([_entry("info", "api", "a"), _entry("error", "api", "b"), _entry("x", "db", "c")])

    snapshot = tracker.snapshot()

    assert [group.name for group in snapshot.groups] == ["services"]
    assert snapshot.group("services") == (("api", 2), ("db", 1))


def test_a_registered_api_builds_its_source_from_a_config(toy: ApiProfile) -> None:
    source = build_source(SourceConfig(kind=TOY, url="http://127.0.0.1:9/events"))
    assert source.kind == TOY


def test_a_registered_api_gets_a_subcommand_and_the_builtins_keep_theirs(
    toy: ApiProfile,
) -> None:
    help_text = cli.build_parser().format_help()
    for name in ("demo", "proxy", "nextdns", "sse", "instant-logs", TOY):
        assert f"    {name}" in help_text
    assert HELP in help_text


async def test_the_toy_command_tails_its_stream_as_ndjson_with_its_server_filter(
    toy: ApiProfile, capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    events = [
        {"sev": "error", "svc": "api", "msg": "boom"},
        {"sev": "error", "svc": "db", "msg": "slow"},
    ]
    body = b"".join(f"id: {n}\ndata: {json.dumps(e)}\n\n".encode() for n, e in enumerate(events))
    async with ScriptedServer() as server:
        server.script("/events", [Reply(parts=[body]), Reply(status=204, headers={})])
        argv = [
            TOY, server.url("/events"), "--severity", "error", "--output", "ndjson",
            "--state-dir", str(tmp_path), "--idle-timeout", "5",
        ]
        code = await asyncio.wait_for(asyncio.to_thread(cli.main, argv), 60)

    captured = capsysbinary.readouterr()
    printed = [json.loads(line) for line in captured.out.splitlines()]
    assert printed == events
    assert server.requests_to("/events")[0].query == {"severity": "error"}
    assert code == 3  # the exit code of a stream the server asked to stop (204)
    assert b"answered 204 No Content" in captured.err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["proxy", "http://127.0.0.1:9/api", "--project", "p1", "--container", "c1",
             "--kind", "event", "--level", "error"],
            {"projectId": "p1", "containerId": "c1", "kind": "event", "level": "error"},
        ),
        (
            ["nextdns", "abc123", "--device", "D1", "--status", "blocked", "--search", "ads",
             "--raw"],
            {"device": "D1", "status": "blocked", "search": "ads", "raw": "1"},
        ),
    ],
)
def test_the_builtin_commands_turn_their_filter_flags_into_server_parameters(
    argv: list[str], expected: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from logtui.commands import _stream_options

    seen: list[SourceConfig] = []

    def run_stream(settings: _stream_options.StreamSettings) -> int:
        seen.append(settings.config)
        return 0

    monkeypatch.setenv("LOGTUI_PROXY_TOKEN", "t")
    monkeypatch.setenv("NEXTDNS_API_KEY", "k")
    monkeypatch.setattr(_stream_options, "run_stream", run_stream)

    assert cli.main(argv) == 0
    assert dict(seen[0].filters) == expected
    assert seen[0].kind == argv[0]


def test_the_instant_logs_demo_asks_for_the_client_default_fields_and_three_more() -> None:
    from logtui.core.sources.instant_logs.defaults import DEFAULT_FIELDS
    from logtui.demo.instant_logs_api import DEMO_FIELDS

    extra = DEMO_FIELDS[len(DEFAULT_FIELDS):]
    assert DEMO_FIELDS[: len(DEFAULT_FIELDS)] == DEFAULT_FIELDS
    assert extra == ("ClientRequestPath", "CacheCacheStatus", "SecurityActions")
