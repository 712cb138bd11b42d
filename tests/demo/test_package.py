"""The package's public surface, and why it is loaded lazily."""

from __future__ import annotations

import subprocess
import sys

import logtui.demo


def test_every_public_name_resolves() -> None:
    for name in logtui.demo.__all__:
        assert getattr(logtui.demo, name).__name__ == name


def test_the_fault_help_text_loads_without_the_server_stack() -> None:
    code = (
        "import sys\n"
        "from logtui.demo.fault_grammar import GRAMMAR\n"
        "assert 'cut=N' in GRAMMAR\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'uvicorn', 'starlette', 'httpx'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
