"""Compiling a parsed expression into a fast predicate over entries.

Every term becomes one small closure with its values prepared up front (lower-cased needles,
parsed numbers, compiled regexes, resolved times), so a new filter over a full buffer of
100,000 entries applies well within a frame budget. Predicates never raise on hostile data:
a value of the wrong type simply does not match.
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from logtui.core.eventtime import epoch_seconds
from logtui.core.fields import TIME, FieldResolver
from logtui.core.filters.in_place import Finder, in_place
from logtui.core.filters.screen import ScreenedPredicate, screen_for
from logtui.core.filters.syntax import NUMBER, FilterExpr, Op, Term
from logtui.core.models import Entry

__all__ = ["Predicate", "compile_predicate", "match_all"]

Predicate = Callable[[Entry], bool]
"""A filter over entries."""

_MAX_DEPTH: Final = 16
"""How deep into nested objects and lists a field value is searched."""

_SCALARS: Final = frozenset({int, float, bool})

ValueTest = Callable[[Any], bool]
"""Tests one scalar field value of any JSON type."""
TextTest = Callable[[str], bool]
"""Tests one string field value (the common case, kept free of type checks)."""


def match_all(entry: Entry) -> bool:
    """The predicate of an empty expression."""
    return True


def compile_predicate(
    expr: FilterExpr, fields: FieldResolver, *, now: float | None = None
) -> Predicate:
    """Build the predicate for ``expr``: all terms must match.

    Relative and time-of-day operands (``time>-5m``, ``time>14:30``) are fixed against ``now``
    (default: the current time) when the predicate is built.
    """
    if not expr.terms:
        return match_all
    moment = time.time() if now is None else now
    # All terms must match, so the order is free: cheap field tests first, text scans last.
    terms = sorted(expr.terms, key=_cost)
    tests = [_term_predicate(term, fields, moment) for term in terms]
    parts = tuple(
        (None if term.field is None else fields.plain_key(term.field), test)
        for term, test in zip(terms, tests, strict=True)
    )
    compares = {index: compare for index, term in enumerate(terms)
                if (compare := _column_compare(term, fields, moment)) is not None}
    texts = {index: (key, _string_test(term, moment))
             for index, (term, (key, _)) in enumerate(zip(terms, parts, strict=True))
             if key is not None and not term.negated and term.op is not Op.NE
             and term.comparand is None}
    finders = {index: finder for index in texts
               if (finder := _finder(terms[index])) is not None}
    return ScreenedPredicate(_all_terms(tests), screen_for(expr, fields), parts, compares,
                             texts, finders)


_FLIPPED: Final = {Op.GT: "__lt__", Op.GE: "__le__", Op.LT: "__gt__", Op.LE: "__ge__"}
"""``value OP bound`` as a method of the bound: ``value > bound`` is ``bound < value``."""


def _column_compare(term: Term, fields: FieldResolver,
                    now: float) -> tuple[str, Callable[[float], bool]] | None:
    """For a comparison with a number, the field's path and the test of a float value that
    :func:`_comparison_test` would give an entry whose field holds that value (a C method:
    a store maps it over a column); None for any other term.

    A time comparison reads the value as a timestamp, which is the value itself only for the
    event time's own column (kept only where that holds).
    """
    comparand = term.comparand
    if term.field is None or term.negated or comparand is None or term.op not in _FLIPPED:
        return None
    path = fields.canonical(term.field)
    if path != TIME and (comparand.is_time or not fields.reads_path(term.field)):
        return None
    bound = float(comparand.resolve(now))
    test: Callable[[float], bool] = getattr(bound, _FLIPPED[term.op])
    return path, test


def _all_terms(tests: list[Predicate]) -> Predicate:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda entry: first(entry) and second(entry)

    def all_terms(entry: Entry) -> bool:
        # A plain loop: all() over a generator costs a frame per entry on the hot path.
        for test in tests:  # noqa: SIM110
            if not test(entry):
                return False
        return True

    return all_terms


def _cost(term: Term) -> int:
    """A rough relative cost of testing one term, to run the cheap ones first."""
    if term.field is None:
        return 4 if term.op is Op.REGEX else 3
    if term.op is Op.REGEX or (term.comparand is not None and term.comparand.is_time):
        return 2
    return 1


def _term_predicate(term: Term, fields: FieldResolver, now: float) -> Predicate:
    test = _positive_predicate(term, fields, now)
    if term.negated:
        return lambda entry: not test(entry)
    return test


def _positive_predicate(term: Term, fields: FieldResolver, now: float) -> Predicate:
    if term.field is None:
        return _text_predicate(term)
    if term.op is Op.NE:
        equal = _on_field(fields, term.field, *_equals_tests(term.values))
        return lambda entry: not equal(entry)
    return _on_field(fields, term.field, *_value_tests(term, now))


def _text_predicate(term: Term) -> Predicate:
    """Bare words and ``~regex`` search the raw text as received."""
    if term.op is Op.REGEX:
        search = re.compile(term.values[0], re.IGNORECASE).search
        return lambda entry: search(entry.raw) is not None
    needle = term.values[0].lower()
    return lambda entry: needle in entry.raw.lower()


def _on_field(
    fields: FieldResolver, name: str, on_text: TextTest, on_value: ValueTest
) -> Predicate:
    """Apply the tests to a field: ``on_text`` for the usual string value (the fast path),
    ``on_value`` for any other scalar, and to every scalar inside an object or a list."""
    key = fields.plain_key(name)
    if key is not None:

        def by_key(entry: Entry) -> bool:
            value = entry.data.get(key)
            if value.__class__ is str:
                return on_text(value)
            return _other(value, on_value)

        return by_key
    getter = fields.getter(name)

    def by_getter(entry: Entry) -> bool:
        value = getter(entry)
        if value.__class__ is str:
            return on_text(value)
        return _other(value, on_value)

    return by_getter


def _other(value: Any, test: ValueTest) -> bool:
    if value is None:
        return False
    if value.__class__ in _SCALARS or not isinstance(value, list | Mapping):
        return test(value)
    return any(test(leaf) for leaf in _leaves(value, 0))


def _leaves(value: Any, depth: int) -> Iterator[Any]:
    """The scalar values inside nested lists and objects (object keys are not searched)."""
    if depth > _MAX_DEPTH:
        return
    items = value.values() if isinstance(value, Mapping) else value
    for item in items:
        if isinstance(item, list | Mapping):
            yield from _leaves(item, depth + 1)
        elif item is not None:
            yield item


def _text(value: Any) -> str:
    """A scalar as the text a person would search: ``true``/``false`` for booleans."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _value_tests(term: Term, now: float) -> tuple[TextTest, ValueTest]:
    """The term's test for a string value, and for any scalar value."""
    op = term.op
    if op is Op.EQ:
        return _equals_tests(term.values)
    if term.comparand is not None:
        test = _comparison_test(term, now)
        return test, test
    text_test = _text_test(term)
    return text_test, lambda value: text_test(_text(value))


