"""Credentials from a flag, an environment variable or a private config file, never shown.

Precedence: the command-line flag, then the environment variable, then the config file
(``$XDG_CONFIG_HOME/logtui/config.toml``, else ``~/.config/logtui/config.toml``), e.g.::

    [proxy]
    token = "..."

    [nextdns]
    api_key = "..."

A config file that other users could read or change is refused, the way ssh refuses a private
key with loose permissions, with a one-line message that gives the ``chmod 600`` fix. Messages
name the file, the key and the variable, never the value. ``Secret`` carries a credential
whose ``repr``, ``str`` and format never reveal it (:func:`logtui.core.redact.scrub` removes
known secrets from text before it is shown).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, final

from logtui.core.errors import ConfigError
from logtui.core.redact import SHOWN

if TYPE_CHECKING:
    from logtui.core.config_file import ConfigFile

__all__ = ["Secret", "default_config_path", "read_config", "read_private_file", "resolve_secret"]


def default_config_path() -> Path:
    """``config.toml`` in the config directory (:func:`logtui.core.paths.config_dir`)."""
    # Imported here, like the TOML reader: a credential from the flag or the environment
    # reads no config file, and a headless run's start-up is spared both.
    from logtui.core.paths import config_dir

    return config_dir() / "config.toml"


def resolve_secret(
    *, flag_value: str | None, env_var: str, config_key: str, config_path: Path | None = None
) -> str | None:
    """The credential from the flag, else ``env_var``, else ``config_key`` in the config file.

    ``config_key`` is dotted (``"proxy.token"`` is ``token`` in the ``[proxy]`` table). Empty
    values count as absent; surrounding whitespace (a pasted newline) is removed. Returns None
    when no source has it. Raises ``ConfigError`` for a config file that is not private, not
    TOML, or does not fit the schema in :mod:`logtui.core.config_file` (an unknown key, a
    non-string value).
    """
    if flag_value and flag_value.strip():
        return flag_value.strip()
    from_env = os.environ.get(env_var, "").strip()
    if from_env:
        return from_env
    path = config_path if config_path is not None else default_config_path()
    document = _read_private_toml(path)
    if document is None:
        return None
    # Imported here: pydantic costs a noticeable share of start-up, and most runs take their
    # credential from the environment without ever reading a config file.
    from logtui.core.config_file import validate_config

    value = validate_config(document, path).lookup(config_key)
    if value is None:
        return None
    return value.strip() or None


def read_config(config_path: Path | None = None) -> ConfigFile | None:
    """The config file, checked (private, TOML, the schema); None when there is none."""
    path = config_path if config_path is not None else default_config_path()
    document = _read_private_toml(path)
    if document is None:
        return None
    from logtui.core.config_file import validate_config

    return validate_config(document, path)


def read_private_file(path: Path, what: str) -> str:
    """The text of a secret kept in its own file (``token_file``): a regular file only its
    owner can read (else the ``chmod 600`` fix), one line, surrounding whitespace removed."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ConfigError(f"cannot read {what} {path} ({error.strerror})") from error
    with handle:
        _check_private(handle.fileno(), f"{what} {path}", "a secret", path)
        data = handle.read(65_536)
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ConfigError(f"{what} {path} is not valid UTF-8") from None
    if not text or "\n" in text:
        raise ConfigError(f"{what} {path} must hold the secret alone, on one line")
    return text


def _check_private(fileno: int, named: str, holds: str, path: Path) -> None:
    """Refuse a file that is not regular or that other users can access (the ssh rule)."""
    info = os.fstat(fileno)
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{named} is not a regular file")
    if os.name == "posix" and info.st_mode & 0o077:
        raise ConfigError(f"{named} holds {holds} but other users can access it; "
                          f"run: chmod 600 {path}")


def _read_private_toml(path: Path) -> dict[str, Any] | None:
    import tomllib

    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path} ({error.strerror})") from error
    with handle:
        _check_private(handle.fileno(), f"the config file {path}", "secrets", path)
        try:
            return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"the config file {path} is not valid TOML ({error})") from error
        except UnicodeDecodeError as error:
            raise ConfigError(f"the config file {path} is not valid UTF-8") from error


@final
class Secret:
    """A credential that shows as ``********`` in ``repr``, ``str``, f-strings and logs.

    Call ``reveal()`` at the one place the value is needed (building a request header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The credential itself; never pass the result to anything that prints."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({SHOWN!r})"

    def __str__(self) -> str:
        return SHOWN

    def __format__(self, format_spec: str) -> str:
        return SHOWN

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")
