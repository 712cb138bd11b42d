"""The filter language: one expression, split between the server and the entry buffer.

:func:`parse` turns the text typed in the filter pane (or ``--filter``) into a
:class:`FilterExpr`; :func:`compile_predicate` turns it into a fast predicate over entries;
:func:`split` decides, per source, which terms the API filters on the server
(:class:`ServerFilterSpec`) and returns a :class:`FilterPlan`. The grammar is documented in
:mod:`logtui.core.filters.syntax`.
"""

from __future__ import annotations

from logtui.core.filters.evaluate import Predicate, compile_predicate, match_all
from logtui.core.filters.plan import ClientTerm, FilterPlan, ServerTerm, split
from logtui.core.filters.server import (
    FilterStyle,
    ServerField,
    ServerFilterSpec,
    ServerFlag,
    spec_for,
)
from logtui.core.filters.syntax import Comparand, ComparandKind, FilterExpr, Op, Term, parse

__all__ = [
    "ClientTerm",
    "Comparand",
    "ComparandKind",
    "FilterExpr",
    "FilterPlan",
    "FilterStyle",
    "Op",
    "Predicate",
    "ServerField",
    "ServerFilterSpec",
    "ServerFlag",
    "ServerTerm",
    "Term",
    "compile_predicate",
    "match_all",
    "parse",
    "spec_for",
    "split",
]
