"""Writing the filtered view to an NDJSON file, atomically.

Each JSON entry is written as its original payload text, unchanged; a text entry as its parsed
form (``{"message": ...}``) so every line is JSON. The file appears complete or not at all: the
lines go to a temporary file beside the target, which is flushed to disk and then renamed over
it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from logtui.core.errors import ConfigError
from logtui.core.models import Entry


def export_line(entry: Entry) -> str:
    """One entry as one NDJSON line (without the newline)."""
    if entry.is_json and "\n" not in entry.raw and "\r" not in entry.raw:
        return entry.raw
    return json.dumps(dict(entry.data), ensure_ascii=False, separators=(",", ":"), default=str)


def write_ndjson(path: Path, entries: Iterable[Entry]) -> int:
    """Write ``entries`` to ``path`` atomically; returns how many were written.

    Raises ConfigError with a one-line reason if the file cannot be written.
    """
    target = path.expanduser()
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ConfigError(f"cannot export: directory {directory} does not exist")
    count = 0
    # Not mkstemp: its 0600 mode would stick to the export; "x" honours the umask like any file.
    temporary = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        stream = open(temporary, "x", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as error:
        raise ConfigError(f"cannot export to {target}: {error.strerror}") from None
    try:
        with stream:
            for entry in entries:
                stream.write(export_line(entry))
                stream.write("\n")
                count += 1
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ConfigError(f"cannot export to {target}: {error.strerror}") from None
    return count
