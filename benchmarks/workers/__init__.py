"""Child-process workers: each measures one thing inside logtui and prints one JSON line.

A worker exits with ``UNAVAILABLE_EXIT`` and a one-line reason on stderr when the parts it
measures have not landed, so the harness can report "not available" instead of failing.
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

from benchmarks.measure import UNAVAILABLE_EXIT


def not_available(reason: str) -> NoReturn:
    """Exit saying the measured parts are missing."""
    print(reason, file=sys.stderr)
    raise SystemExit(UNAVAILABLE_EXIT)


def emit(result: dict[str, object]) -> None:
    """Print the worker's result as the last line of stdout."""
    print(json.dumps(result), flush=True)
