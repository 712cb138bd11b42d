"""The settings of one harness run, shared by every case."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import ROOT

RESULTS_DIR = ROOT / "benchmarks" / "results"
"""Where runs write JSON and profiles; git-ignored."""


@dataclass(slots=True)
class RunContext:
    """How hard to push: ``quick`` shrinks every case so the whole run takes under a minute."""

    quick: bool = False
    reps: int = 3
    install_peers: bool = True
    results_dir: Path = RESULTS_DIR
    buffer: int | None = None
    """Entries the GC-pause case holds (``--buffer``); None for the case's default."""
    extras: dict[str, object] = field(default_factory=dict)
    """Anything a case wants in the JSON besides its rows (profiles, settings)."""

    def scale(self, full: int, quick: int) -> int:
        """Pick the full-run or quick-run size of something."""
        return quick if self.quick else full

    def seconds(self, full: float, quick: float) -> float:
        """Pick the full-run or quick-run duration of something."""
        return quick if self.quick else full
