"""The filter expression language: its syntax tree and its parser.

One language serves every source. An expression is space-separated terms, all of which must
match::

    level=error service:api -kind=event status>=500 time>-5m url~"^/v1/(users|orgs)" timeout

=============================  ==============================================================
``field:value``                contains, case-insensitive
``field=value``                equals the whole value, case-insensitive (numbers as numbers)
``field!=value``               does not equal (also matches entries without the field)
``field^=value``               starts with, case-insensitive
``field$=value``               ends with, case-insensitive
``field>n`` ``>=`` ``<`` ``<=``  numbers, or times: ``2024-06-12T14:00:00Z``, ``14:30`` or
                               ``14:30:15`` (today, local time; the dashboard reads it in the
                               zone it shows), ``-5m`` ``-2h`` ``-1d`` (ago)
``field~regex``                regular expression search, case-insensitive
``field:a,b`` ``field=a,b``    any of the values (``=a,b`` is "is in"); ``!=a,b`` none of them
``-term``                      excludes what ``term`` matches
``word`` ``"two words"``       case-insensitive search anywhere in the raw entry text
``~regex``                     regular expression search in the raw entry text
=============================  ==============================================================

Values may be double-quoted to hold spaces, commas or quotes (``\\"`` and ``\\\\`` escape
inside quotes); ``field:"a,b"`` is one value. Field names may be dotted paths
(``device.name``, ``data.durationMs``) and are resolved per source by
:mod:`logtui.core.fields`. A field that holds an object or a list matches when any value inside
it matches. A word that looks like ``name:rest`` is a field term: quote it (``"http://x"``) to
search for it as text.

:func:`parse` raises only :class:`~logtui.core.errors.FilterSyntaxError`, always with a
0-based position inside the expression.
"""

from __future__ import annotations

import enum
import math
import re
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from logtui.core.errors import FilterSyntaxError

__all__ = ["Comparand", "ComparandKind", "FilterExpr", "Op", "Term", "parse"]


class Op(enum.StrEnum):
    """A term's operator, spelled as in the expression."""

    CONTAINS = ":"
    EQ = "="
    NE = "!="
    STARTS = "^="
    ENDS = "$="
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    REGEX = "~"
    WORD = ""
    """A bare word or quoted phrase, searched in the raw text."""


COMPARISONS: Final = frozenset({Op.GT, Op.GE, Op.LT, Op.LE})
"""Operators that take one number or time."""
LIST_OPS: Final = frozenset({Op.CONTAINS, Op.EQ, Op.NE, Op.STARTS, Op.ENDS})
"""Operators that take one or more comma-separated values."""

# Longest spellings first so ``>=`` is not read as ``>`` followed by ``=value``.
_OPERATORS: Final = (Op.NE, Op.GE, Op.LE, Op.STARTS, Op.ENDS, Op.EQ, Op.CONTAINS, Op.GT, Op.LT)
_FIELD = re.compile(r"[A-Za-z_@][\w.@-]*")
NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
"""A decimal number as written in an expression (no ``nan``, ``inf`` or ``_``)."""
_RELATIVE = re.compile(r"-(\d+(?:\.\d+)?)([smhdw])")
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?")
_UNIT_SECONDS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class ComparandKind(enum.StrEnum):
    """How a comparison's operand is read."""

    NUMBER = "number"
    TIME = "time"
    """An absolute time; ``value`` is Unix seconds."""
    AGO = "ago"
    """A time relative to now; ``value`` is the (negative) offset in seconds."""
    TIME_OF_DAY = "time-of-day"
    """A local time today; ``value`` is seconds since local midnight."""


