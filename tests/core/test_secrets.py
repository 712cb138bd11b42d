"""Credentials come from the flag, the environment or a private config file, and never show."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from logtui.core.errors import ConfigError
from logtui.core.redact import scrub
from logtui.core.secrets import Secret, default_config_path, resolve_secret

TOKEN = "tok-9f8e7d6c5b4a"
ENV = "LOGTUI_TEST_TOKEN"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture(autouse=True)
def _no_env_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def write_config(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def resolve(path: Path, flag: str | None = None, key: str = "proxy.token") -> str | None:
    return resolve_secret(flag_value=flag, env_var=ENV, config_key=key, config_path=path)


def test_flag_wins_over_environment_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path / "c.toml", '[proxy]\ntoken = "from-file"\n')
    monkeypatch.setenv(ENV, "from-env")
    assert resolve(config, flag="from-flag") == "from-flag"
    assert resolve(config) == "from-env"
    monkeypatch.setenv(ENV, "  ")
    assert resolve(config) == "from-file"


def test_config_value_is_found_by_dotted_key(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", f'[nextdns]\napi_key = "{TOKEN}\\n"\n')
    assert resolve(config, key="nextdns.api_key") == TOKEN
    assert resolve(config, key="nextdns.missing") is None
    assert resolve(config, key="proxy.token") is None


def test_nothing_anywhere_gives_none(tmp_path: Path) -> None:
    assert resolve(tmp_path / "absent.toml") is None


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o660])
def test_config_file_others_can_access_is_refused_with_the_chmod_fix(
    tmp_path: Path, mode: int
) -> None:
    config = write_config(tmp_path / "c.toml", f'[proxy]\ntoken = "{TOKEN}"\n', mode)
    with pytest.raises(ConfigError) as caught:
        resolve(config)
    message = str(caught.value)
    assert f"chmod 600 {config}" in message
    assert TOKEN not in message and "\n" not in message


@posix_only
def test_insecure_config_is_not_read_when_the_flag_already_gives_the_secret(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path / "c.toml", '[proxy]\ntoken = "x"\n', 0o644)
    assert resolve(config, flag=TOKEN) == TOKEN


def test_invalid_toml_is_a_one_line_error_without_the_content(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", f'[proxy]\ntoken = {TOKEN}"\n')
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        resolve(config)
    assert TOKEN not in str(caught.value) and "\n" not in str(caught.value)


def test_non_string_value_is_an_error_naming_the_key_only(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", "[proxy]\ntoken = 12345\n")
    with pytest.raises(ConfigError, match=r"proxy\.token .* must be a string") as caught:
        resolve(config)
    assert "12345" not in str(caught.value)


def test_a_directory_in_place_of_the_config_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "c.toml").mkdir()
    with pytest.raises(ConfigError, match="cannot read the config file"):
        resolve(tmp_path / "c.toml")


def test_default_config_path_follows_xdg_config_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_config_path() == tmp_path / "logtui" / "config.toml"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_config_path() == tmp_path / "home" / ".config" / "logtui" / "config.toml"


def test_secret_never_shows_in_repr_str_format_or_containers() -> None:
    secret = Secret(TOKEN)
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>20}",
        str([secret]),
    ]
    assert all(TOKEN not in text for text in shown)
    assert secret.reveal() == TOKEN
    assert secret == Secret(TOKEN) and bool(secret) and not Secret("")


def test_secret_refuses_to_be_pickled() -> None:
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Secret(TOKEN))


def test_scrub_removes_plain_and_percent_encoded_secrets() -> None:
    odd = "a+b/c=d e"
    text = f"GET https://h/x?key={odd.replace(' ', '%20')}&k2=a%2Bb%2Fc%3Dd%20e failed with {TOKEN}"
    cleaned = scrub(text, TOKEN, Secret(odd), None, "")
    assert TOKEN not in cleaned and "a%2Bb%2Fc%3Dd%20e" not in cleaned and "a+b/c" not in cleaned
    assert cleaned.startswith("GET https://h/x?key=")


def test_unknown_key_in_the_config_file_is_named_not_ignored(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", f'[proxy]\ntokn = "{TOKEN}"\n')
    with pytest.raises(ConfigError, match=r"proxy\.tokn .* is not a known setting") as caught:
        resolve(config)
    assert TOKEN not in str(caught.value) and "proxy.token" in str(caught.value)


def test_a_section_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", f'proxy = "{TOKEN}"\n')
    with pytest.raises(ConfigError, match=r"proxy in .* must be a table") as caught:
        resolve(config)
    assert TOKEN not in str(caught.value)


def test_every_source_reads_its_own_keys(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "c.toml",
        '[proxy]\ntoken = "p"\n[nextdns]\napi_key = "n"\n'
        '[instant_logs]\napi_token = "t"\nemail = "e@example.com"\napi_key = "k"\n',
    )
    found = {
        key: resolve(config, key=key)
        for key in (
            "proxy.token",
            "nextdns.api_key",
            "instant_logs.api_token",
            "instant_logs.email",
            "instant_logs.api_key",
        )
    }
    assert found == {
        "proxy.token": "p",
        "nextdns.api_key": "n",
        "instant_logs.api_token": "t",
        "instant_logs.email": "e@example.com",
        "instant_logs.api_key": "k",
    }
