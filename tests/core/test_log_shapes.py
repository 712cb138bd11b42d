"""Generic SSE entries read like the common JSON log shapes: one sample payload per shape,
with its time, level (numbers named) and message, and the stream's shape kept once decided."""

from __future__ import annotations

import json
from typing import Any

import pytest

from logtui.core.apis.generic_sse import (
    GENERIC_COLUMNS,
    GENERIC_FILTERS,
    STREAM_SHAPES,
    any_level,
    generic_key,
    message_cell,
)
from logtui.core.filters import parse, split
from logtui.core.log_shapes import (
    GENERIC,
    ShapeDetector,
    detect_shape,
    otel_level_name,
    pino_level_name,
)
from logtui.core.models import Entry

T = 1_718_201_234.5  # 2024-06-12T14:07:14.5Z

SAMPLES: dict[str, tuple[dict[str, Any], str, str]] = {
    "pino": ({"level": 50, "time": 1718201234500, "pid": 7, "hostname": "h", "msg": "boom"},
             "error", "boom"),
    "bunyan": ({"name": "api", "hostname": "h", "pid": 7, "level": 30, "msg": "hello",
                "time": "2024-06-12T14:07:14.500Z", "v": 0}, "info", "hello"),
    "zap": ({"level": "warn", "ts": 1718201234.5, "caller": "main.go:12", "msg": "slow"},
            "warn", "slow"),
    "logrus": ({"level": "debug", "msg": "tick", "time": "2024-06-12T14:07:14.5Z"},
               "debug", "tick"),
    "structlog": ({"event": "user logged in", "log_level": "info", "user": 3,
                   "timestamp": "2024-06-12T14:07:14.500000Z"}, "info", "user logged in"),
    "ecs": ({"@timestamp": "2024-06-12T14:07:14.500Z", "log.level": "ERROR",
             "message": "db down", "ecs.version": "1.6.0"}, "error", "db down"),
    "otel": ({"timeUnixNano": "1718201234500000000", "observedTimeUnixNano": "0",
              "severityNumber": 13, "severityText": "", "body": {"stringValue": "retrying"},
              "attributes": []}, "warn", "retrying"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_log_shape_gives_its_time_level_and_message(name: str) -> None:
    data, level, message = SAMPLES[name]
    shape = detect_shape(data)
    assert shape.name == name
    assert shape.seconds(data) == pytest.approx(T)
    assert shape.level(data) == level
    assert shape.message(data) == message


def test_ecs_nested_level_and_structlog_level_are_read() -> None:
    ecs = {"@timestamp": "2024-06-12T14:07:14Z", "log": {"level": "warn"}, "message": "m"}
    assert detect_shape(ecs).level(ecs) == "warn"
    structlog = {"event": "e", "level": "critical", "timestamp": "2024-06-12T14:07:14Z"}
    assert detect_shape(structlog).level(structlog) == "critical"


def test_otel_without_an_event_time_uses_the_observed_time() -> None:
    data = {"timeUnixNano": "0", "observedTimeUnixNano": 1718201234500000000,
            "severityText": "INFO", "body": "plain"}
    shape = detect_shape(data)
    assert shape.seconds(data) == pytest.approx(T)
    assert (shape.level(data), shape.message(data)) == ("info", "plain")


@pytest.mark.parametrize(("number", "name"), [
    (10, "trace"), (20, "debug"), (30, "info"), (35, "info"), (40, "warn"), (50, "error"),
    (60, "fatal"), (70, "fatal"), (5, None), (True, None), ("30", None),
])
def test_pino_and_bunyan_levels_are_named(number: Any, name: str | None) -> None:
    assert pino_level_name(number) == name


@pytest.mark.parametrize(("number", "name"), [
    (1, "trace"), (4, "trace"), (5, "debug"), (9, "info"), (12, "info"), (13, "warn"),
    (17, "error"), (20, "error"), (21, "fatal"), (24, "fatal"), (0, None), (25, None),
    (float("nan"), None),
])
def test_otel_severity_numbers_are_named(number: Any, name: str | None) -> None:
    assert otel_level_name(number) == name


@pytest.mark.parametrize("data", [
    {}, {"msg": None, "level": float("inf")}, {"severityNumber": [1]},
    {"@timestamp": 1, "log": "x"}, {"event": {"a": 1}, "level": {"b": 2}},
    {"level": 10**400, "msg": "x", "time": "soon"}, {"body": {"stringValue": None}},
])
def test_hostile_payloads_never_raise(data: dict[str, Any]) -> None:
    shape = detect_shape(data)
    shape.seconds(data)
    shape.level(data)
    shape.message(data)
    detector = ShapeDetector()
    detector.shape_for(data)


def test_the_stream_shape_is_decided_by_its_first_entries_and_kept() -> None:
    detector = ShapeDetector(sample=3)
    pino = [{"level": 30, "time": 1718201234500, "msg": str(i)} for i in range(3)]
    for data in pino:
        detector.shape_for(data)
        detector.shape_for(data)  # a second look at one entry is not a second vote
        if data is not pino[-1]:
            assert detector.decided is None
    assert detector.decided is not None and detector.decided.name == "pino"
    # A later entry of the same shape is read by the kept shape, without detection.
    later = {"level": 40, "time": "2024-06-12T14:07:14Z", "msg": "late"}
    assert detector.shape_for(later).name == "pino"
    assert detector.shape_for(later).level(later) == "warn"
    # A stray line of another shape is read by its own keys.
    stray = {"@timestamp": "2024-06-12T14:07:14Z", "log.level": "info", "message": "m"}
    assert detector.shape_for(stray).name == "ecs"
    detector.reset()
    assert detector.decided is None


def _entry(data: dict[str, Any], name: str | None = None) -> Entry:
    return Entry(raw=json.dumps(data), data=data, event_name=name)


def test_generic_sse_columns_show_level_name_event_and_message() -> None:
    STREAM_SHAPES.reset()
    names = [column.name for column in GENERIC_COLUMNS]
    assert names == ["time", "level", "event", "message"]
    level, event = GENERIC_COLUMNS[1], GENERIC_COLUMNS[2]
    entry = _entry(SAMPLES["pino"][0], "log")
    assert level.extract(entry) == "error"
    assert event.extract(entry) == "log"
    assert message_cell(entry) == "boom"
    assert generic_key(entry) == "level-error"
    assert any_level(entry.data) == "error"
    otel = _entry(SAMPLES["otel"][0])
    assert (level.extract(otel), event.extract(otel)) == ("warn", "")
    assert message_cell(otel) == "retrying"
    assert generic_key(otel) == "level-warn"


def test_other_payloads_still_show_whole() -> None:
    STREAM_SHAPES.reset()
    entry = _entry({"n": 1, "message": "x"})
    assert detect_shape(entry.data) is GENERIC
    assert message_cell(entry) == entry.raw
    assert message_cell(_entry({"message": "only"})) == "only"
    text = Entry(raw="plain text", data={"message": "plain text"}, is_json=False)
    assert generic_key(text) == "text"


@pytest.mark.parametrize(
    "data",
    [
        {"level": 50, "time": 1718201234000, "msg": "boom"},
        {"severityNumber": 17, "timeUnixNano": "1718201234000000000", "body": "boom"},
        {"level": "ERROR", "msg": "boom"},
    ],
)
def test_a_level_filter_on_a_plain_sse_stream_matches_the_named_level(
    data: dict[str, Any],
) -> None:
    STREAM_SHAPES.reset()
    plan = split(parse("level=error"), GENERIC_FILTERS)
    assert plan.predicate(_entry(data))
    STREAM_SHAPES.reset()
    assert not split(parse("level=info"), GENERIC_FILTERS).predicate(_entry(data))
    STREAM_SHAPES.reset()
    assert split(parse("level:err"), GENERIC_FILTERS).predicate(_entry(data))
