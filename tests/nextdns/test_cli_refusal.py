"""``logtui nextdns`` as a user runs it: a rejected key is one line naming what to fix, exit 3."""

from __future__ import annotations

from pathlib import Path

from tests.cli.process import run_logtui

from .conftest import PROFILE, demo


def test_a_rejected_key_is_one_line_naming_the_setting_and_exit_3(tmp_path: Path) -> None:
    with demo() as server:
        result = run_logtui(
            ["nextdns", PROFILE, "--api-url", server.nextdns_url, "--output", "ndjson",
             "--no-resume", "--history", "20"],
            tmp_path, {"NEXTDNS_API_KEY": "not-the-key-42"},
        )
    assert result.returncode == 3
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "403" in line and "NEXTDNS_API_KEY" in line and "--api-key" in line
    assert "not-the-key-42" not in result.stderr
