"""NextDNS errors: ``{"errors": [{code, detail, source}]}`` with 200 for a user's mistake and
400 for a client's; either way an error, said with its code, detail and parameter."""

from __future__ import annotations

import pytest

from logtui.core.error_body import api_errors, errors_line, raise_for_errors
from logtui.core.errors import FatalSourceError, TransientSourceError
from logtui.core.models import ConnectionState
from tests.engine.helpers import WaitingSink, run_until

from .conftest import demo, engine, source_config


def _failed(sink: WaitingSink) -> bool:
    return ConnectionState.FAILED in sink.states()


@pytest.mark.parametrize("modes", ["", "user-errors=400"])
@pytest.mark.parametrize("history", [10, 0], ids=["logs", "stream"])
async def test_a_user_error_stops_with_its_code_detail_and_parameter_and_exit_3(
    modes: str, history: int
) -> None:
    with demo(modes) as server:
        server.emit(30, "nextdns")
        sink = WaitingSink()
        running = engine(source_config(server, filters={"status": "sometimes"},
                                       history=history), sink)
        await run_until(running, sink, _failed)
    error = running.error
    assert error is not None and error.exit_code == 3
    message = str(error)
    assert "invalidParameter" in message and "status must be one of" in message
    assert "parameter status" in message
    assert sink.entries == []
    assert sink.states().count(ConnectionState.CONNECTING) == 1  # no retry storm


def test_an_errors_body_is_read_sanitised_and_bounded() -> None:
    hostile = {"errors": [
        {"code": "invalid\x1b[2J", "detail": "bad \u202evalue\n" + "x" * 500,
         "source": {"parameter": "from\x07"}},
        {"code": "other", "source": {"pointer": "/data/name"}},
    ]}
    (first, second) = api_errors(hostile)
    assert first.code == "invalid\u241b[2J" and first.parameter == "from\u2407"
    assert "\u202e" not in first.detail and len(first.detail) <= 120
    assert second.parameter == "/data/name"
    line = errors_line(hostile)
    assert line is not None and line.endswith("(and 1 more)")
    assert errors_line({"data": []}) is None and api_errors([1, 2]) == []


def test_a_transient_error_code_is_retried_and_the_rest_are_fatal() -> None:
    with pytest.raises(TransientSourceError):
        raise_for_errors({"errors": [{"code": "tooManyRequests"}]}, "NextDNS /logs")
    with pytest.raises(FatalSourceError, match="fix that parameter"):
        raise_for_errors({"errors": [{"code": "invalid", "source": {"parameter": "limit"}}]},
                         "NextDNS /logs")
    raise_for_errors({"data": [], "meta": {}}, "NextDNS /logs")
