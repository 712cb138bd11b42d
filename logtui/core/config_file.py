"""The schema of logtui's config file, validated with pydantic.

The file holds credentials, so a typo in it (``tokn``, ``[nextDNS]``) must not fail silently
into "no credential found": every table and key an API profile declares (its
``credentials``) is known and anything else is refused with a message naming the key.
Messages never include a value from the file.

Beside the credential tables, ``[sources.NAME]`` tables name sources that ``logtui open NAME``
runs together: ``api`` says which API, the other keys are that API's command options (checked
against the command by :mod:`logtui.core.named_sources`, which also refuses inline secrets).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from logtui.core.apis import all_profiles
from logtui.core.errors import ConfigError

__all__ = ["ConfigFile", "SourceTable", "config_schema", "known_keys", "validate_config"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def lookup(self, dotted_key: str) -> str | None:
        """The value at ``section.key``, or None when it is unset or not a known setting."""
        value: Any = self
        for part in dotted_key.split("."):
            value = getattr(value, part, None) if isinstance(value, BaseModel) else None
        return value if isinstance(value, str) else None


class SourceTable(BaseModel):
    """One ``[sources.NAME]`` table: its ``api`` and, as extra keys, that API's options."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    api: str
    """The API's name (``proxy``, ``nextdns``, ``instant-logs``, ``sse``)."""

    def options(self) -> dict[str, Any]:
        """The keys besides ``api``, as written."""
        return dict(self.model_extra or {})


def _tables() -> dict[str, tuple[str, ...]]:
    """Each table of the file and its keys: the credentials the API profiles declare."""
    tables: dict[str, tuple[str, ...]] = {}
    for profile in all_profiles():
        for credential in profile.credentials:
            table, _, key = credential.config_key.partition(".")
            tables[table] = (*tables.get(table, ()), key)
    return tables


@cache
def _schema(tables: tuple[tuple[str, tuple[str, ...]], ...]) -> type[_Section]:
    fields: dict[str, Any] = {}
    for table, keys in tables:
        section = create_model(  # type: ignore[call-overload]
            f"Section_{table}", __base__=_Section, **{key: (str | None, None) for key in keys}
        )
        fields[table] = (section, section())
    fields["sources"] = (dict[str, SourceTable], {})
    return create_model("ConfigFile", __base__=_Section, **fields)


def config_schema() -> type[_Section]:
    """The whole file's model: one optional table per API with credentials (``[proxy]``
    ``token``, ``[nextdns]`` ``api_key``, ``[instant_logs]`` ``api_token``...)."""
    return _schema(tuple(_tables().items()))


ConfigFile = _Section
"""What :func:`validate_config` returns: ``lookup("proxy.token")`` reads one setting."""


def known_keys() -> list[str]:
    """Every ``section.key`` the file may hold, for error messages."""
    keys = [f"{table}.{key}" for table, keys in _tables().items() for key in keys]
    return [*keys, "sources.NAME"]


def validate_config(document: dict[str, Any], path: Path) -> ConfigFile:
    """The parsed TOML ``document`` as a ``ConfigFile``; a ``ConfigError`` naming the first bad key.

    Built from pydantic's error location and type only: its default message would echo the
    offending value, which may be a secret.
    """
    try:
        return config_schema().model_validate(document)
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        key = ".".join(str(part) for part in first["loc"])
        if first["type"] == "extra_forbidden":
            raise ConfigError(
                f"{key} in {path} is not a known setting (known: {', '.join(known_keys())})"
            ) from None
        if first["type"] == "missing":
            raise ConfigError(f"{key} in {path} is missing") from None
        if first["type"] in ("model_type", "dict_type"):
            raise ConfigError(f"{key} in {path} must be a table, e.g. [{key}]") from None
        raise ConfigError(f"{key} in {path} must be a string") from None
