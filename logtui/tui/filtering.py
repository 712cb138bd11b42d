"""The dashboard's side of filtering: the core's filter session, and quick-toggle text edits.

Checking an expression (parse, then split by what the source's API can filter) is
:class:`~logtui.core.filters.session.FilterSession`'s job, shared with the command line and
headless mode; this module keeps the names the dashboard has always used for it, and the small
text edits the quick toggles make to an expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from logtui.core.eventtime import Zone
from logtui.core.filters.session import (
    SEEN_SAMPLE,
    FilterOutcome,
    FilterSession,
    field_names,
    in_zone,
    quote,
)
from logtui.core.models import Entry

_TOKEN = re.compile(r'(?:"(?:[^"\\]|\\.)*"|\S)+')


def toggle_value(expression: str, field_name: str) -> str | None:
    """The value of a simple ``field=value`` term in the expression, if there is exactly one."""
    found: list[str] = []
    for token in _TOKEN.findall(expression):
        for op in ("=", ":"):
            prefix = f"{field_name}{op}"
            if token.lower().startswith(prefix.lower()) and not token.startswith("-"):
                value = token[len(prefix):]
                if value.startswith("="):
                    continue
                found.append(value.strip('"'))
                break
    return found[0] if len(found) == 1 else None


def with_toggle(expression: str, field_name: str, value: str | None) -> str:
    """The expression with every ``field=``/``field:`` term replaced by ``field=value``."""
    kept = [
        token
        for token in _TOKEN.findall(expression)
        if not token.lower().startswith((f"{field_name.lower()}=", f"{field_name.lower()}:"))
    ]
    if value is not None:
        kept.append(f"{field_name}={quote(value)}")
    return " ".join(kept)


def evaluate(expression: str, kind: str, *, now: float | None = None,
             entries: Sequence[Entry] = (), zone: Zone | None = None) -> FilterOutcome:
    """Check ``expression`` for ``kind`` (see :meth:`FilterSession.evaluate`)."""
    return FilterSession(kind).evaluate(expression, now=now, entries=entries, zone=zone)


def expression_for_params(kind: str, params: Mapping[str, str]) -> str:
    """The expression server parameters stand for (see :meth:`FilterSession.expression_for`)."""
    return FilterSession(kind).expression_for(params)


__all__ = [
    "SEEN_SAMPLE",
    "FilterOutcome",
    "evaluate",
    "expression_for_params",
    "field_names",
    "in_zone",
    "quote",
    "toggle_value",
    "with_toggle",
]