@dataclass(frozen=True, slots=True)
class Comparand:
    """The operand of ``>``, ``>=``, ``<``, ``<=``: a number or a point in time."""

    kind: ComparandKind
    value: float

    @property
    def is_time(self) -> bool:
        """Whether entries' values are read as timestamps for this comparison."""
        return self.kind is not ComparandKind.NUMBER

    def resolve(self, now: float) -> float:
        """The number to compare with: the number itself, or Unix seconds given ``now``."""
        if self.kind is ComparandKind.AGO:
            return now + self.value
        if self.kind is ComparandKind.TIME_OF_DAY:
            midnight = datetime.fromtimestamp(now).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            return midnight.timestamp() + self.value
        return self.value


@dataclass(frozen=True, slots=True)
class Term:
    """One space-separated condition of an expression."""

    field: str | None
    """The field name as typed, or None for a search in the raw text (bare word, ``~regex``)."""
    op: Op
    values: tuple[str, ...]
    """The values as written, unquoted; several for ``field:a,b``."""
    negated: bool
    start: int
    """Where the term (including its ``-``) starts in the expression."""
    end: int
    """Where the term ends (exclusive)."""
    text: str
    """The term as typed, for showing where it is applied."""
    comparand: Comparand | None = None
    """The parsed operand of a comparison."""


@dataclass(frozen=True, slots=True)
class FilterExpr:
    """A parsed expression: terms that must all match. No terms matches everything."""

    source: str
    terms: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        """Whether the expression has no terms (it matches every entry)."""
        return not self.terms


def parse(expression: str) -> FilterExpr:
    """Parse a filter expression; raises FilterSyntaxError (with a position) and nothing else."""
    return FilterExpr(expression, tuple(_Parser(expression).terms()))


