"""The Instant Logs pieces on their own: filter split, message decoding, job answers, options."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest

from logtui.commands import instant_logs as command
from logtui.core.errors import AuthError, ConfigError, FatalSourceError, FilterSyntaxError
from logtui.core.filters import parse
from logtui.core.models import SourceKind
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources.instant_logs.defaults import DEFAULT_FIELDS
from logtui.core.sources.instant_logs.jobs import (
    check_destination,
    cloudflare_reason,
    describe_destination,
)
from logtui.core.sources.instant_logs.options import InstantLogsOptions
from logtui.core.sources.instant_logs.query import fields_for, plan_filter
from logtui.core.sources.instant_logs.socket import MessageDecoder, dial, sampling_note
from logtui.core.sources.instant_logs.source import InstantLogsSource, zone_url

SECRET_PATH = "wss://logs.example.com/instant-logs/ws/sessions/0123456789abcdef"


def test_the_documented_example_becomes_the_job_filter() -> None:
    plan = plan_filter("EdgeResponseStatus>=500 ClientCountry=ca")
    assert json.loads(plan.job_filter) == {"where": {"and": [
        {"key": "EdgeResponseStatus", "operator": "geq", "value": 500},
        {"key": "ClientCountry", "operator": "eq", "value": "ca"},
    ]}}
    assert plan.predicate is None
    assert plan.describe() == [
        "filter sent to the Instant Logs job: EdgeResponseStatus geq 500",
        'filter sent to the Instant Logs job: ClientCountry eq "ca"',
    ]


def test_terms_the_job_cannot_express_stay_here_with_a_reason() -> None:
    plan = plan_filter("status>=500 timeout ClientRequestUserAgent:curl")
    assert [term.text for term in plan.client_terms] == ["timeout", "ClientRequestUserAgent:curl"]
    assert plan.kept[0] == "timeout: the Instant Logs job cannot search text"
    assert plan.predicate is not None


def test_a_bad_expression_is_a_syntax_error_with_a_position() -> None:
    with pytest.raises(FilterSyntaxError):
        plan_filter('status>="')


def test_fields_a_term_needs_are_added_once_and_the_uri_stands_for_the_path() -> None:
    terms = parse("clientrequestuseragent:curl path:/x time>-5m cache=hit cache=miss ua:x").terms
    wanted = fields_for(terms, ("RayID", "ClientRequestURI"))
    assert wanted == ("RayID", "ClientRequestURI", "ClientRequestUserAgent",
                      "EdgeStartTimestamp", "CacheCacheStatus")
    assert "ClientRequestPath" not in wanted


def _decoder(**options: object) -> MessageDecoder:
    settings: dict[str, object] = {"sample": 1, "max_line_bytes": 1024, "dedupe": True}
    settings.update(options)
    return MessageDecoder(**settings)  # type: ignore[arg-type]


def test_each_line_is_an_entry_weighted_by_its_sample_interval() -> None:
    chunk = _decoder().decode('{"RayID":"a","sampleInterval":4}\r\n\n{"RayID":"b"}\n')
    assert [(e.raw, e.weight) for e in chunk.entries] == [
        ('{"RayID":"a","sampleInterval":4}', 4), ('{"RayID":"b"}', 1),
    ]
    assert chunk.sampling == ""


def test_bad_lines_are_counted_not_delivered_and_hostile_weights_ignored() -> None:
    big = '{"RayID":"' + "x" * 2000 + '"}'
    text = "\n".join([
        "not json", "[1,2]", big, '{"RayID":"c","sampleInterval":true}',
        '{"RayID":"d","sampleInterval":-3}', '{"RayID":"e","sampleInterval":1e400}',
    ])
    chunk = _decoder().decode(text)
    assert chunk.malformed == 2
    assert chunk.oversized == 1
    assert [e.weight for e in chunk.entries] == [1, 1, 1]
    assert all("\x1b" not in notice.message for notice in chunk.notices)


def test_a_record_seen_on_the_other_session_is_skipped() -> None:
    decoder = _decoder()
    decoder.decode('{"RayID":"a"}\n{"RayID":"b"}')
    chunk = decoder.decode('{"RayID":"b"}\n{"RayID":"c"}')
    assert [e.data["RayID"] for e in chunk.entries] == ["c"]
    assert decoder.duplicates == 1


def test_the_sampling_note_names_client_and_server_rates() -> None:
    assert sampling_note(1, 1) == ""
    assert sampling_note(10, None) == "1 in 10 asked"
    assert sampling_note(10, 4) == "1 in 10 asked · server 1 in 4"
    decoder = _decoder(sample=10)
    assert decoder.first_chunk().sampling == "1 in 10 asked"
    assert decoder.decode('{"sampleInterval":3}').sampling == "1 in 10 asked · server 1 in 3"
    assert decoder.decode('{"sampleInterval":3}').sampling is None


def test_a_session_url_is_never_shown_whole() -> None:
    assert describe_destination(SECRET_PATH) == "wss://logs.example.com/…"


def test_an_https_api_must_stream_over_wss() -> None:
    api = "https://api.cloudflare.com/client/v4/zones/z/logpush/edge/jobs"
    assert check_destination(SECRET_PATH, api) == SECRET_PATH
    with pytest.raises(FatalSourceError, match="clear text"):
        check_destination(SECRET_PATH.replace("wss:", "ws:"), api)
    for bad in (None, "", "https://x/y", "not a url", 42):
        with pytest.raises(FatalSourceError):
            check_destination(bad, api)


def test_cloudflare_error_messages_are_read_and_sanitised() -> None:
    body = json.dumps({"success": False, "errors": [{"code": 1, "message": "bad\x1b[31m key"}]})
    assert cloudflare_reason(body.encode()) == "bad\u241b[31m key"
    assert cloudflare_reason(b"<html>") == ""


def test_build_source_makes_an_instant_logs_source_from_its_options() -> None:
    config = SourceConfig(
        kind=SourceKind.INSTANT_LOGS, url=zone_url("https://api.example.com/client/v4", "z 1"),
        secret="t0ken", filters={"filter": '{"where":{}}'},
        options={"fields": ("RayID",), "sample": 5, "renew_margin": 30},
    )
    source = build_source(config)
    assert isinstance(source, InstantLogsSource)
    assert source.url == "https://api.example.com/client/v4/zones/z%201"
    assert source.fields == ("RayID",)
    assert source.filters == {"filter": '{"where":{}}'}
    assert "t0ken" not in repr(config) and "t0ken" not in source.description
    source.set_filters({})
    assert source.filters == {}
    with pytest.raises(ConfigError):
        build_source(SourceConfig(kind=SourceKind.INSTANT_LOGS, url="https://x/zones/z",
                                  options={"sample": 0}))


def test_build_source_takes_typed_options_and_checks_them() -> None:
    url = zone_url("https://api.example.com/client/v4", "z1")
    source = build_source(SourceConfig(
        kind=SourceKind.INSTANT_LOGS, url=url,
        options=InstantLogsOptions(fields=("RayID", "ClientIP"), sample=3),
    ))
    assert isinstance(source, InstantLogsSource)
    assert source.fields == ("RayID", "ClientIP")
    with pytest.raises(ConfigError):
        InstantLogsOptions(sample=0)
    with pytest.raises(ConfigError):
        InstantLogsOptions(renew_margin=-1.0)


def _args(tmp_path: Path, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(["zone1", *argv])


def test_credentials_come_from_a_token_or_an_email_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    for name in ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AuthError, match="CLOUDFLARE_API_TOKEN"):
        command.credentials(_args(tmp_path))
    config = tmp_path / "logtui" / "config.toml"
    config.parent.mkdir()
    config.write_text('[instant_logs]\napi_token = "file-token"\n')
    config.chmod(0o600)
    assert command.credentials(_args(tmp_path)) == ("file-token", {})
    config.unlink()
    monkeypatch.setenv("CLOUDFLARE_EMAIL", "me@example.com")
    with pytest.raises(AuthError, match="CLOUDFLARE_API_KEY too"):
        command.credentials(_args(tmp_path))
    monkeypatch.setenv("CLOUDFLARE_API_KEY", "k3y")
    assert command.credentials(_args(tmp_path)) == (
        None, {"X-Auth-Email": "me@example.com", "X-Auth-Key": "k3y"},
    )
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "env-token")
    assert command.credentials(_args(tmp_path)) == ("env-token", {})
    assert command.credentials(_args(tmp_path, "--token", "flag")) == ("flag", {})


def test_the_command_defaults_and_checks_its_options(tmp_path: Path) -> None:
    args = _args(tmp_path, "--token", "t")
    assert command.api_root(args) == "https://api.cloudflare.com/client/v4"
    assert command.parse_fields(args.fields) == DEFAULT_FIELDS
    assert command.parse_fields(" RayID , ClientIP,RayID ") == ("RayID", "ClientIP")
    for bad in ("", " , ", "Ray ID", "a;b"):
        with pytest.raises(ConfigError):
            command.parse_fields(bad)
    config = command.build_config(args, plan_filter("status>=500 curl"), for_dashboard=False)
    assert config.url == "https://api.cloudflare.com/client/v4/zones/zone1"
    assert config.filters == {"filter": plan_filter("status>=500").job_filter}
    with pytest.raises(ConfigError, match="history"):
        command.build_config(_args(tmp_path, "--token", "t", "--history", "5"),
                             plan_filter(""), for_dashboard=False)
    with pytest.raises(ConfigError, match="renew-margin"):
        command.build_config(_args(tmp_path, "--token", "t", "--renew-margin", "4000"),
                             plan_filter(""), for_dashboard=False)


def test_ibm_crn_puts_the_encoded_crn_under_the_cis_api_root(tmp_path: Path) -> None:
    crn = "crn:v1:bluemix:public:internet-svcs:global:a/0123:45-67::"
    args = _args(tmp_path, "--ibm-crn", crn)
    assert command.api_root(args) == (
        "https://api.cis.cloud.ibm.com/v2/"
        "crn%3Av1%3Abluemix%3Apublic%3Ainternet-svcs%3Aglobal%3Aa%2F0123%3A45-67%3A%3A"
    )
    with pytest.raises(ConfigError, match="CRN"):
        command.api_root(_args(tmp_path, "--ibm-crn", "0123-not-a-crn"))


def test_the_dashboard_asks_for_every_job_filter_key_and_headless_only_what_it_tests(
    tmp_path: Path,
) -> None:
    args = _args(tmp_path, "--token", "t", "--fields", "RayID")
    plan = plan_filter("cache=hit ClientRequestUserAgent:curl")
    dashboard = command.build_config(args, plan, for_dashboard=True).options.fields
    headless = command.build_config(args, plan, for_dashboard=False).options.fields
    assert isinstance(dashboard, tuple) and dashboard[0] == "RayID"
    assert set(command.JOB_FILTER_KEYS) <= set(dashboard)
    assert "ClientRequestUserAgent" in dashboard
    assert headless == ("RayID", "ClientRequestUserAgent")


@pytest.mark.parametrize(
    ("status", "message", "error"),
    [
        (409, "conflict", "SessionActive"),
        (400, "An instant logs session is already active for this zone", "SessionActive"),
        (400, "filter key 'x' is not valid", "FatalSourceError"),
        (403, "Authentication error", "AuthError"),
        (429, "already rate limited", "RateLimited"),
        (502, "bad gateway", "TransientSourceError"),
        (404, "no such zone", "EndpointNotFound"),
    ],
)
async def test_job_refusals_map_to_errors_a_person_can_act_on(
    status: int, message: str, error: str
) -> None:
    import httpx

    from logtui.core.sources.instant_logs.jobs import JobRequest, create_job

    body = {"success": False, "errors": [{"code": 1, "message": message}], "result": None}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers={"Retry-After": "1"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(Exception) as raised:
            await create_job(
                client, "https://api.example.com/client/v4/zones/z/logpush/edge/jobs",
                JobRequest(("RayID",)), headers={"Authorization": "Bearer s3cret"},
                zone="z", now=0.0,
            )
    assert type(raised.value).__name__ == error
    assert "s3cret" not in str(raised.value)


async def test_a_session_socket_refused_with_403_says_the_credential_hint_given() -> None:
    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(AuthError) as caught:
            await dial(f"ws://127.0.0.1:{port}/session", max_size=1 << 20, now=0.0,
                       credential_hint="check $X_TOKEN, named by api_token_env in [sources.x]")
    finally:
        server.close()
        await server.wait_closed()
    said = str(caught.value)
    assert said.endswith("(403); check $X_TOKEN, named by api_token_env in [sources.x]")
