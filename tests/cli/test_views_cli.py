"""``--view NAME`` and ``--no-restore`` on the command line, and what a saved view may hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from logtui.cli import main
from logtui.core.sources import SourceConfig
from logtui.core.views import Setup, View, ViewSource, load_view, save_last, save_view, views_dir
from logtui.tui.run import save_last_quietly

TOKEN = "tok-9f8e7d6c5b4a"
URL = "http://127.0.0.1:9/api/proxy-logs"


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return home


@pytest.fixture
def dashboard(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stands in for the dashboard: records what the command opened it with."""
    seen: dict[str, Any] = {}

    def run_dashboard(config: SourceConfig, **options: Any) -> int:
        seen["config"] = config
        seen.update(options)
        return 0

    monkeypatch.setattr("logtui.tui.run.run_dashboard", run_dashboard)
    return seen


def test_view_opens_the_source_it_names_with_credentials_from_the_environment(
    config_home: Path, dashboard: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGTUI_PROXY_TOKEN", TOKEN)
    setup = Setup(filter="level=error status>=500", zone="local", stats=False)
    save_view(View("errors", setup, ViewSource("proxy", URL)))
    assert main(["--view", "errors", "--output", "tui"]) == 0
    config: SourceConfig = dashboard["config"]
    assert (config.kind, config.url) == ("proxy", URL)
    assert config.secret == TOKEN
    assert dashboard["setup"] == setup
    assert dashboard["remember"] == ViewSource("proxy", URL)


def test_a_command_with_view_uses_its_setup_on_the_source_given(
    config_home: Path, dashboard: dict[str, Any]
) -> None:
    save_view(View("mine", Setup(filter="method=GET")))
    other = "http://127.0.0.1:9/other/proxy-logs"
    assert main(["proxy", other, "--view", "mine", "--output", "tui"]) == 0
    assert dashboard["config"].url == other
    assert dashboard["setup"].filter == "method=GET"


def test_the_last_setup_comes_back_unless_no_restore(
    config_home: Path, dashboard: dict[str, Any]
) -> None:
    save_last(ViewSource("proxy", URL), Setup(filter="method=POST", theme="textual-light"))
    assert main(["proxy", URL, "--output", "tui"]) == 0
    assert dashboard["setup"] == Setup(filter="method=POST", theme="textual-light")
    assert main(["proxy", URL, "--output", "tui", "--no-restore"]) == 0
    assert dashboard["setup"] is None


def test_a_malformed_view_is_one_line_naming_the_file_and_exit_2(
    config_home: Path, dashboard: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    directory = views_dir()
    directory.mkdir(parents=True)
    (directory / "bad.toml").write_text("[setup]\nzone = 'mars'\n", encoding="utf-8")
    assert main(["--view", "bad"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(directory / "bad.toml") in err and "'zone' must be one of utc, local" in err
    assert main(["proxy", URL, "--view", "bad", "--output", "tui"]) == 2
    assert "config" not in dashboard


def test_a_view_without_a_source_needs_a_command(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_view(View("loose", Setup(filter="x=1")))
    assert main(["--view", "loose"]) == 2
    assert "has no [source]" in capsys.readouterr().err


def test_no_file_under_the_config_dir_holds_the_token(
    config_home: Path, dashboard: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token is configured three ways (env, flag, a URL query); saving a view and the
    last setup with what the command hands the dashboard must write it nowhere."""
    monkeypatch.setenv("LOGTUI_PROXY_TOKEN", TOKEN)
    url = f"{URL}?access_token={TOKEN}"
    assert main(["proxy", url, "--token", TOKEN, "--output", "tui"]) == 0
    remember: ViewSource = dashboard["remember"]
    setup = Setup(filter="level=error", zone="utc", theme="textual-dark", stats=True)
    save_view(View("saved", setup, remember))
    save_last_quietly(remember, setup)
    files = [path for path in config_home.rglob("*") if path.is_file()]
    assert len(files) == 2
    for path in files:
        assert TOKEN not in path.read_text(encoding="utf-8"), path
    assert load_view("saved").source == remember


@pytest.mark.parametrize("command", [["proxy", URL], ["demo"], ["instant-logs", "z1"]])
def test_view_with_ndjson_output_is_a_usage_error_not_ignored(
    config_home: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    save_view(View("mine", Setup(filter="level=error")))
    assert main([*command, "--view", "mine", "--output", "ndjson"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--view sets up the dashboard" in err


def test_a_nextdns_view_keeps_its_api_url_and_reopens_with_it(
    config_home: Path, dashboard: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTDNS_API_KEY", TOKEN)
    api = "http://127.0.0.1:9/nextdns"
    assert main(["nextdns", "abc123", "--api-url", api, "--output", "tui"]) == 0
    remember: ViewSource = dashboard["remember"]
    assert remember == ViewSource("nextdns", "abc123", (("api_url", api),))
    save_view(View("dns", Setup(filter="status=blocked"), remember))
    dashboard.clear()
    assert main(["--view", "dns", "--output", "tui"]) == 0
    assert dashboard["config"].url.startswith(api)
    assert dashboard["config"].secret == TOKEN
    assert dashboard["setup"].filter == "status=blocked"


def test_opening_a_view_of_another_source_starts_its_command(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard closes asking for the view; the command line then runs that view's
    command with its setup, as ``logtui --view NAME`` would."""
    from logtui.core.views import OpenView

    save_view(View("dns", Setup(filter="status=blocked"), ViewSource("nextdns", "abc123")))
    monkeypatch.setenv("NEXTDNS_API_KEY", TOKEN)
    runs: list[SourceConfig] = []

    def run_dashboard(config: SourceConfig, **options: Any) -> int:
        runs.append(config)
        if len(runs) == 1:
            raise OpenView("dns")
        assert options["setup"].filter == "status=blocked"
        return 0

    monkeypatch.setattr("logtui.tui.run.run_dashboard", run_dashboard)
    assert main(["proxy", URL, "--output", "tui"]) == 0
    assert [config.kind for config in runs] == ["proxy", "nextdns"]
