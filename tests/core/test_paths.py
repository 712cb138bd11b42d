"""The config and state directories: one definition, honouring XDG variables only when absolute."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from logtui.core.paths import config_dir, state_dir
from logtui.core.secrets import default_config_path


def test_absolute_xdg_directories_are_used_as_given(tmp_path: Path) -> None:
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_STATE_HOME": str(tmp_path / "s")}
    assert config_dir(environ) == tmp_path / "c" / "logtui"
    assert state_dir(environ) == tmp_path / "s" / "logtui"


@pytest.mark.skipif(sys.platform != "linux", reason="the user directories of Linux")
@pytest.mark.parametrize("value", ["relative", "relative/dir", "~/config", "./here"])
def test_a_relative_xdg_directory_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    """The XDG spec: a relative path in an XDG variable is invalid and must be ignored, so
    logtui never reads credentials from (or writes state under) the current directory."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", value)
    monkeypatch.setenv("XDG_STATE_HOME", value)
    assert config_dir() == tmp_path / ".config" / "logtui"
    assert state_dir() == tmp_path / ".local" / "state" / "logtui"
    assert default_config_path() == tmp_path / ".config" / "logtui" / "config.toml"
