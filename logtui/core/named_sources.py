"""Sources named in the config file, built into fleet members the way their commands build them.

A ``[sources.NAME]`` table in ``config.toml`` names one source::

    [sources.prod]
    api = "proxy"                      # a registered API
    url = "https://host/api/proxy-logs"
    level = "error"                    # any option of `logtui proxy`, by its long name
    filter = "status>=500"
    token_env = "PROD_PROXY_TOKEN"     # the credential by reference: an environment variable
    # token_file = "~/.config/logtui/prod.token"   # or a file of its own, mode 0600

This module reads the tables and the credential references; the members are built by
:mod:`logtui.commands._named`, with the API commands' own parsers and code. The keys are the
API command's own: its positional argument by name (``url``, ``profile``,
``zone``) and its options by long name (``api_url`` for ``--api-url``), so a member streams
exactly as ``logtui proxy URL --level error ...`` would, with its own server filter, history and
resume point. Credentials are only ever referenced: ``KEY_env`` (an environment variable) or
``KEY_file`` (a private file) for each credential ``KEY`` the API takes (``token``, ``api_key``,
``api_token``, ``email``); a secret written in the table is refused with one line, without its
value. With none given, the command's usual places are read (its environment variable, its
credential table in the config file).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from logtui.core.errors import ConfigError
from logtui.core.redact import looks_like_credential, scrub_url
from logtui.core.state_store import StateStore

if TYPE_CHECKING:
    from logtui.core.apis.base import Credential
    from logtui.core.config_file import SourceTable

__all__ = [
    "RUN_OPTIONS",
    "MemberStateStore",
    "NamedSource",
    "UnknownSourceError",
    "check_headers",
    "configured_sources",
    "credential_names",
    "pick",
    "resolve_reference",
]

RUN_OPTIONS: Final = frozenset({"output", "view", "no_restore", "buffer", "verbose"})
"""Options of the whole run, given on the ``logtui open`` command line, not per source."""


class UnknownSourceError(ConfigError):
    """A name that no ``[sources.NAME]`` table defines."""


@dataclass(frozen=True)
class NamedSource:
    """One ``[sources.NAME]`` table, not yet built (for listing and the picker)."""

    name: str
    api: str
    target: str
    """Its URL, profile or zone, without credentials."""
    options: Mapping[str, Any]
    path: Path
    """The config file it is in (for messages)."""


class MemberStateStore(StateStore):
    """The state store of one named member: its resume point is kept under its own key, so
    two names on one URL (different filters, or the same twice) never share or overwrite one."""

    def __init__(self, directory: Path, member: str) -> None:
        super().__init__(directory)
        self.member = member

    def key(self, kind: str, url: str, filters: Mapping[str, str]) -> str:  # type: ignore[override]
        """The key of ``kind``/``url``/``filters``, set apart by the member's name."""
        return StateStore.key(kind, url, {**filters, "\0member": self.member})


def configured_sources(config_path: Path | None = None) -> dict[str, NamedSource]:
    """Every ``[sources.NAME]`` table of the config file, by name (empty without a file)."""
    from logtui.core.secrets import default_config_path, read_config

    path = config_path if config_path is not None else default_config_path()
    config = read_config(path)
    tables: Mapping[str, SourceTable] = getattr(config, "sources", None) or {}
    return {
        name: NamedSource(name, table.api, _target(table), table.options(), path)
        for name, table in tables.items()
    }


def _target(table: SourceTable) -> str:
    for key in ("url", "profile", "zone"):
        value = table.options().get(key)
        if isinstance(value, str):
            return scrub_url(value) if key == "url" else value
    return ""


def pick(sources: Mapping[str, NamedSource], names: Sequence[str]) -> list[NamedSource]:
    """The sources called ``names``, in that order; an unknown one is one line listing the
    names the config file defines."""
    chosen: list[NamedSource] = []
    for name in names:
        if name not in sources:
            known = ", ".join(sorted(sources)) or "none: add a [sources.NAME] table"
            raise UnknownSourceError(
                f"no source named {name!r} in the config file (known: {known})"
            )
        if sources[name] not in chosen:
            chosen.append(sources[name])
    return chosen


def credential_names(credentials: Sequence[Credential]) -> dict[str, Credential]:
    """Each name a table may refer to a credential by: its config-file key (``api_key``), its
    flag (``token`` for ``--token``), and ``token`` for the API's first credential."""
    names: dict[str, Credential] = {}
    for credential in credentials:
        names.setdefault(credential.config_key.partition(".")[2], credential)
        if credential.flag:
            names.setdefault(credential.flag.lstrip("-").replace("-", "_"), credential)
    if credentials:
        names.setdefault("token", credentials[0])
    return names


def resolve_reference(value: object, how: str, what: str) -> str:
    from logtui.core.secrets import default_config_path, read_private_file

    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{what} must be a non-empty string")
    if how == "env":
        secret = os.environ.get(value.strip(), "").strip()
        if not secret:
            raise ConfigError(f"{what}: the environment variable {value.strip()} is not set")
        return secret
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = default_config_path().parent / path
    return read_private_file(path, what)


def check_headers(value: object, where: str) -> None:
    values = value if isinstance(value, list) else [value]
    for header in values:
        name = str(header).partition(":")[0].strip()
        if looks_like_credential(name) or name.lower() in ("authorization", "cookie"):
            raise ConfigError(
                f"{where}: the header {name} holds a credential; it cannot be written in the"
                " file (use the API's own command with -H from the environment)"
            )
