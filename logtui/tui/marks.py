"""The entries the user marked (``m``), and the time between them.

A mark is on the entry, not on a row number, so it survives filtering, a reload that renumbers
rows, and rows scrolling away; an evicted entry's mark is forgotten with it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from logtui.core.eventtime import entry_seconds
from logtui.core.models import Entry

__all__ = ["Marks", "format_delta"]


class Marks:
    """A set of marked entries (by identity: entries are mutable, so not hashable)."""

    def __init__(self) -> None:
        self._entries: dict[int, Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, entry: object) -> bool:
        return self._entries.get(id(entry)) is entry

    def toggle(self, entry: Entry) -> bool:
        """Mark an unmarked entry or unmark a marked one; returns whether it is marked now."""
        if entry in self:
            del self._entries[id(entry)]
            return False
        self._entries[id(entry)] = entry
        return True

    def forget_before(self, seq: int) -> None:
        """Forget the marks of entries numbered below ``seq`` (evicted from the buffer)."""
        if any(entry.seq < seq for entry in self._entries.values()):
            self._entries = {key: entry for key, entry in self._entries.items()
                             if entry.seq >= seq}

    def clear(self) -> None:
        """Forget every mark."""
        self._entries.clear()

    def indexes(self, view: Sequence[Entry]) -> list[int]:
        """The view indexes of the marked entries the view holds, in order."""
        found: list[int] = []
        for entry in self._entries.values():
            index = bisect.bisect_left(view, entry.seq, key=lambda item: item.seq)
            if index < len(view) and view[index] is entry:
                found.append(index)
        return sorted(found)

    def jump(self, view: Sequence[Entry], index: int | None, *, forward: bool) -> int | None:
        """The view index of the next (or previous) marked entry after ``index`` (from the
        start, or the end, when ``index`` is None); ``None`` if there is none."""
        marked = self.indexes(view)
        if forward:
            start = -1 if index is None else index
            return next((i for i in marked if i > start), None)
        start = len(view) if index is None else index
        return next((i for i in reversed(marked) if i < start), None)

    def nearest_above(self, entry: Entry) -> Entry | None:
        """The newest marked entry older than ``entry``, to measure time from."""
        older = [marked for marked in self._entries.values() if marked.seq < entry.seq]
        if older:
            return max(older, key=lambda marked: marked.seq)
        return None

    def delta(self, entry: Entry) -> float | None:
        """Seconds from the nearest mark above ``entry`` to ``entry``, if both have a time."""
        mark = self.nearest_above(entry)
        if mark is None:
            return None
        start, end = entry_seconds(mark), entry_seconds(entry)
        if start is None or end is None:
            return None
        return end - start


def format_delta(seconds: float) -> str:
    """A time difference a person reads at a glance: ``+0.250 s``, ``+2 m 03.5 s``, ``-1 h 2 m``."""
    sign = "-" if seconds < 0 else "+"
    rest = abs(seconds)
    if rest < 60:
        return f"{sign}{rest:.3f} s"
    if rest < 3600:
        minutes, secs = divmod(rest, 60)
        return f"{sign}{int(minutes)} m {secs:04.1f} s"
    hours, rest = divmod(rest, 3600)
    return f"{sign}{int(hours)} h {int(rest // 60)} m"
