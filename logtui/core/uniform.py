"""A store column that holds one value in every row, in no memory per row.

The entry store keeps a column per coded key, number path and span key for every API
(:mod:`logtui.core.compact`), but a stream fills only some: proxy-logs has no ``domain``, no
``EdgeResponseStatus``, and one of ``data.durationMs`` and ``duration``. Such a column holds
the value of an absent field in every row: 2 to 8 bytes a row for nothing (22 bytes a row for
proxy-logs, 22 MB with 1,000,000 entries). :class:`Uniform` stands for such a column with just
its length, until a row brings another value: then :meth:`Uniform.filled` gives the real
``array`` to put in its place (:class:`~logtui.core.rows.Rows` does that as it appends).

It answers what the store's readers ask of a column (length, an item, a slice, iteration,
:meth:`tobytes`), the same as the ``array`` it stands for.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import Any, TypeAlias, overload

__all__ = ["Column", "Uniform"]


class Uniform:
    """``length`` rows of ``value`` (of the ``array`` type code ``typecode``)."""

    __slots__ = ("_length", "_unit", "typecode", "value")

    def __init__(self, typecode: str, value: Any, length: int = 0) -> None:
        self.typecode = typecode
        self.value = value
        self._unit = array(typecode, (value,)).tobytes()
        """The value's bytes: compared as bytes, so a NaN is equal to itself."""
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> array[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return array(self.typecode, repeat(self.value, len(range(*index.indices(
                self._length)))))
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("array index out of range")
        return self.value

    def __iter__(self) -> Iterator[Any]:
        return repeat(self.value, self._length)

    def __delitem__(self, index: slice) -> None:
        self._length -= len(range(*index.indices(self._length)))

    def tobytes(self) -> bytes:
        return self._unit * self._length

    def takes(self, value: Any) -> bool:
        """Whether a row of ``value`` keeps the column uniform."""
        return array(self.typecode, (value,)).tobytes() == self._unit

    def takes_all(self, values: array[Any]) -> bool:
        """Whether rows of ``values`` (an array of the same type) keep the column uniform."""
        return values.tobytes() == self._unit * len(values)

    def grow(self, count: int) -> None:
        """Add ``count`` rows of the value."""
        self._length += count

    def filled(self, values: Iterable[Any] = ()) -> array[Any]:
        """The real column: these rows, then ``values``."""
        column = array(self.typecode, self._unit * self._length)
        column.extend(values)
        return column


Column: TypeAlias = "array[Any] | Uniform"
"""A store column: a real ``array``, or one value in every row."""
