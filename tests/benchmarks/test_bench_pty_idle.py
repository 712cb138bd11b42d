"""The pty case's measuring tool: a program on its own 120x40 terminal, counted byte by byte."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.measure import PYTHON, child_env
from benchmarks.workers.pty_idle import COLUMNS, LINES, PtyProgram

SCRIPT = (
    "import os, sys, time\n"
    "size = os.get_terminal_size(sys.stdout.fileno())\n"
    "sys.stdout.write(f'{size.columns}x{size.lines}' + 'x' * 4994)\n"
    "sys.stdout.flush()\n"
    "time.sleep(60)\n"
)


def test_a_program_on_a_pty_sees_120x40_and_every_byte_it_writes_is_counted(
    tmp_path: Path,
) -> None:
    program = PtyProgram([PYTHON, "-c", SCRIPT], child_env(), str(tmp_path))
    try:
        deadline = time.monotonic() + 30
        while program.written < 5000 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert program.written == len(f"{COLUMNS}x{LINES}") + 4994 == 5000
        quiet = program.measure(0.3)  # asleep: nothing written, next to no CPU
        assert quiet["bytes_per_second"] == 0
        assert quiet["cpu_percent"] < 50
    finally:
        program.close()
    assert program.process.poll() is not None
