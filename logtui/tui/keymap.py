"""The user's key remapping: binding id -> keys, from a small TOML file.

Every dashboard binding has an id (shown on the help screen). A file
``keymap.toml`` in the config directory (``~/.config/logtui/keymap.toml``), or the file named
by ``LOGTUI_KEYMAP``, remaps them::

    [keymap]
    "logtui.reconnect" = "ctrl+r"
    "stream.down" = "down,n"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from logtui.core.errors import ConfigError
from logtui.core.paths import config_dir

ENV_VAR = "LOGTUI_KEYMAP"
"""Names a keymap file to use instead of the default location."""


def default_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the keymap is looked for."""
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser()
    return config_dir(environ) / "keymap.toml"


def known_ids() -> set[str]:
    """Every binding id the dashboard defines."""
    from logtui.tui.actions import APP_ACTIONS
    from logtui.tui.screens.export import ExportScreen
    from logtui.tui.screens.field_picker import FieldPicker
    from logtui.tui.screens.help import HelpScreen
    from logtui.tui.widgets.filter_input import FilterInput
    from logtui.tui.widgets.stats_pane import StatsPane
    from logtui.tui.widgets.stream_view import StreamView

    ids = {action.id for action in APP_ACTIONS}
    for owner in (StreamView, FilterInput, HelpScreen, ExportScreen, FieldPicker, StatsPane):
        for binding in owner.BINDINGS:
            binding_id = getattr(binding, "id", None)
            if binding_id:
                ids.add(binding_id)
    return ids


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """Read the keymap file; a missing default file is an empty keymap.

    Raises ConfigError naming the file for a file that is not valid TOML, not a table of
    strings, or names a binding id that does not exist.
    """
    explicit = path is not None or bool(os.environ.get(ENV_VAR))
    target = path if path is not None else default_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"keymap file {target} does not exist") from None
        return {}
    except OSError as error:
        raise ConfigError(f"cannot read keymap file {target}: {error.strerror}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"keymap file {target} is not valid TOML: {error}") from None
    table = document.get("keymap", {})
    if not isinstance(table, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in table.items()
    ):
        raise ConfigError(f"keymap file {target}: [keymap] must map binding ids to key strings")
    unknown = sorted(set(table) - known_ids())
    if unknown:
        raise ConfigError(
            f"keymap file {target}: unknown binding id {unknown[0]!r} (press ? for the ids)"
        )
    return dict(table)
