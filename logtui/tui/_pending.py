"""Temporary stand-ins for core modules that have not landed yet (removed once they do)."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from logtui.core.models import Entry, SourceKind

_BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str) -> str:
    return _BAD.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else "�", text)


def safe_line(text: str) -> str:
    return safe_text(text.replace("\n", "↵").replace("\t", " "))


@dataclass
class StatsSnapshot:
    per_second: list[int] = field(default_factory=list)
    total: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)


class StatsTracker:
    def __init__(self, kind: SourceKind, clock: Callable[[], float] = time.time) -> None:
        self.kind = kind
        self.clock = clock
        self.levels: Counter[str] = Counter()
        self.total = 0

    def add(self, entries: Iterable[Entry]) -> None:
        for e in entries:
            self.total += 1
            self.levels[str(e.data.get("level", e.data.get("status", "")))] += 1

    def reset(self, entries: Iterable[Entry]) -> None:
        self.levels.clear()
        self.total = 0
        self.add(entries)

    def snapshot(self) -> StatsSnapshot:
        return StatsSnapshot([1, 2, 3], self.total, dict(self.levels))
