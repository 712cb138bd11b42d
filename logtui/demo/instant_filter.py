"""Instant Logs job filters: parse ``{"where": {"and": [{key, operator, value}]}}`` and apply
them to records server-side, with every documented operator.

Accepted shapes: a node is ``{"where": node}``, ``{"and": [node, ...]}``, ``{"or": [...]}``
or a condition ``{"key": K, "operator": OP, "value": V}``. Keys are the ten filterable fields;
operators are eq, neq, gt, geq, lt, leq, startsWith, endsWith, contains and in (names are
matched without regard to case, as the document spells ``In`` and ``in``). ``in`` takes a
comma-separated string or a list. Numeric fields compare as numbers; list fields
(SecurityActions, SecurityRuleIDs) match when any element does (``neq``: when none equals).
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
OPERATORS: Final = frozenset({*_ORDER, *_TEXT, "neq", "in"})


class FilterError(ValueError):
    """A job filter the API rejects; the message says what to fix."""


def compile_filter(source: str | dict[str, Any] | None) -> Predicate:
    """A predicate for the job's ``filter`` (an empty filter keeps everything)."""
    if source is None or source == "":
        return lambda record: True
    if isinstance(source, str):
        try:
            tree = json.loads(source)
        except (ValueError, RecursionError):
            raise FilterError("filter is not valid JSON") from None
    else:
        tree = source
    try:
        return _node(tree)
    except RecursionError:
        raise FilterError("filter is nested too deeply") from None


def _node(node: Any) -> Predicate:
    if not isinstance(node, dict):
        raise FilterError("each filter node must be a JSON object")
    if "where" in node and len(node) == 1:
        return _node(node["where"])
    for name, combine in (("and", all), ("or", any)):
        if name in node and len(node) == 1:
            items = node[name]
            if not isinstance(items, list) or not items:
                raise FilterError(f"filter '{name}' needs a non-empty list")
            parts = [_node(item) for item in items]
            return lambda record, parts=parts, combine=combine: combine(  # type: ignore[misc]
                part(record) for part in parts
            )
    if {"key", "operator"} <= set(node):
        return _condition(node.get("key"), node.get("operator"), node.get("value"))
    raise FilterError("a filter node must be where, and, or, or {key, operator, value}")


def _condition(key: Any, op: Any, value: Any) -> Predicate:
    if key not in KEYS:
        raise FilterError(f"filter key {key!r} is not one of {', '.join(sorted(KEYS))}")
    name = str(op).lower()
    if name not in OPERATORS:
        raise FilterError(
            f"filter operator {op!r} is not one of eq, neq, gt, geq, lt, leq, "
            "startsWith, endsWith, contains, in"
        )
    test = _test(str(key), name, value)
    if key in _LISTS:
        if name == "neq":
            return lambda record: not any(_test(key, "eq", value)(item)
                                          for item in record.get(key) or [])
        return lambda record: any(test(item) for item in record.get(key) or [])
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
    if name == "neq":
        return lambda actual: actual != target
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
