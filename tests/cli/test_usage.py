"""A command line logtui cannot run is refused with one line naming what it takes."""

from __future__ import annotations

import pytest

from logtui import cli


def test_an_unknown_command_is_refused_with_the_commands_listed_by_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["bogus"])

    assert exited.value.code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "invalid choice: 'bogus'" in line
    for name in ("'demo'", "'proxy'", "'nextdns'", "'sse'", "'instant-logs'"):
        assert name in line
    assert "SourceKind" not in line


def test_a_command_line_parses_only_the_command_it_names() -> None:
    """Building the parser for one command leaves the others' options undeclared, and
    parses that command's own options as before."""
    args = cli.build_parser("proxy").parse_args(
        ["proxy", "http://127.0.0.1:9/api", "--output", "ndjson", "--level", "error"]
    )
    assert (args.command, args.url, args.output, args.level) == (
        "proxy", "http://127.0.0.1:9/api", "ndjson", "error"
    )
