"""The schema of logtui's config file, validated with pydantic.

The file holds credentials, so a typo in it (``tokn``, ``[nextDNS]``) must not fail silently
into "no credential found": every section and key is declared here and anything else is
refused with a message naming the key. Messages never include a value from the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from logtui.core.errors import ConfigError

__all__ = ["ConfigFile", "validate_config"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ProxySection(_Section):
    """``[proxy]``: the Bearer token for proxy-logs (also ``$LOGTUI_PROXY_TOKEN``)."""

    token: str | None = None


class NextDNSSection(_Section):
    """``[nextdns]``: the NextDNS API key (also ``$NEXTDNS_API_KEY``)."""

    api_key: str | None = None


class InstantLogsSection(_Section):
    """``[instant_logs]``: a Cloudflare API token, or the email + global API key pair; for
    IBM CIS's own API (``--ibm-crn``) an IAM token."""

    api_token: str | None = None
    email: str | None = None
    api_key: str | None = None
    ibm_cis_token: str | None = None


class ConfigFile(_Section):
    """The whole file: one optional table per source."""

    proxy: ProxySection = ProxySection()
    nextdns: NextDNSSection = NextDNSSection()
    instant_logs: InstantLogsSection = InstantLogsSection()

    def lookup(self, dotted_key: str) -> str | None:
        """The value at ``section.key``, or None when it is unset or not a known setting."""
        value: Any = self
        for part in dotted_key.split("."):
            value = getattr(value, part, None) if isinstance(value, BaseModel) else None
        return value if isinstance(value, str) else None


def known_keys() -> list[str]:
    """Every ``section.key`` the file may hold, for error messages."""
    keys: list[str] = []
    for section_name, section in ConfigFile.model_fields.items():
        annotation = section.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(f"{section_name}.{key}" for key in annotation.model_fields)
    return keys


def validate_config(document: dict[str, Any], path: Path) -> ConfigFile:
    """The parsed TOML ``document`` as a ``ConfigFile``; a ``ConfigError`` naming the first bad key.

    Built from pydantic's error location and type only: its default message would echo the
    offending value, which may be a secret.
    """
    try:
        return ConfigFile.model_validate(document)
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        key = ".".join(str(part) for part in first["loc"])
        if first["type"] == "extra_forbidden":
            raise ConfigError(
                f"{key} in {path} is not a known setting (known: {', '.join(known_keys())})"
            ) from None
        if first["type"] == "model_type":
            raise ConfigError(f"{key} in {path} must be a table, e.g. [{key}]") from None
        raise ConfigError(f"{key} in {path} must be a string") from None
