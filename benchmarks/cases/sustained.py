"""Case placeholder: sustained (filled in as the dashboard lands)."""

from __future__ import annotations

from benchmarks.context import RunContext
from benchmarks.report import Row, unavailable


def run(ctx: RunContext) -> list[Row]:
    """Not written yet."""
    return [unavailable("sustained", "sustained", "-", "lower", "not written yet")]
