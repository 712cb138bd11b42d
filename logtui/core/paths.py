"""Where logtui keeps its files: the config directory (credentials, keymap) and the state
directory (resume points, crash reports), defined once.

``$XDG_CONFIG_HOME`` and ``$XDG_STATE_HOME`` are honoured only when absolute: the XDG Base
Directory spec says a relative value must be ignored (it would otherwise name a directory under
wherever logtui happens to be started). Without one, the platform's user directory is used
(``~/.config/logtui`` and ``~/.local/state/logtui`` on Linux).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import platformdirs

APP: Final = "logtui"
"""The directory name under the config and state bases."""


def config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_CONFIG_HOME/logtui`` if that is absolute, else the user config directory."""
    base = _absolute(environ, "XDG_CONFIG_HOME")
    return base / APP if base else platformdirs.user_config_path(APP, appauthor=False)


def state_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_STATE_HOME/logtui`` if that is absolute, else the user state directory."""
    base = _absolute(environ, "XDG_STATE_HOME")
    return base / APP if base else platformdirs.user_state_path(APP, appauthor=False)


def _absolute(environ: Mapping[str, str], variable: str) -> Path | None:
    value = environ.get(variable, "")
    return Path(value) if os.path.isabs(value) else None


__all__ = ["APP", "config_dir", "state_dir"]
