"""Crash reports: what they keep, what they never keep, and the app's record of the failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from logtui.core.secrets import Secret
from logtui.tui.crash import CRASH_EXIT, report_crash, report_text, write_report

from .conftest import AppMaker


def _failure() -> RuntimeError:
    try:
        token = "local-secret"  # noqa: F841 - a local variable a traceback must not show
        raise RuntimeError("refused with s3cr3t-token in the URL\x1b[2J")
    except RuntimeError as error:
        return error


def test_a_report_keeps_the_traceback_but_no_secret_or_control_character(tmp_path: Path) -> None:
    path = write_report(
        report_text(_failure()), secrets=[Secret("s3cr3t-token")], directory=tmp_path / "d"
    )
    text = path.read_text(encoding="utf-8")
    assert path.parent == tmp_path / "d" and path.name.startswith("crash-")
    assert path.stat().st_mode & 0o777 == 0o600
    assert "RuntimeError: refused with ******** in the URL" in text and "_failure" in text
    assert "s3cr3t-token" not in text and "local-secret" not in text and "\x1b" not in text


def test_reporting_names_the_file_on_stderr_and_returns_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert report_crash(report_text(_failure()), secrets=["s3cr3t-token"]) == CRASH_EXIT
    err = capsys.readouterr().err
    assert "crash report written to " + str(tmp_path / "logtui" / "crash-") in err
    assert "s3cr3t-token" not in err and "\x1b" not in err


def test_an_unwritable_report_directory_still_exits_1_with_the_error_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    assert report_crash(report_text(_failure())) == CRASH_EXIT
    err = capsys.readouterr().err
    assert "stopped on an unexpected error: RuntimeError" in err
    assert "could not write a crash report" in err


async def test_a_panic_from_the_input_thread_is_recorded_as_a_crash(make_app: AppMaker) -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)):
        app.panic("the input thread failed: UnicodeDecodeError")
    assert app.crash is not None and "UnicodeDecodeError" in app.crash
