"""A chunk's live entries kept as columns until something reads an entry.

Headless NDJSON writes each payload's original text and the engine reads only keys and event
ids, so building an :class:`~logtui.core.models.Entry` (and a lazy payload) for each of them
is most of what is left of logtui's own work per entry. An :class:`EntryBatch` holds the texts,
event ids and keys as lists; the engine de-duplicates from the key list and the NDJSON sink
writes the text list. Anything else that reads an entry (the dashboard, a filter, a tagging
sink) gets ordinary entries, built all at once on first access and kept, so every reader sees
the same objects and a change one of them makes (a source name) is seen by the next.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import Any, overload

from logtui.core.models import Entry, Origin
from logtui.core.payload import LazyObject

__all__ = ["EntryBatch"]

_LIVE: Origin = "live"


class EntryBatch(Sequence[Entry]):
    """Live entries whose payloads are checked JSON objects, as columns (see module doc).

    Every entry is ``Entry(raw=text, data=LazyObject(text), origin="live", event_id=...,
    key=..., received_at=...)``: what :meth:`SSESource._decode` builds for such payloads.
    """

    __slots__ = ("_entries", "event_ids", "keys", "one_line", "received_at", "texts")

    def __init__(
        self,
        texts: Sequence[str],
        event_ids: Sequence[str | None],
        keys: list[str | None] | None,
        *,
        one_line: bool = False,
    ) -> None:
        self.texts = texts
        """Each payload's text, unchanged."""
        self.one_line = one_line
        """True when it is known that no text holds a line break (False: not known)."""
        self.event_ids = event_ids
        """Each entry's event id (None: none)."""
        self.keys = keys
        """Each entry's key; None when the API has no key field (every key is None)."""
        self.received_at = 0.0
        self._entries: list[Entry] | None = None

    @property
    def untouched(self) -> bool:
        """Whether no entry was built yet: the columns are then all there is to read."""
        return self._entries is None

    @property
    def entries(self) -> list[Entry]:
        """The entries themselves, built now if they were not yet."""
        entries = self._entries
        if entries is None:
            texts = self.texts
            keys: Any = repeat(None) if self.keys is None else self.keys
            entries = self._entries = list(map(
                Entry, texts, map(LazyObject, texts), repeat(_LIVE), self.event_ids, keys,
                repeat(self.received_at),
            ))
        return entries

    def backwards(self) -> Iterator[Entry]:
        """The entries from the last one back. A batch not built yet stays unbuilt: each is
        made as it is reached, for a reader of the batch's tail only (the newest time)."""
        if self._entries is not None:
            return reversed(self._entries)
        return self._made_backwards()

    def _made_backwards(self) -> Iterator[Entry]:
        texts, event_ids, keys = self.texts, self.event_ids, self.keys
        for index in range(len(texts) - 1, -1, -1):
            text = texts[index]
            yield Entry(text, LazyObject(text), _LIVE, event_ids[index],
                        None if keys is None else keys[index], self.received_at)

    def stamp(self, received_at: float) -> None:
        """Set every entry's arrival time."""
        self.received_at = received_at
        if self._entries is not None:
            for entry in self._entries:
                entry.received_at = received_at

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        return self.entries[index]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntryBatch):
            other = other.entries
        if isinstance(other, list | tuple):
            return self.entries == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EntryBatch({self.entries!r})"
