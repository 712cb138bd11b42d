"""Headless over several sources in-process: the exit code is the worst member's, and a member
that could not even start is named on stderr while the others run to their end."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from logtui.core.constants import DEFAULT_IDLE_TIMEOUT
from logtui.core.engine import Engine
from logtui.core.errors import ConfigError
from logtui.core.fleet import Member
from logtui.core.models import Sink
from logtui.core.sources import SourceConfig
from logtui.core.wiring import engine_factory
from logtui.demo import DemoConfig, DemoServer, Fault
from logtui.headless_fleet import run_fleet_headless


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoConfig(seed=5, history=12)) as server:
        yield server


def broken(sink: Sink) -> Engine:
    raise ConfigError("cannot use the state directory /nowhere (read-only file system)")


def test_a_member_that_cannot_start_is_named_and_the_worst_code_wins(
    demo: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    demo.faults.script("proxy-stream", [Fault.scope_destroyed(after=0)])
    config = SourceConfig(kind="proxy", url=demo.proxy_url, secret=demo.config.token,
                          history=12)
    options = {"state_store": None, "resume": False, "idle_timeout": DEFAULT_IDLE_TIMEOUT,
               "history": 12}
    members = [
        Member("ok", "proxy", demo.proxy_url, engine_factory(config, options)),
        Member("broken", "proxy", "-", broken),
    ]

    code = run_fleet_headless(members, verbose=False, tag_source=True)

    out, err = capsys.readouterr()
    assert code == 2
    assert [json.loads(line)["payload"] for line in out.splitlines()] == demo.entries("proxy")
    assert err.splitlines() == [
        "logtui: broken: cannot use the state directory /nowhere (read-only file system)"
    ]
