"""The dashboard's side of filtering: the core's filter session under its dashboard names.

Checking an expression (parse, then split by what the source's API can filter) is
:class:`~logtui.core.filters.session.FilterSession`'s job, shared with the command line and
headless mode, and so are the quick toggles' edits to an expression (parse, replace the field's
term, format); this module keeps the names the dashboard has always used for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from logtui.core.eventtime import Zone
from logtui.core.filters.session import (
    SEEN_SAMPLE,
    FilterOutcome,
    FilterSession,
    field_names,
    in_zone,
    quote,
    toggle_value,
    with_toggle,
)
from logtui.core.models import Entry


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
