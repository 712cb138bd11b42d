"""Wiring one source, its engine and its filter: the one place both front ends do it.

The command line (headless NDJSON) and the dashboard start from a
:class:`~logtui.core.sources.SourceConfig` and a filter expression. :func:`apply_filter` puts
the expression's server part (query parameters, or an Instant Logs job filter) into the
config and keeps the client part as a predicate; :func:`engine_factory` and
:func:`build_engine` build the source and the :class:`~logtui.core.engine.Engine` around a
sink, filtering it with that predicate when there is one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from logtui.core.engine import Engine
from logtui.core.errors import ConfigError
from logtui.core.models import Sink
from logtui.core.sources import SourceConfig, build_source
from logtui.core.sources.base import Source

if TYPE_CHECKING:
    from logtui.core.apis.merged import SourceRef
    from logtui.core.filters.evaluate import Predicate
    from logtui.core.filters.multi import MultiFilterOutcome
    from logtui.core.filters.session import FilterOutcome

# The filter language is imported where a filter is evaluated: a run with none (headless
# NDJSON of a whole stream) never loads it.


class FilterExpressionError(ConfigError):
    """``--filter`` does not parse: one line naming the problem, with a caret where it is."""


def checked_filter(kind: str, expression: str, *, what: str = "--filter") -> FilterOutcome:
    """``expression`` evaluated for ``kind``; :class:`FilterExpressionError` if it does not parse.

    The message is one line: the parser's reason, then the expression with ``^`` inserted
    where the problem is (``status>=^"``).
    """
    from logtui.core.filters.session import FilterSession

    outcome = FilterSession(kind).evaluate(expression)
    if outcome.error is not None:
        position = min(outcome.error_position or 0, len(expression))
        marked = f"{expression[:position]}^{expression[position:]}"
        raise FilterExpressionError(f"{what}: {outcome.error}: {marked}")
    return outcome


def checked_fleet_filter(
    refs: Sequence[SourceRef], expression: str, *, what: str = "--filter"
) -> MultiFilterOutcome:
    """``expression`` over several named sources (``source=NAME`` included); one line with a
    caret when it does not parse (see :func:`checked_filter`)."""
    from logtui.core.filters.multi import MultiFilterSession

    outcome = MultiFilterSession(refs).evaluate(expression)
    if outcome.error is not None:
        position = min(outcome.error_position or 0, len(expression))
        marked = f"{expression[:position]}^{expression[position:]}"
        raise FilterExpressionError(f"{what}: {outcome.error}: {marked}")
    return outcome


def member_expression(kind: str, outcome: MultiFilterOutcome, name: str) -> str:
    """The server part of a fleet's filter that goes to the source ``name``, as an
    expression in its own API's terms ("" when nothing goes to it)."""
    from logtui.core.filters.session import FilterSession

    return FilterSession(kind).expression_for(outcome.member_params.get(name, {}))


def apply_filter(config: SourceConfig, expression: str) -> tuple[SourceConfig, FilterOutcome]:
    """``config`` asking its server for ``expression``'s server part, and the whole outcome.

    The server parameters replace ``config.filters``: flags that set one parameter are sugar
    for a term of the expression (see :meth:`FilterSession.expression_for`).
    """
    outcome = checked_filter(config.kind, expression)
    return replace(config, filters=dict(outcome.server_params)), outcome


def command_expression(kind: str, params: Mapping[str, str], expression: str) -> str:
    """One expression from the flags' server parameters and a typed ``--filter``."""
    from logtui.core.filters.session import FilterSession

    flags = FilterSession(kind).expression_for(params)
    return " ".join(part.strip() for part in (flags, expression) if part.strip())


def build_engine(
    source: Source,
    sink: Sink,
    options: Mapping[str, Any],
    *,
    defer_parsing: bool = False,
    predicate: Predicate | None = None,
) -> Engine:
    """An engine running ``source`` into ``sink``.

    ``defer_parsing``: the sink reads no entry field (headless NDJSON), so the source may
    build entries lazily (:meth:`Source.defer_parsing`). ``predicate``: only the entries it
    keeps reach ``sink`` (the filter terms the server does not apply).
    """
    if defer_parsing:
        source.defer_parsing()
    if predicate is not None:
        from logtui.core.filters.session import FilteredSink

        sink = FilteredSink(sink, predicate)
    return Engine(source, sink, **options)


def engine_factory(
    config: SourceConfig,
    options: Mapping[str, Any],
    *,
    defer_parsing: bool = False,
    predicate: Predicate | None = None,
) -> Callable[[Sink], Engine]:
    """A factory building a fresh source and engine for ``config`` around a given sink."""

    def factory(sink: Sink) -> Engine:
        return build_engine(
            build_source(config), sink, options,
            defer_parsing=defer_parsing, predicate=predicate,
        )

    return factory


__all__ = [
    "FilterExpressionError",
    "apply_filter",
    "build_engine",
    "checked_filter",
    "checked_fleet_filter",
    "command_expression",
    "engine_factory",
    "member_expression",
]
