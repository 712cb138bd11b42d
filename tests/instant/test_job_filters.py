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
from logtui.core.sources.instant_logs.query import plan_filter
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
    ("method!=get", "!eq", lambda r: r["ClientRequestMethod"] != "GET"),
    ("EdgeResponseStatus>399", "gt", lambda r: r["EdgeResponseStatus"] > 399),
    ("status>=403", "geq", lambda r: r["EdgeResponseStatus"] >= 403),
    ("asn<3000", "lt", lambda r: r["ClientASN"] < 3000),
    ("status<=201", "leq", lambda r: r["EdgeResponseStatus"] <= 201),
    ("path^=/static", "startsWith", lambda r: r["ClientRequestPath"].startswith("/static")),
    ("ClientRequestPath$=.js", "endsWith", lambda r: r["ClientRequestPath"].endswith(".js")),
    ("host:api", "contains", lambda r: "api" in r["ClientRequestHost"]),
    ("status=200,404", "in", lambda r: r["EdgeResponseStatus"] in (200, 404)),
    ("SecurityActions=block", "eq", lambda r: "block" in r["SecurityActions"]),
    ("status!=200,404", "!in", lambda r: r["EdgeResponseStatus"] not in (200, 404)),
    ("-path:/static", "!contains", lambda r: "/static" not in r["ClientRequestPath"]),
    ("-path^=/api", "!startsWith", lambda r: not r["ClientRequestPath"].startswith("/api")),
    ("-path$=.js", "!endsWith", lambda r: not r["ClientRequestPath"].endswith(".js")),
]


@pytest.fixture
def server() -> Iterator[DemoServer]:
    """The demo server checking filters as the service does (``!eq``, arrays, limits)."""
    modes = frozenset({"service-filters"})
    with DemoServer(demo_config(instant_logs_rate_cap=1e9, instant_modes=modes)) as running:
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


async def test_a_filter_past_the_services_limits_is_sent_in_part_and_the_rest_kept_here(
    server: DemoServer,
) -> None:
    long_terms = " ".join(f"path!=/{'x' * 90}{n}" for n in range(12))
    plan = plan_filter(f"status>=400 {long_terms}")
    assert plan.over_limit and "applied by logtui instead" in plan.limit_note()
    assert len(plan.job_filter.encode("utf-8")) <= 1000
    source = make_source(server, filters={"filter": plan.job_filter})
    sink = WaitingSink()
    async with running(Engine(source, sink, backoff=fast_backoff())):
        await sink.live()
        before = len(server.entries("instant-logs"))
        await emit(server, 300)
        expected = [r["RayID"] for r in emitted_since(server, before)
                    if r["EdgeResponseStatus"] >= 400]
        await sink.until_count(len(expected))
    assert expected
    assert sink.rays() == expected, "the service accepted the part that fits"