def _string_test(term: Term, now: float) -> Callable[[str], object]:
    """The term's test of a string value for a store that reads one key's strings: truthy when
    the term passes (a regex's own ``search``, with no wrapper called per value)."""
    if term.op is Op.REGEX:
        return re.compile(term.values[0], re.IGNORECASE).search
    return _value_tests(term, now)[0]


_AS_REGEX: Final = {Op.EQ: r"\A(?:{})\Z", Op.STARTS: r"\A(?:{})", Op.ENDS: r"(?:{})\Z",
                    Op.CONTAINS: "(?:{})"}
"""A text term's string test as a case-insensitive regex over its values (each escaped)."""


def _finder(term: Term) -> Finder | None:
    """The test :func:`_string_test` gives ``term``, run on a text inside a buffer (a regex
    whose bytes form reads the text alike, see :func:`in_place`); None otherwise."""
    if term.op is Op.REGEX:
        source = term.values[0]
    elif term.op in _AS_REGEX:
        source = _AS_REGEX[term.op].format("|".join(map(re.escape, term.values)))
    else:
        return None
    return in_place(re.compile(source, re.IGNORECASE))


def _text_test(term: Term) -> TextTest:
    op = term.op
    if op is Op.REGEX:
        search = re.compile(term.values[0], re.IGNORECASE).search
        return lambda text: search(text) is not None
    needles = tuple(value.lower() for value in term.values)
    if op is Op.STARTS:
        return lambda text: text.lower().startswith(needles)
    if op is Op.ENDS:
        return lambda text: text.lower().endswith(needles)
    if len(needles) == 1:
        needle = needles[0]
        return lambda text: needle in text.lower()
    return lambda text: any(needle in text.lower() for needle in needles)


def _equals_tests(values: tuple[str, ...]) -> tuple[TextTest, ValueTest]:
    """Whole-value equality with any of ``values``: case-insensitive, numbers as numbers."""
    texts = frozenset(value.lower() for value in values)
    numbers = frozenset(float(value) for value in values if NUMBER.fullmatch(value))

    def text_equals(text: str) -> bool:
        return text.lower() in texts

    def equals(value: Any) -> bool:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value in numbers or _text(value).lower() in texts
        return _text(value).lower() in texts

    return text_equals, equals


def _comparison_test(term: Term, now: float) -> ValueTest:
    comparand = term.comparand
    assert comparand is not None
    bound = comparand.resolve(now)
    compare = _COMPARE[term.op]
    if comparand.is_time:

        def in_time_range(value: Any) -> bool:
            seconds = epoch_seconds(value)
            return seconds is not None and compare(seconds, bound)

        return in_time_range

    def in_range(value: Any) -> bool:
        if value.__class__ is int or value.__class__ is float:
            return compare(value, bound)
        number = _number(value)
        return number is not None and compare(number, bound)

    return in_range


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str) and len(value) < 64 and NUMBER.fullmatch(value.strip()):
            return float(value)
    except OverflowError:
        return None
    return None


_COMPARE: Final[Mapping[Op, Callable[[Any, Any], bool]]] = {
    Op.GT: operator.gt,
    Op.GE: operator.ge,
    Op.LT: operator.lt,
    Op.LE: operator.le,
}
