"""The ``--faults`` grammar: parsing, clear errors, and its effect on real connections."""

from __future__ import annotations

import httpx
import pytest

from logtui.core.errors import ConfigError
from logtui.demo import ActionKind, DemoServer, Endpoint, FaultSpec

from .conftest import TOKEN, make_config
from .sse_reader import SseReader, read_all, take


def test_the_documented_example_parses() -> None:
    spec = FaultSpec.parse("cut=500,stall=2000:20,reset=5000,429=1,garbage=100")
    kinds = {a.kind: a for a in spec.stream_actions}
    assert kinds[ActionKind.CUT].after == 500 and kinds[ActionKind.CUT].every is None
    assert kinds[ActionKind.STALL].seconds == 20 and kinds[ActionKind.STALL].every == 2000
    assert kinds[ActionKind.GARBAGE].every == 100
    assert kinds[ActionKind.RESET].after == 5000
    first = spec.fault_for(Endpoint.PROXY_STREAM, 0)
    assert first.status == 429 and first.retry_after == "1"
    assert spec.fault_for(Endpoint.PROXY_STREAM, 1).status is None
    assert spec.fault_for(Endpoint.PROXY_LOGS, 0).status is None


def test_refusals_can_repeat_with_a_period_and_a_retry_after() -> None:
    spec = FaultSpec.parse("503=2/5:9")
    statuses = [spec.fault_for(Endpoint.NEXTDNS_STREAM, i).status for i in range(10)]
    assert statuses == [503, 503, None, None, None] * 2
    assert spec.fault_for(Endpoint.NEXTDNS_STREAM, 5).retry_after == "9"


def test_framing_and_random_counts() -> None:
    spec = FaultSpec.parse(" eol=crlf , split, cut=~50 ")
    fault = spec.fault_for(Endpoint.PROXY_STREAM, 0)
    assert fault.line_ending == "\r\n" and fault.split_data
    assert fault.actions[0].random_interval


@pytest.mark.parametrize(
    "text", ["cut", "cut=0", "cut=x", "stall=10", "stall=10:abc", "429=a", "bogus=1",
             "eol=lfcr", "garbage=5:3"],
)
def test_bad_specs_are_config_errors_naming_the_item(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FaultSpec.parse(text)
    assert text.split(",")[0] in str(caught.value) or "unknown" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_bad_spec_stops_the_server_from_being_built() -> None:
    with pytest.raises(ConfigError):
        DemoServer(make_config(faults="cut=never"))


def test_spec_faults_apply_to_every_unscripted_connection() -> None:
    with DemoServer(make_config(faults="429=1:3,cut=2,garbage=1")) as server, httpx.Client(
        base_url=server.proxy_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    ) as client:
        refused = client.get("/_logs/stream")
        assert (refused.status_code, refused.headers["retry-after"]) == (429, "3")
        for _ in range(2):
            reader = SseReader()
            with client.stream("GET", "/_logs/stream") as response:
                server.emit(4, "proxy")
                with pytest.raises(httpx.RemoteProtocolError):
                    for chunk in response.iter_raw():
                        reader.feed(chunk)
            assert bytes(reader.raw).count(b"not json") == 2


def test_spec_reset_and_scope_apply_to_proxy_streams_only() -> None:
    with DemoServer(make_config(faults="scope=1")) as server, httpx.Client(
        headers={"Authorization": f"Bearer {TOKEN}", "X-Api-Key": "test-key"}, timeout=5
    ) as client:
        with client.stream("GET", server.proxy_url + "/_logs/stream") as response:
            server.emit(2, "proxy")
            assert [e.event for e in read_all(response)] == ["message", "scope-destroyed"]
        url = f"{server.nextdns_url}/profiles/p1/logs/stream"
        with client.stream("GET", url) as response:
            server.emit(20, "nextdns")
            assert len(take(response, 3)) == 3
