"""Where the common JSON log shapes keep an event's time, level and message.

A plain SSE stream carries whatever its logger writes. The usual shapes:

=============  ==========================  =============================  ===========
shape          time                        level                          message
=============  ==========================  =============================  ===========
pino           ``time`` (ms)               ``level`` 10..60               ``msg``
bunyan         ``time`` (ISO 8601)         ``level`` 10..60               ``msg``
zap            ``ts`` (seconds, float)     ``level`` (text)               ``msg``
logrus         ``time``                    ``level`` (text)               ``msg``
structlog      ``timestamp``               ``level`` or ``log_level``     ``event``
Elastic ECS    ``@timestamp``              ``log.level``                  ``message``
OpenTelemetry  ``timeUnixNano``, else      ``severityText``, else         ``body``
               ``observedTimeUnixNano``    ``severityNumber``
=============  ==========================  =============================  ===========

Numeric levels are named (pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error,
60 fatal; OpenTelemetry ``severityNumber``: 1-4 trace ... 21-24 fatal). A
:class:`ShapeDetector` decides a stream's shape from its first few entries and keeps it; an
entry that does not fit the decided shape is read by its own keys. Values come from the wire:
nothing here raises, and nothing here sanitises (whoever draws a value does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from logtui.core.eventtime import TIME_KEYS, epoch_seconds

__all__ = [
    "GENERIC",
    "SAMPLE",
    "SHAPES",
    "LogShape",
    "ShapeDetector",
    "detect_shape",
    "level_style",
    "otel_level_name",
    "pino_level_name",
]

SAMPLE: Final = 5
"""How many entries a :class:`ShapeDetector` looks at before it decides."""

_PINO_NAMES: Final = ((60, "fatal"), (50, "error"), (40, "warn"), (30, "info"), (20, "debug"),
                      (10, "trace"))
_OTEL_NAMES: Final = ((21, "fatal"), (17, "error"), (13, "warn"), (9, "info"), (5, "debug"),
                      (1, "trace"))


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e18:  # not NaN, finite
        return int(value)
    return None


def pino_level_name(value: Any) -> str | None:
    """A pino or bunyan level number as its name (a custom level in between takes the band
    below it); None for anything else."""
    number = _number(value)
    if number is None:
        return None
    for floor, name in _PINO_NAMES:
        if number >= floor:
            return name
    return None


def otel_level_name(value: Any) -> str | None:
    """An OpenTelemetry ``severityNumber`` (1..24) as its name; None outside that range."""
    number = _number(value)
    if number is None or number > 24:
        return None
    for floor, name in _OTEL_NAMES:
        if number >= floor:
            return name
    return None


@dataclass(frozen=True, slots=True)
class LogShape:
    """Where one log shape keeps the time, level and message of an event."""

    name: str
    time_keys: tuple[str, ...]
    level_keys: tuple[tuple[str, ...], ...]
    """Paths to the level, first found wins (``("log", "level")`` is also read as the dotted
    top-level key ``log.level``)."""
    message_keys: tuple[str, ...]
    numbers: str = ""
    """How a numeric level is named: ``pino`` (pino and bunyan), ``otel``, or not at all."""

    def fits(self, data: Mapping[str, Any]) -> bool:
        """Whether ``data`` has this shape's message (or, without one, its level and time)."""
        if any(key in data for key in self.message_keys):
            return True
        return _find(data, self.level_keys) is not None and any(k in data for k in self.time_keys)

    def seconds(self, data: Mapping[str, Any]) -> float | None:
        """The event's time as Unix seconds (a zero or unreadable field is skipped)."""
        for key in self.time_keys:
            value = data.get(key)
            if value is None:
                continue
            seconds = epoch_seconds(value)
            if seconds:  # OpenTelemetry writes 0 for an unknown timeUnixNano
                return seconds
        return None

    def level(self, data: Mapping[str, Any]) -> str:
        """The level as a lower-case name (numbers named by the shape), or ``""``."""
        value = _find(data, self.level_keys)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip().lower()
        if self.numbers == "otel":
            return otel_level_name(value) or str(value)
        if self.numbers == "pino":
            return pino_level_name(value) or str(value)
        return "" if isinstance(value, Mapping | list) else str(value)

    def message(self, data: Mapping[str, Any]) -> Any:
        """The message value (OpenTelemetry's ``{"stringValue": ...}`` unwrapped), or None."""
        for key in self.message_keys:
            value = data.get(key)
            if value is None:
                continue
            if isinstance(value, Mapping) and "stringValue" in value:
                return value.get("stringValue")
            return value
        return None


