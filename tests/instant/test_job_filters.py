"""The filter expression becomes the job filter, and the records the server then sends match it.

Each case runs a real job against the demo server over loopback: the job filter JSON the server
received (echoed in the job answer) is checked, then every record generated afterwards that the
filter keeps must arrive, once, in order, and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from logtui.core.engine import Engine
from logtui.core.sources.instant_query import plan_filter
from logtui.demo import DemoServer

from .helpers import (
    WaitingSink,
    demo_config,
    emit,
    emitted_since,
    fast_backoff,
    make_source,
    running,
)

Record = dict[str, Any]

CASES: list[tuple[str, str, Callable[[Record], bool]]] = [
    ("ClientCountry=us", "eq", lambda r: r["ClientCountry"] == "us"),
    ("method!=get", "neq", lambda r: r["ClientRequestMethod"] != "GET"),
    ("EdgeResponseStatus>399", "gt", lambda r: r["EdgeResponseStatus"] > 399),
    ("status>=403", "geq", lambda r: r["EdgeResponseStatus"] >= 403),
    ("asn<3000", "lt", lambda r: r["ClientASN"] < 3000),
    ("status<=201", "leq", lambda r: r["EdgeResponseStatus"] <= 201),
    ("path^=/static", "startsWith", lambda r: r["ClientRequestPath"].startswith("/static")),
    ("ClientRequestPath$=.js", "endsWith", lambda r: r["ClientRequestPath"].endswith(".js")),
    ("host:api", "contains", lambda r: "api" in r["ClientRequestHost"]),
    ("status=200,404", "in", lambda r: r["EdgeResponseStatus"] in (200, 404)),
    ("SecurityActions=block", "eq", lambda r: "block" in r["SecurityActions"]),
]


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(demo_config(instant_logs_rate_cap=1e9)) as running:
        yield running


@pytest.mark.parametrize(
    ("expression", "operator", "keep"), CASES, ids=[case[0] for case in CASES]
)
async def test_each_operator_reaches_the_server_and_filters_what_it_sends(
    server: DemoServer, expression: str, operator: str, keep: Callable[[Record], bool]
) -> None:
    plan = plan_filter(expression)
    assert not plan.kept, "every case is expressible as a job filter"
    source = make_source(server, filters={"filter": plan.job_filter})
    sink = WaitingSink()
    expected: list[str] = []
    async with running(Engine(source, sink, backoff=fast_backoff())):
        await sink.live()
        for batch in (600, 300):  # the second batch shows nothing unwanted came with the first
            before = len(server.entries("instant-logs"))
            await emit(server, batch)
            expected += [r["RayID"] for r in emitted_since(server, before) if keep(r)]
            await sink.until_count(len(expected))
    assert expected, f"the generated traffic has records for {expression!r}"
    received = json.loads(source.jobs[-1].filter)
    assert received == json.loads(plan.job_filter)
    assert received["where"]["and"][0]["operator"] == operator
    assert sink.rays() == expected
    assert len(source.jobs) == 1
