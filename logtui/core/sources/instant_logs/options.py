"""The settings only an Instant Logs source has, typed: :class:`InstantLogsOptions`.

The command line builds one; a :class:`~logtui.core.sources.SourceConfig` whose ``options`` is
still a plain mapping (the demo server's target, older callers) is read with
:meth:`InstantLogsOptions.from_mapping`, which checks each value. Standard library only, so
the command line can import it on the ``--help`` path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from logtui.core.errors import ConfigError
from logtui.core.sources import SourceOptions
from logtui.core.sources.instant_logs.defaults import (
    DEFAULT_FIELDS,
    KEEPALIVE,
    RENEW_MARGIN,
    SESSION_MAX,
)


@dataclass(frozen=True, slots=True)
class InstantLogsOptions(SourceOptions):
    """What the job asks for and how its sessions are kept up."""

    fields: tuple[str, ...] = DEFAULT_FIELDS
    """The HTTP request fields each record carries."""
    sample: int = 1
    """One request in ``sample`` (1: every request)."""
    session_max: float = SESSION_MAX
    """The server's session limit, in seconds."""
    renew_margin: float = RENEW_MARGIN
    """How long before that limit the next session starts."""
    keepalive: float = KEEPALIVE
    """Seconds of silence before the socket is pinged."""

    def __post_init__(self) -> None:
        if not isinstance(self.fields, tuple) or not all(isinstance(f, str) for f in self.fields):
            raise ConfigError("Instant Logs fields must be a list of field names")
        if isinstance(self.sample, bool) or not isinstance(self.sample, int) or self.sample < 1:
            raise ConfigError("the Instant Logs sample must be a whole number of at least 1")
        for name in ("session_max", "renew_margin", "keepalive"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"the Instant Logs {name} must be a number of seconds")

    @classmethod
    def from_mapping(cls, options: Mapping[str, object]) -> InstantLogsOptions:
        """The options an untyped ``SourceConfig.options`` mapping gives (defaults for the rest);
        :class:`ConfigError` for a value of the wrong kind."""
        fields = options.get("fields", DEFAULT_FIELDS)
        if not isinstance(fields, tuple | list):
            raise ConfigError("Instant Logs fields must be a list of field names")
        seconds: dict[str, float] = {}
        for name, default in (
            ("session_max", SESSION_MAX),
            ("renew_margin", RENEW_MARGIN),
            ("keepalive", KEEPALIVE),
        ):
            value = options.get(name, default)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"the Instant Logs {name} must be a number of seconds")
            seconds[name] = float(value)
        sample = options.get("sample", 1)
        if isinstance(sample, bool) or not isinstance(sample, int):
            raise ConfigError("the Instant Logs sample must be a whole number of at least 1")
        return cls(fields=tuple(fields), sample=sample, **seconds)


__all__ = ["InstantLogsOptions"]
