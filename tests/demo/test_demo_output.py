"""``logtui demo`` follows the rule every streaming command does: NDJSON when stdout is not a
terminal, and the end of the run when stdout closes (``logtui demo | head``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_demo_into_a_pipe_writes_ndjson_and_ends_when_the_reader_leaves(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "logtui", "demo", "--rate", "200", "--history", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")},
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        process.stdout.close()  # as `head -n 3` does once it has its lines
        code = process.wait(timeout=15)
    finally:
        process.kill()
        process.wait()
    assert process.stderr is not None
    errors = process.stderr.read().decode("utf-8", "replace")

    assert code == 0, errors
    assert all(b"\x1b" not in line for line in lines)
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert "Traceback" not in errors
