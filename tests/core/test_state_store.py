"""Resume points survive restarts, are written atomically and privately, and hold no secrets."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logtui.core.errors import ConfigError
from logtui.core.paths import state_dir
from logtui.core.redact import scrub_url
from logtui.core.state_store import StateDirectoryError, StateStore

URL = "https://logs.example.com/api/proxy-logs"
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX permissions")
not_root = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root can write to read-only directories"
)


def test_saved_state_is_loaded_back_by_a_new_store(tmp_path: Path) -> None:
    key = StateStore.key("proxy", URL, {"level": "error"})
    StateStore(tmp_path / "state").save(key, {"last_event_id": "12345", "last_key": "84321"})
    assert StateStore(tmp_path / "state").load(key) == {
        "last_event_id": "12345",
        "last_key": "84321",
    }


def test_missing_state_loads_as_none(tmp_path: Path) -> None:
    assert StateStore(tmp_path / "nowhere").load(StateStore.key("sse", URL, {})) is None


@pytest.mark.parametrize(
    "content", ["{not json", "[1, 2]", '{"format": 99, "state": {}}', "\udcff"]
)
def test_corrupt_or_foreign_state_loads_as_none(tmp_path: Path, content: str) -> None:
    store = StateStore(tmp_path)
    key = StateStore.key("sse", URL, {})
    (tmp_path / f"{key}.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    assert store.load(key) is None


def test_non_ascii_and_odd_ids_round_trip_exactly(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    key = StateStore.key("nextdns", "https://api.nextdns.io/profiles/abc123", {})
    odd = "…é😀 \x01\ud800"
    store.save(key, {"last_event_id": odd})
    assert store.load(key) == {"last_event_id": odd}


def test_key_is_stable_filename_safe_and_ignores_filter_order() -> None:
    first = StateStore.key("proxy", URL, {"kind": "request", "level": "error"})
    again = StateStore.key("proxy", URL, {"level": "error", "kind": "request"})
    assert first == again
    assert first.startswith("proxy-logs-example-com-")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in first)


def test_key_differs_by_kind_url_and_filters() -> None:
    keys = {
        StateStore.key("proxy", URL, {}),
        StateStore.key("sse", URL, {}),
        StateStore.key("proxy", URL + "/other", {}),
        StateStore.key("proxy", URL, {"level": "error"}),
        StateStore.key("proxy", URL, {"level": "warn"}),
    }
    assert len(keys) == 5


def test_key_never_depends_on_credentials_in_the_url() -> None:
    plain = StateStore.key("proxy", URL + "?projectId=p1", {})
    assert (
        StateStore.key(
            "proxy",
            "https://user:hunter2@logs.example.com/api/proxy-logs"
            "?projectId=p1&token=hunter2&api_key=k",
            {},
        )
        == plain
    )


def test_scrub_url_strips_userinfo_and_credential_parameters() -> None:
    url = "HTTPS://me:s3cret@Logs.Example.com:8443/x?access_token=a&apiKey=b&sig=c&page=2#frag"
    assert scrub_url(url) == "https://logs.example.com:8443/x?page=2"


def test_saved_urls_are_scrubbed_and_no_secret_reaches_the_file(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    key = StateStore.key("proxy", "https://u:pw-secret@h.example/p?token=tok-secret", {})
    store.save(
        key, {"url": "https://u:pw-secret@h.example/p?token=tok-secret", "last_event_id": "1"}
    )
    text = (tmp_path / f"{key}.json").read_text()
    assert "secret" not in text and "secret" not in key
    assert store.load(key) == {"url": "https://h.example/p", "last_event_id": "1"}


@posix_only
def test_state_file_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    directory = tmp_path / "deep" / "logtui"
    store = StateStore(directory)
    key = StateStore.key("sse", URL, {})
    store.save(key, {"last_event_id": "1"})
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / f"{key}.json").stat().st_mode) == 0o600


def test_save_replaces_atomically_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    key = StateStore.key("sse", URL, {})
    for n in range(5):
        store.save(key, {"last_event_id": str(n)})
    assert store.load(key) == {"last_event_id": "4"}
    assert [p.name for p in tmp_path.iterdir()] == [f"{key}.json"]


def test_a_failed_write_keeps_the_previous_state(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    key = StateStore.key("sse", URL, {})
    store.save(key, {"last_event_id": "good"})
    with pytest.raises(TypeError):
        store.save(key, {"last_event_id": object()})
    assert store.load(key) == {"last_event_id": "good"}
    assert len(list(tmp_path.iterdir())) == 1


def assert_names_directory_and_flag(store: StateStore) -> None:
    for attempt in (store.check_writable, lambda: store.save("sse-x", {"last_event_id": "1"})):
        with pytest.raises(ConfigError) as caught:
            attempt()
        message = str(caught.value)
        assert str(store.directory) in message and "--state-dir" in message
        assert "\n" not in message
        assert caught.value.exit_code == 2


@not_root
def test_read_only_directory_is_a_config_error_naming_it_and_the_flag(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert_names_directory_and_flag(StateStore(locked / "logtui"))


def test_directory_under_a_file_is_a_config_error_naming_it_and_the_flag(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert_names_directory_and_flag(StateStore(tmp_path / "file" / "logtui"))


def test_state_directory_error_is_also_an_os_error_for_callers_that_only_warn(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OSError) as caught:
        StateStore(blocker).save("sse-x", {"last_event_id": "1"})
    assert isinstance(caught.value, StateDirectoryError)
    assert "--state-dir" in str(caught.value.strerror)


@pytest.mark.parametrize("key", ["../escape", "a/b", "", ".hidden", "UPPER", "x" * 200])
def test_keys_that_could_escape_the_directory_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="not a state key"):
        StateStore(tmp_path).load(key)


def test_default_directory_follows_xdg_state_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_dir() == tmp_path / "logtui"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "logtui"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "logtui"


@given(
    kind=st.text(max_size=20),
    url=st.one_of(st.text(max_size=80), st.just("http://[broken/x?token=t")),
    filters=st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=4),
)
def test_any_input_gives_a_filename_safe_key(kind: str, url: str, filters: dict[str, str]) -> None:
    key = StateStore.key(kind, url, filters)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,127}", key)
    assert key == StateStore.key(kind, url, dict(reversed(list(filters.items()))))


def test_broken_url_is_still_scrubbed() -> None:
    assert scrub_url("HTTP://u:pw@[broken/p?token=t#f") == "http://[broken/p"
