"""The keymap file: binding ids remapped from TOML, with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from logtui.core.errors import ConfigError
from logtui.tui.keymap import default_path, known_ids, load_keymap


def test_a_keymap_file_maps_binding_ids_to_keys(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text('[keymap]\n"logtui.reconnect" = "ctrl+r"\n"stream.down" = "down,n"\n',
                    encoding="utf-8")
    assert load_keymap(path) == {"logtui.reconnect": "ctrl+r", "stream.down": "down,n"}


def test_every_dashboard_binding_has_an_id_a_keymap_can_name() -> None:
    ids = known_ids()
    assert {"logtui.filter", "logtui.quit", "stream.down", "filter.history_back"} <= ids


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[keymap]\n"logtui.nope" = "x"\n', "unknown binding id 'logtui.nope'"),
        ("[keymap]\n'logtui.quit' = 3\n", "must map binding ids to key strings"),
        ("[keymap\n", "not valid TOML"),
    ],
)
def test_a_bad_keymap_file_is_a_one_line_config_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        load_keymap(path)
    assert "\n" not in str(raised.value)


def test_the_default_keymap_lives_in_the_config_directory(tmp_path: Path) -> None:
    assert default_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "logtui/keymap.toml"
    assert default_path({"LOGTUI_KEYMAP": "/x/k.toml"}) == Path("/x/k.toml")


def test_no_keymap_file_means_no_remapping(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOGTUI_KEYMAP", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_keymap() == {}


@pytest.mark.skipif(sys.platform != "linux", reason="the user directories of Linux")
def test_the_keymap_ignores_a_relative_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like the config file (the XDG spec): a relative ``XDG_CONFIG_HOME`` is not a base."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative")
    environ = {"XDG_CONFIG_HOME": "relative"}
    assert default_path(environ) == tmp_path / ".config" / "logtui" / "keymap.toml"
