"""Where resume points live between runs, so a restarted logtui continues where it stopped.

One small JSON file per source, URL and filter set, in the state directory
(:func:`logtui.core.paths.state_dir`) or ``--state-dir``. Writes are
atomic (a temporary file in the same directory, fsync, ``os.replace``), so a crash or a full
disk leaves the previous resume point intact, never a torn file. Files are created 0600 in a
0700 directory. Nothing secret is stored or hashed: user info and credential-like query
parameters are stripped from URLs first, even though callers should already pass clean URLs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from logtui.core.errors import ConfigError
from logtui.core.private_file import write_private
from logtui.core.redact import scrub_url

__all__ = ["StateDirectoryError", "StateStore"]

_FORMAT: Final = 1
_KEY_SHAPE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")
_SLUG_JUNK: Final = re.compile(r"[^a-z0-9]+")
class StateDirectoryError(ConfigError, OSError):
    """The state directory cannot be created, read or written.

    A ``ConfigError`` (the user fixes it with ``--state-dir``, exit 2) that is also an
    ``OSError``, so code that treats a failed save as a warning keeps doing so.
    """

    def __init__(self, directory: Path, error: OSError) -> None:
        reason = (error.strerror or type(error).__name__).lower()
        message = (
            f"cannot use the state directory {directory} ({reason}); "
            "choose a writable one with --state-dir"
        )
        OSError.__init__(self, error.errno, message)
        self.directory = directory

    def __str__(self) -> str:
        return str(self.strerror)


class StateStore:
    """Loads and saves one JSON mapping per resume key (see ``key``) in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory).expanduser()
        """Where the state files live; created (0700) on first save."""

    @staticmethod
    def key(kind: str, url: str, filters: Mapping[str, str]) -> str:
        """A stable, filename-safe key for one source kind, URL and set of server filters.

        Readable at the front (kind and host), a hash of everything at the back; the order of
        ``filters`` does not matter, and secrets in the URL never reach the hash.
        """
        clean = scrub_url(url)
        identity = json.dumps(
            {
                "kind": str(kind),
                "url": clean,
                "filters": sorted((str(name), str(value)) for name, value in filters.items()),
            },
            separators=(",", ":"),
            sort_keys=True,
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        try:
            host = urlsplit(clean).hostname or "local"
        except ValueError:
            host = "local"
        slug = _SLUG_JUNK.sub("-", f"{kind}-{host}".lower()).strip("-")[:60] or "source"
        return f"{slug}-{digest}"

    def load(self, key: str) -> dict[str, Any] | None:
        """The saved state for ``key``, or None if there is none (or it is unreadable JSON)."""
        path = self._path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            return None
        except OSError as error:
            raise StateDirectoryError(self.directory, error) from error
        try:
            document = json.loads(text)
        except ValueError:
            return None
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            return None
        state = document.get("state")
        return state if isinstance(state, dict) else None

    def save(self, key: str, state: Mapping[str, Any]) -> None:
        """Replace the state for ``key`` atomically (temporary file, fsync, ``os.replace``)."""
        path = self._path(key)
        scrubbed = {
            name: scrub_url(value)
            if isinstance(value, str) and (name == "url" or name.endswith("_url"))
            else value
            for name, value in state.items()
        }
        payload = json.dumps({"format": _FORMAT, "state": scrubbed}, sort_keys=True)
        try:
            self._ensure_directory()
            write_private(path, payload)
        except OSError as error:
            if isinstance(error, StateDirectoryError):
                raise
            raise StateDirectoryError(self.directory, error) from error

    def check_writable(self) -> None:
        """Fail early, with a message naming ``--state-dir``, if saving would fail later."""
        try:
            self._ensure_directory()
            descriptor, name = tempfile.mkstemp(prefix=".probe-", dir=self.directory)
            os.close(descriptor)
            os.unlink(name)
        except OSError as error:
            raise StateDirectoryError(self.directory, error) from error

    def _path(self, key: str) -> Path:
        if not _KEY_SHAPE.fullmatch(key):
            raise ValueError(f"not a state key: {key[:40]!r}")
        return self.directory / f"{key}.json"

    def _ensure_directory(self) -> None:
        if not self.directory.is_dir():
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