def _find(data: Mapping[str, Any], paths: tuple[tuple[str, ...], ...]) -> Any:
    for path in paths:
        if len(path) > 1:
            dotted = data.get(".".join(path))
            if dotted is not None and dotted != "":
                return dotted
        value: Any = data
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None and value != "":  # OpenTelemetry writes "" for no severityText
            return value
    return None


PINO: Final = LogShape("pino", ("time",), (("level",),), ("msg",), "pino")
BUNYAN: Final = LogShape("bunyan", ("time",), (("level",),), ("msg",), "pino")
ZAP: Final = LogShape("zap", ("ts",), (("level",),), ("msg",))
LOGRUS: Final = LogShape("logrus", ("time",), (("level",),), ("msg",))
STRUCTLOG: Final = LogShape("structlog", ("timestamp",), (("level",), ("log_level",)),
                            ("event",))
ECS: Final = LogShape("ecs", ("@timestamp",), (("log", "level"),), ("message",))
OTEL: Final = LogShape(
    "otel", ("timeUnixNano", "observedTimeUnixNano"), (("severityText",), ("severityNumber",)),
    ("body",), "otel",
)
GENERIC: Final = LogShape(
    "generic", TIME_KEYS, (("level",), ("severity",), ("log_level",)),
    ("message", "msg", "event", "body", "value"), "pino",
)
"""Any other object: the common names, first found."""

SHAPES: Final = (OTEL, ECS, STRUCTLOG, ZAP, PINO, BUNYAN, LOGRUS)
"""Every named shape, in the order :func:`detect_shape` tries them."""


def detect_shape(data: Mapping[str, Any]) -> LogShape:
    """The shape of one entry's data by the keys it has (:data:`GENERIC` if none fits)."""
    try:
        return _detect(data)
    except Exception:  # a hostile mapping must never break a stream
        return GENERIC


def _detect(data: Mapping[str, Any]) -> LogShape:
    if "severityText" in data or "severityNumber" in data or "timeUnixNano" in data \
            or "observedTimeUnixNano" in data:
        return OTEL
    if "@timestamp" in data and ("log.level" in data or isinstance(data.get("log"), Mapping)):
        return ECS
    if "event" in data and ("level" in data or "log_level" in data or "timestamp" in data):
        return STRUCTLOG
    if "msg" in data:
        if "ts" in data:
            return ZAP
        level = data.get("level")
        if _number(level) is not None:
            return PINO if _number(data.get("time")) is not None else BUNYAN
        if "time" in data or isinstance(level, str):
            return LOGRUS
    return GENERIC


class ShapeDetector:
    """One stream's shape: decided from its first :data:`SAMPLE` entries, then kept.

    Until it decides, each entry is read by its own shape. After, an entry that does not fit
    the decided shape (a stray line from another logger) is read by its own shape too.
    """

    def __init__(self, sample: int = SAMPLE) -> None:
        self._sample = sample
        self._seen: Counter[str] = Counter()
        self._shapes: dict[str, LogShape] = {}
        self._counted: set[int] = set()
        """The entries counted so far (by identity: each column asks about the same entry)."""
        self.decided: LogShape | None = None

    def reset(self) -> None:
        """Forget the decision (a new stream)."""
        self._seen.clear()
        self._shapes.clear()
        self._counted.clear()
        self.decided = None

    def shape_for(self, data: Mapping[str, Any]) -> LogShape:
        """The shape to read ``data`` by."""
        decided = self.decided
        if decided is not None:
            try:
                if decided.fits(data):
                    return decided
            except Exception:  # wire data must never break a stream
                return GENERIC
            return detect_shape(data)
        shape = detect_shape(data)
        if id(data) in self._counted:
            return shape
        self._counted.add(id(data))
        self._seen[shape.name] += 1
        self._shapes[shape.name] = shape
        if len(self._counted) >= self._sample:
            name, _ = self._seen.most_common(1)[0]
            self.decided = self._shapes[name]
            self._counted.clear()
        return shape


def level_style(level: str) -> str:
    """The row style key of a level name, as the proxy's rows are coloured."""
    if level in {"fatal", "error", "critical", "panic", "dpanic", "emerg", "alert", "crit", "err"}:
        return "level-error"
    if level in {"warn", "warning"}:
        return "level-warn"
    if level in {"debug", "trace"}:
        return "level-debug"
    return "level-info"
