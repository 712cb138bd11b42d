"""``[sources.NAME]`` tables: checked as their API's command checks its options, credentials
only by reference, each member with its own filter and resume key; tagged NDJSON lines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from logtui.commands._named import build_members
from logtui.core.errors import ConfigError, LogtuiError
from logtui.core.models import Entry
from logtui.core.named_sources import MemberStateStore, configured_sources, pick
from logtui.headless_fleet import tagged_line

from .helpers import write_config


@pytest.fixture(autouse=True)
def own_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No credential comes from the user's own config file."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def members_of(tmp_path: Path, text: str, *names: str, filter_text: str = "") -> list:  # type: ignore[type-arg]
    path = write_config(tmp_path, text)
    return build_members(pick(configured_sources(path), list(names)), filter_text=filter_text,
                         for_dashboard=False, state_dir=tmp_path / "state")


def test_a_table_builds_a_member_of_its_api_described_without_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROD_TOKEN", "t0ken-value")
    [member] = members_of(tmp_path, """
[sources.prod]
api = "proxy"
url = "https://host/api/proxy-logs"
level = "error"
filter = "status>=500"
token_env = "PROD_TOKEN"
""", "prod")
    assert (member.name, member.kind) == ("prod", "proxy")
    assert member.description == "https://host/api/proxy-logs"


def test_a_token_file_must_be_private(tmp_path: Path) -> None:
    secret = tmp_path / "prod.token"
    secret.write_text("t0ken-value\n")
    os.chmod(secret, 0o644)
    text = f"""
[sources.prod]
api = "proxy"
url = "https://host/api/proxy-logs"
token_file = "{secret}"
"""
    with pytest.raises(ConfigError, match="chmod 600") as caught:
        members_of(tmp_path, text, "prod")
    assert "t0ken-value" not in str(caught.value)
    os.chmod(secret, 0o600)
    assert members_of(tmp_path, text, "prod")[0].kind == "proxy"


def test_an_unset_token_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NO_SUCH_VARIABLE_FOR_TESTS is not set"):
        members_of(tmp_path, """
[sources.prod]
api = "proxy"
url = "https://host/api/proxy-logs"
token_env = "NO_SUCH_VARIABLE_FOR_TESTS"
""", "prod")


@pytest.mark.parametrize(("line", "message"), [
    ('levle = "error"', "levle is not an option of 'logtui proxy'"),
    ('level = "loud"', "invalid choice"),
    ('output = "tui"', "output is for the whole run"),
    ("history = -1", "must be 0 or more"),
])
def test_a_bad_key_or_value_is_one_line_naming_the_table(
    tmp_path: Path, line: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        members_of(tmp_path, f"""
[sources.prod]
api = "proxy"
url = "https://host/api/proxy-logs"
{line}
""", "prod")
    assert "[sources.prod]" in str(caught.value) and "\n" not in str(caught.value)


def test_an_sse_header_holding_a_credential_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="holds a credential") as caught:
        members_of(tmp_path, """
[sources.feed]
api = "sse"
url = "https://host/events"
header = ["Authorization: Bearer abc.def"]
""", "feed")
    assert "abc.def" not in str(caught.value)


def test_a_command_line_filter_that_does_not_parse_is_one_line_with_a_caret(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match=r"^--filter: .*\^"):
        members_of(tmp_path, """
[sources.prod]
api = "proxy"
url = "https://host/api/proxy-logs"
""", "prod", filter_text='status>="')


def test_a_source_filter_that_does_not_parse_is_a_usage_error_naming_the_source(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match=r"^\[sources\.prod\]: --filter: .*\^"):
        members_of(tmp_path, """
[sources.prod]
api = "proxy"
url = "https://host/api/proxy-logs"
filter = 'status>="'
""", "prod")


def test_a_command_line_filter_sends_each_source_only_its_own_server_terms(
    tmp_path: Path,
) -> None:
    from logtui.commands._named import fleet_filter

    path = write_config(tmp_path, """
[sources.web]
api = "proxy"
url = "https://host/api/proxy-logs"

[sources.home]
api = "nextdns"
profile = "abc123"
""")
    chosen = pick(configured_sources(path), ["web", "home"])
    outcome = fleet_filter(chosen, "source=web level=error")
    assert outcome.member_params == {"web": {"level": "error"}}
    assert outcome.client_predicate is not None


def test_two_names_on_one_source_keep_their_own_resume_keys(tmp_path: Path) -> None:
    keys = {MemberStateStore(tmp_path, name).key("proxy", "https://h/x", {"level": "error"})
            for name in ("a", "b")}
    assert len(keys) == 2


def entry(raw: str, *, is_json: bool = True) -> Entry:
    data = json.loads(raw) if is_json else {"message": raw}
    return Entry(raw=raw, data=data if isinstance(data, dict) else {"value": data},
                 is_json=is_json)


@pytest.mark.parametrize(("raw", "is_json", "line"), [
    ('{"a": 1}', True, '{"source":"prod","a": 1}'),
    ("{}", True, '{"source":"prod"}'),
    ('{"source": "x", "a": 1}', True, '{"source":"prod","payload":{"source": "x", "a": 1}}'),
    ("[1, 2]", True, '{"source":"prod","payload":[1, 2]}'),
    ("plain text", False, '{"source":"prod","payload":"plain text"}'),
    ('{"a":\n1}', True, '{"source":"prod","a": 1}'),
])
def test_a_tagged_line_adds_the_source_and_keeps_the_payload(
    raw: str, is_json: bool, line: str
) -> None:
    tagged = tagged_line(entry(raw, is_json=is_json), "prod")
    assert tagged == line
    assert json.loads(tagged)["source"] == "prod"


def test_an_instant_logs_source_takes_its_token_by_reference_or_says_where_to_set_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("EDGE_TOKEN", "cf-token-value")
    table = """
[sources.edge]
api = "instant-logs"
zone = "z1"
filter = "EdgeResponseStatus>=500"
"""
    [member] = members_of(tmp_path, table + 'api_token_env = "EDGE_TOKEN"\n', "edge")
    assert member.kind == "instant-logs" and "cf-token-value" not in member.description
    with pytest.raises(LogtuiError, match=r"^\[sources\.edge\]: no Instant Logs credentials"):
        members_of(tmp_path, table, "edge")