class _Parser:
    """A hand-written scanner over one expression; positions are 0-based string indexes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.size = len(text)
        self.pos = 0

    def error(self, message: str, position: int) -> FilterSyntaxError:
        position = min(max(position, 0), max(self.size - 1, 0))
        return FilterSyntaxError(f"{message} (column {position + 1})", position)

    def at_boundary(self, index: int) -> bool:
        return index >= self.size or self.text[index].isspace()

    def terms(self) -> list[Term]:
        terms: list[Term] = []
        while True:
            while self.pos < self.size and self.text[self.pos].isspace():
                self.pos += 1
            if self.pos >= self.size:
                return terms
            terms.append(self.term())

    def term(self) -> Term:
        start = self.pos
        negated = False
        if self.text[start] == "-":
            if self.at_boundary(start + 1):
                raise self.error("'-' must be followed by the term to exclude", start)
            if self.text[start + 1] == "-":
                raise self.error(
                    "one '-' excludes a term; quote a word that starts with '-'", start
                )
            negated = True
            self.pos += 1
        field, op, values, comparand = self.body()
        return Term(
            field=field,
            op=op,
            values=values,
            negated=negated,
            start=start,
            end=self.pos,
            text=self.text[start : self.pos],
            comparand=comparand,
        )

    def body(self) -> tuple[str | None, Op, tuple[str, ...], Comparand | None]:
        begin = self.pos
        char = self.text[begin]
        if char == '"':
            phrase = self.quoted()
            self.expect_boundary("a space after the closing quote")
            return None, Op.WORD, (phrase,), None
        if char == "~":
            self.pos += 1
            return None, Op.REGEX, (self.regex(begin),), None
        match = _FIELD.match(self.text, begin)
        if match is not None:
            op = self.operator_at(match.end())
            if op is not None:
                field = match.group()
                op_pos = match.end()
                self.pos = op_pos + len(op.value)
                if op in COMPARISONS:
                    return field, op, *self.comparison(field, op, op_pos)
                if op is Op.REGEX:
                    return field, op, (self.regex(op_pos),), None
                return field, op, self.value_list(field, op, op_pos), None
        end = begin
        while not self.at_boundary(end):
            end += 1
        self.pos = end
        return None, Op.WORD, (self.text[begin:end],), None

    def operator_at(self, index: int) -> Op | None:
        for op in (*_OPERATORS, Op.REGEX):
            if self.text.startswith(op.value, index):
                return op
        return None

    def quoted(self) -> str:
        """Read a double-quoted string starting at ``pos``; leaves ``pos`` after the quote."""
        opening = self.pos
        index = opening + 1
        chars: list[str] = []
        while index < self.size:
            char = self.text[index]
            if char == "\\" and index + 1 < self.size:
                chars.append(self.text[index + 1])
                index += 2
                continue
            if char == '"':
                self.pos = index + 1
                return "".join(chars)
            chars.append(char)
            index += 1
        raise self.error("unterminated quote: add the closing '\"'", opening)

    def expect_boundary(self, what: str) -> None:
        if not self.at_boundary(self.pos):
            raise self.error(f"expected {what}", self.pos)

    def single_value(self, field: str | None, op: Op, op_pos: int) -> tuple[str, int]:
        """Read one value (quoted, or up to the next space) and return it with its position."""
        begin = self.pos
        if self.at_boundary(begin):
            raise self.error(f"missing value after '{field or ''}{op.value}'", op_pos)
        if self.text[begin] == '"':
            value = self.quoted()
            self.expect_boundary("a space after the closing quote")
            return value, begin
        end = begin
        while not self.at_boundary(end):
            end += 1
        self.pos = end
        return self.text[begin:end], begin

    def value_list(self, field: str, op: Op, op_pos: int) -> tuple[str, ...]:
        values: list[str] = []
        while True:
            begin = self.pos
            if self.at_boundary(begin):
                if values:
                    raise self.error("missing value after ','", begin - 1)
                raise self.error(f"missing value after '{field}{op.value}'", op_pos)
            if self.text[begin] == ",":
                raise self.error("empty value before ','", begin)
            if self.text[begin] == '"':
                values.append(self.quoted())
            else:
                end = begin
                while not self.at_boundary(end) and self.text[end] != ",":
                    end += 1
                values.append(self.text[begin:end])
                self.pos = end
            if self.at_boundary(self.pos):
                return tuple(values)
            if self.text[self.pos] != ",":
                raise self.error("expected a space or ',' after the closing quote", self.pos)
            self.pos += 1

    def regex(self, op_pos: int) -> str:
        pattern, begin = self.single_value(None, Op.REGEX, op_pos)
        try:
            with warnings.catch_warnings():
                # "Possible nested set" and similar hints would reach the user's terminal.
                warnings.simplefilter("ignore")
                re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            offset = exc.pos if exc.pos is not None else 0
            raise self.error(f"invalid regular expression: {exc.msg}", begin + offset) from None
        except (OverflowError, RecursionError, ValueError):
            raise self.error("invalid regular expression", begin) from None
        return pattern

    def comparison(self, field: str, op: Op, op_pos: int) -> tuple[tuple[str, ...], Comparand]:
        text, begin = self.single_value(field, op, op_pos)
        comparand = _comparand(text)
        if comparand is None:
            raise self.error(
                f"'{field}{op.value}' needs a number or a time (2024-06-12T14:00:00Z, 14:30, -5m)",
                begin,
            )
        return (text,), comparand


def _comparand(text: str) -> Comparand | None:
    """Read a comparison operand: a number, a relative time, a time of day or an ISO time."""
    if NUMBER.fullmatch(text):
        number = float(text)
        return Comparand(ComparandKind.NUMBER, number) if math.isfinite(number) else None
    relative = _RELATIVE.fullmatch(text)
    if relative is not None:
        amount, unit = relative.groups()
        return Comparand(ComparandKind.AGO, -float(amount) * _UNIT_SECONDS[unit])
    clock = _TIME_OF_DAY.fullmatch(text)
    if clock is not None:
        hours, minutes, seconds = clock.groups()
        hour, minute, second = int(hours), int(minutes), float(seconds or 0)
        if hour > 23 or minute > 59 or second >= 60:
            return None
        return Comparand(ComparandKind.TIME_OF_DAY, hour * 3600 + minute * 60 + second)
    if len(text) > 64 or "-" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    try:
        return Comparand(ComparandKind.TIME, moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return None
