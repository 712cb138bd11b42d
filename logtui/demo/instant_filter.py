"""Instant Logs job filters: parse ``{"where": {"and": [{key, operator, value}]}}`` and apply
them to records server-side, with every documented operator.

Accepted shapes: a node is ``{"where": node}``, ``{"and": [node, ...]}``, ``{"or": [...]}``
or a condition ``{"key": K, "operator": OP, "value": V}``. Keys are the ten filterable fields;
operators are eq, neq, gt, geq, lt, leq, startsWith, endsWith, contains and in as documented,
and the service's negations ``!eq`` (its spelling of neq), ``!in``, ``!startsWith``,
``!endsWith`` and ``!contains`` (names are matched without regard to case, as the document
spells ``In`` and ``in``). ``in`` takes a comma-separated string or a list. Numeric fields
compare as numbers; list fields (SecurityActions, SecurityRuleIDs) match when any element does
(a negation: when none does).

``strict`` checks as the service does: ``where`` is required at the top, ``neq`` is refused,
``in`` needs an array, and a filter holds at most :data:`MAX_OPERATORS` operators in
:data:`MAX_FILTER_BYTES` bytes.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from typing import Any, Final

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

KEYS: Final = frozenset({
    "ClientASN", "CacheCacheStatus", "ClientCountry", "ClientIP", "ClientRequestHost",
    "ClientRequestMethod", "ClientRequestPath", "EdgeResponseStatus", "SecurityActions",
    "SecurityRuleIDs",
})
_NUMERIC: Final = frozenset({"ClientASN", "EdgeResponseStatus"})
_LISTS: Final = frozenset({"SecurityActions", "SecurityRuleIDs"})
_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "eq": operator.eq, "gt": operator.gt, "geq": operator.ge, "lt": operator.lt,
    "leq": operator.le,
}
_TEXT: Final[dict[str, Callable[[str, str], bool]]] = {
    "startswith": str.startswith, "endswith": str.endswith, "contains": operator.contains,
}
_POSITIVE: Final = frozenset({*_ORDER, *_TEXT, "in"})
OPERATORS: Final = frozenset({*_POSITIVE, "neq", "!eq", "!in", "!startswith", "!endswith",
                              "!contains"})
MAX_OPERATORS: Final = 30
MAX_FILTER_BYTES: Final = 1000


class FilterError(ValueError):
    """A job filter the API rejects; the message says what to fix."""


def compile_filter(source: str | dict[str, Any] | None, *, strict: bool = False) -> Predicate:
    """A predicate for the job's ``filter`` (an empty filter keeps everything)."""
    if source is None or source == "":
        return lambda record: True
    if strict and isinstance(source, str) and len(source.encode("utf-8")) > MAX_FILTER_BYTES:
        raise FilterError(f"filter is longer than {MAX_FILTER_BYTES} bytes")
    if isinstance(source, str):
        try:
            tree = json.loads(source)
        except (ValueError, RecursionError):
            raise FilterError("filter is not valid JSON") from None
    else:
        tree = source
    if strict and not (isinstance(tree, dict) and set(tree) == {"where"}):
        raise FilterError('filter must be {"where": ...}')
    counter = [0]
    try:
        return _node(tree, strict, counter)
    except RecursionError:
        raise FilterError("filter is nested too deeply") from None


def _node(node: Any, strict: bool, counter: list[int]) -> Predicate:
    if not isinstance(node, dict):
        raise FilterError("each filter node must be a JSON object")
    if "where" in node and len(node) == 1:
        return _node(node["where"], strict, counter)
    for name, combine in (("and", all), ("or", any)):
        if name in node and len(node) == 1:
            items = node[name]
            if not isinstance(items, list) or not items:
                raise FilterError(f"filter '{name}' needs a non-empty list")
            parts = [_node(item, strict, counter) for item in items]
            return lambda record, parts=parts, combine=combine: combine(  # type: ignore[misc]
                part(record) for part in parts
            )
    if {"key", "operator"} <= set(node):
        counter[0] += 1
        if strict and counter[0] > MAX_OPERATORS:
            raise FilterError(f"filter has more than {MAX_OPERATORS} operators")
        return _condition(node.get("key"), node.get("operator"), node.get("value"), strict)
    raise FilterError("a filter node must be where, and, or, or {key, operator, value}")


def _condition(key: Any, op: Any, value: Any, strict: bool) -> Predicate:
    if key not in KEYS:
        raise FilterError(f"filter key {key!r} is not one of {', '.join(sorted(KEYS))}")
    name = str(op).lower()
    if name not in OPERATORS or (strict and name == "neq"):
        raise FilterError(
            f"filter operator {op!r} is not one of eq, !eq, gt, geq, lt, leq, startsWith,"
            " endsWith, !startsWith, !endsWith, contains, !contains, in, !in"
            + ("" if strict else ", neq")
        )
    if strict and name in ("in", "!in") and not isinstance(value, list):
        raise FilterError(f"filter operator {op!r} takes an array of values")
    negated = name == "neq" or name.startswith("!")
    positive = "eq" if name == "neq" else name.lstrip("!")
    test = _test(str(key), positive, value)
    if key in _LISTS:
        def any_item(record: Record) -> bool:
            return any(test(item) for item in record.get(key) or [])

        if negated:
            return lambda record: not any_item(record)
        return any_item
    if negated:
        return lambda record: not test(record.get(key))
    return lambda record: test(record.get(key))


def _test(key: str, name: str, value: Any) -> Callable[[Any], bool]:
    numeric = key in _NUMERIC
    if name == "in":
        items = value if isinstance(value, list) else str(value).split(",")
        wanted = {_coerce(key, item, numeric) for item in items}
        return lambda actual: actual in wanted
    if name in _TEXT:
        text_test = _TEXT[name]
        needle = str(value)
        return lambda actual: actual is not None and text_test(str(actual), needle)
    target = _coerce(key, value, numeric)
    compare = _ORDER[name]

    def ordered(actual: Any) -> bool:
        if actual is None:
            return False
        try:
            return compare(actual, target)
        except TypeError:
            return False

    return ordered


def _coerce(key: str, value: Any, numeric: bool) -> Any:
    if not numeric:
        return str(value).strip() if isinstance(value, str) else str(value)
    try:
        number = float(str(value).strip())
    except ValueError:
        raise FilterError(f"filter value {value!r} for {key} must be a number") from None
    return int(number) if number.is_integer() else number
