"""When the dashboard itself fails: a report in a private file, one line on stderr, exit 1.

Textual's own handling prints a traceback with each frame's local variables once the screen is
restored, and a local variable may hold a token or a request header; it then leaves the exit
code to the caller, which made a crash look like success. Here the app keeps a report without
local variables (:func:`report_text`), and :func:`write_report` saves it, secrets scrubbed and
control characters made visible, in the state directory as ``crash-<time>-<pid>.txt``.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from logtui import __version__
from logtui.core.paths import state_dir
from logtui.core.redact import scrub
from logtui.core.sanitize import safe_line, safe_text
from logtui.core.secrets import Secret

CRASH_EXIT: Final = 1
"""The exit code after an unexpected error (the README's "1 an unexpected error")."""


def report_text(error: BaseException) -> str:
    """The error and its traceback, file and line of each frame, without local variables."""
    return "".join(traceback.format_exception(error))


def write_report(
    details: str,
    *,
    secrets: Iterable[str | Secret | None] = (),
    directory: Path | None = None,
) -> Path:
    """Save a crash report (mode 0600) and return its path; raises ``OSError`` if it cannot."""
    folder = directory if directory is not None else state_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    path = folder / f"crash-{stamp}-{os.getpid()}.txt"
    header = (
        f"logtui {__version__} stopped on an unexpected error at {stamp} UTC\n"
        f"python {platform.python_version()} on {sys.platform}\n\n"
    )
    text = safe_text(scrub(header + details, *secrets))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return path


def report_crash(details: str, *, secrets: Iterable[str | Secret | None] = ()) -> int:
    """Save the report, say on stderr where it is (or why it is not saved), return 1."""
    secrets = tuple(secrets)
    first = details.strip().splitlines()[-1] if details.strip() else "unknown error"
    summary = safe_line(scrub(first, *secrets))[:200]
    try:
        path = write_report(details, secrets=secrets)
    except OSError as error:
        reason = safe_line(error.strerror or type(error).__name__)
        print(f"logtui: stopped on an unexpected error: {summary}", file=sys.stderr)
        print(f"logtui: could not write a crash report ({reason})", file=sys.stderr)
        return CRASH_EXIT
    print(
        f"logtui: stopped on an unexpected error: {summary}\n"
        f"logtui: crash report written to {safe_line(str(path))}",
        file=sys.stderr,
    )
    return CRASH_EXIT
