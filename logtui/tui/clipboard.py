"""Where a copy goes, and whether it can get there.

The dashboard copies with OSC 52, which the terminal turns into a clipboard write (it works
over ssh). Inside tmux the sequence reaches the outer terminal only if tmux's
``set-clipboard`` option allows it, so with ``set-clipboard off`` the user is told.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping

__all__ = ["COPIED_VIA", "TMUX_HINT", "tmux_blocks_osc52"]

COPIED_VIA = "to the clipboard via OSC 52"
"""How a copy notice says where the text went."""

TMUX_HINT = (
    "tmux has set-clipboard off, so it may not reach your terminal "
    "(tmux set -g set-clipboard on)"
)
"""The warning added to a copy notice inside a tmux that drops OSC 52."""

Probe = Callable[[list[str]], str]
"""Runs a command and returns its output (raises ``OSError`` or ``SubprocessError``)."""


def _run(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, timeout=2,  # noqa: S603
                          check=True).stdout


def tmux_blocks_osc52(environ: Mapping[str, str] = os.environ, probe: Probe = _run) -> bool:
    """Whether we are inside tmux and its ``set-clipboard`` option is ``off``."""
    if not environ.get("TMUX"):
        return False
    try:
        value = probe(["tmux", "show", "-gv", "set-clipboard"])
    except (OSError, subprocess.SubprocessError):
        return False
    return value.strip() == "off"
