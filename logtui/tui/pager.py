"""Reading one entry in the user's pager (``o``), with the dashboard suspended meanwhile.

The entry is written as pretty JSON to a private temporary file, which ``$PAGER`` (else
``$EDITOR``, else ``less``) opens; the file is removed when the pager exits. JSON escapes every
control character, and a non-JSON payload is sanitised, so the pager never receives an escape
sequence from the wire.
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from logtui.core.models import Entry
from logtui.core.sanitize import safe_text

__all__ = ["FALLBACK", "entry_document", "pager_command", "show_in_pager"]

FALLBACK = "less"
"""The pager when neither ``$PAGER`` nor ``$EDITOR`` is set."""

Runner = Callable[[Sequence[str]], object]
"""Runs a command and waits for it (``subprocess.run`` in the app)."""


def pager_command(environ: Mapping[str, str] = os.environ) -> list[str]:
    """``$PAGER``, else ``$EDITOR``, else ``less``, split as a shell would split it."""
    for name in ("PAGER", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                continue
            if words:
                return words
    return [FALLBACK]


def entry_document(entry: Entry) -> str:
    """What the pager shows: the payload as indented JSON, or its sanitised text."""
    if entry.is_json:
        try:
            return json.dumps(entry.data, indent=2, ensure_ascii=False, default=str) + "\n"
        except (TypeError, ValueError):
            pass
    return safe_text(entry.raw) + "\n"


def show_in_pager(entry: Entry, run: Runner, environ: Mapping[str, str] = os.environ) -> None:
    """Write the entry to a private temporary file and run the pager on it, then remove it."""
    descriptor, name = tempfile.mkstemp(prefix="logtui-entry-", suffix=".json")
    path = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(entry_document(entry))
        run([*pager_command(environ), str(path)])
    finally:
        path.unlink(missing_ok=True)
