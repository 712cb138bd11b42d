"""``logtui instant-logs`` as a user runs it: a real process against the demo server.

Entries go to stdout exactly as the server sent them, diagnostics to stderr; ``-v`` says which
filter terms went to the job and which logtui applies; a refused session exits 3 after one
attempt; secrets never appear in the output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli.process import LogtuiProcess, run_logtui

from logtui.core.engine import Engine
from logtui.demo import DemoServer

from .helpers import TOKEN, WaitingSink, demo_config, make_source, running

JOBS = "instant-logs-jobs"


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(demo_config(rate=100.0)) as running_server:
        yield running_server


def _args(server: DemoServer, zone: str, *extra: str) -> list[str]:
    return ["instant-logs", zone, "--api-url", server.instant_logs_url, "--output", "ndjson",
            *extra]


def _env() -> dict[str, str]:
    return {"CLOUDFLARE_API_TOKEN": TOKEN}


def test_ndjson_prints_the_records_the_split_filter_keeps(
    server: DemoServer, tmp_path: Path
) -> None:
    process = LogtuiProcess(
        _args(server, "z-cli", "-v", "--filter", "EdgeResponseStatus<400 host:example method=GET"),
        tmp_path, _env(),
    )
    try:
        process.wait_for_lines(20)
        process.interrupt()
        assert process.finish() == 130
    finally:
        process.kill()
    records = [json.loads(line) for line in process.stdout]
    assert all(r["EdgeResponseStatus"] < 400 and r["ClientRequestMethod"] == "GET"
               for r in records)
    assert all(set(r) >= {"RayID", "ClientRequestURI", "sampleInterval"} for r in records)
    stderr = "\n".join(process.stderr)
    assert "filter sent to the Instant Logs job: EdgeResponseStatus lt 400" in stderr
    assert 'filter sent to the Instant Logs job: ClientRequestMethod eq "GET"' in stderr
    assert "filter sent to the Instant Logs job: ClientRequestHost contains" in stderr
    assert TOKEN not in stderr and TOKEN not in "\n".join(process.stdout)


def test_terms_the_job_cannot_express_are_applied_by_logtui(
    server: DemoServer, tmp_path: Path
) -> None:
    process = LogtuiProcess(
        _args(server, "z-client", "-v", "--fields", "RayID,ClientRequestHost",
              "--filter", "ClientRequestUserAgent:curl"),
        tmp_path, _env(),
    )
    try:
        process.wait_for_lines(5)
        process.interrupt()
        process.finish()
    finally:
        process.kill()
    records = [json.loads(line) for line in process.stdout]
    assert all("curl" in r["ClientRequestUserAgent"] for r in records)
    stderr = "\n".join(process.stderr)
    assert "filter applied by logtui: ClientRequestUserAgent:curl" in stderr
    assert "added to --fields for the filter: ClientRequestUserAgent" in stderr


async def test_a_refused_second_session_exits_3_after_one_attempt(
    server: DemoServer, tmp_path: Path
) -> None:
    holder = WaitingSink()
    async with running(Engine(make_source(server, zone="busy"), holder)):
        await holder.live()
        before = server.faults.connections(JOBS)
        result = run_logtui(_args(server, "busy"), tmp_path, _env())
        after = server.faults.connections(JOBS)
    assert result.returncode == 3
    assert "zone busy already has an Instant Logs session" in result.stderr
    assert result.stdout == ""
    assert after == before + 1


def test_missing_credentials_name_the_environment_variables(
    server: DemoServer, tmp_path: Path
) -> None:
    result = run_logtui(_args(server, "z"), tmp_path, {"CLOUDFLARE_API_TOKEN": ""})
    assert result.returncode == 3
    assert "CLOUDFLARE_API_TOKEN" in result.stderr
    assert "CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY" in result.stderr
    assert server.faults.connections(JOBS) == 0


def test_a_bad_filter_is_a_usage_error(server: DemoServer, tmp_path: Path) -> None:
    result = run_logtui(_args(server, "z", "--filter", 'status>="'), tmp_path, _env())
    assert result.returncode == 2
    assert server.faults.connections(JOBS) == 0


CRN = "crn:v1:bluemix:public:internet-svcs:global:a/0123abcd:5e6f7a8b-1c2d::"


def _cis_args(server: DemoServer, zone: str, *extra: str) -> list[str]:
    return ["instant-logs", zone, "--ibm-crn", CRN, "--api-url", f"{server.base_url}/v2",
            "--output", "ndjson", *extra]


def test_ibm_crn_streams_through_cis_own_api_with_an_iam_token(
    server: DemoServer, tmp_path: Path
) -> None:
    iam = server.config.token
    process = LogtuiProcess(
        _cis_args(server, "z-cis"), tmp_path,
        {"IBM_CIS_TOKEN": f"Bearer {iam}", "CLOUDFLARE_API_TOKEN": ""},
    )
    try:
        process.wait_for_lines(5)
        process.interrupt()
        assert process.finish() == 130
    finally:
        process.kill()
    assert all("RayID" in json.loads(line) for line in process.stdout)
    assert iam not in "\n".join(process.stderr)


def test_ibm_crn_without_an_iam_token_says_which_token_and_where(
    server: DemoServer, tmp_path: Path
) -> None:
    result = run_logtui(_cis_args(server, "z"), tmp_path,
                        {"IBM_CIS_TOKEN": "", "CLOUDFLARE_API_TOKEN": TOKEN})
    assert result.returncode == 3
    assert "IBM_CIS_TOKEN" in result.stderr and "not an API key" in result.stderr
    assert server.faults.connections(JOBS) == 0


def test_ibm_crn_with_a_refused_iam_token_names_ibm_cis_token(
    server: DemoServer, tmp_path: Path
) -> None:
    result = run_logtui(_cis_args(server, "z"), tmp_path, {"IBM_CIS_TOKEN": "expired-iam"})
    assert result.returncode == 3
    assert "refused the credentials (403" in result.stderr
    assert "IBM_CIS_TOKEN" in result.stderr and "expired-iam" not in result.stderr


def test_ibms_documented_form_email_and_key_at_the_v4_endpoint_streams(
    server: DemoServer, tmp_path: Path
) -> None:
    env = {"CLOUDFLARE_API_TOKEN": "", "CLOUDFLARE_EMAIL": server.config.auth_email,
           "CLOUDFLARE_API_KEY": server.config.api_key}
    process = LogtuiProcess(_args(server, "z-ibm-doc", "--sample", "100"), tmp_path, env)
    try:
        process.wait_for_lines(1)
        process.interrupt()
        assert process.finish() == 130
    finally:
        process.kill()
    assert all("RayID" in json.loads(line) for line in process.stdout)


def test_help_says_which_ibm_form_is_documented_and_which_is_inferred(tmp_path: Path) -> None:
    result = run_logtui(["instant-logs", "--help"], tmp_path)
    assert result.returncode == 0
    assert "confirmed by IBM's docs" in result.stdout
    assert "following the CIS API's conventions" in result.stdout
    assert "X-Auth-User-Token: Bearer <IAM token>" in result.stdout


def test_demo_server_help_lists_every_instant_logs_mode(tmp_path: Path) -> None:
    from logtui.demo.instant_modes import MODES

    result = run_logtui(["demo-server", "--help"], tmp_path)
    assert result.returncode == 0
    assert "Instant Logs modes (--instant-mode, repeatable; default: as documented)" in (
        result.stdout
    )
    assert all(f"  {name} " in result.stdout for name in MODES)
