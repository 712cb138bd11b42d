"""The filter language: one expression, split between the server and the entry buffer.

:func:`parse` turns the text typed in the filter pane (or ``--filter``) into a
:class:`FilterExpr`; :func:`compile_predicate` turns it into a fast predicate over entries;
:func:`split` decides, per source, which terms the API filters on the server
(:class:`ServerFilterSpec`) and returns a :class:`FilterPlan`. The grammar is documented in
:mod:`logtui.core.filters.syntax`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from logtui.core.filters.evaluate import Predicate, compile_predicate, match_all
    from logtui.core.filters.plan import ClientTerm, FilterPlan, ServerTerm, split
    from logtui.core.filters.server import (
        FilterStyle,
        ServerField,
        ServerFilterSpec,
        ServerFlag,
        spec_for,
    )
    from logtui.core.filters.syntax import (
        Comparand,
        ComparandKind,
        FilterExpr,
        Op,
        Term,
        parse,
    )

_HOMES = {
    **dict.fromkeys(("Predicate", "compile_predicate", "match_all"), "evaluate"),
    **dict.fromkeys(("ClientTerm", "FilterPlan", "ServerTerm", "split"), "plan"),
    **dict.fromkeys(
        ("FilterStyle", "ServerField", "ServerFilterSpec", "ServerFlag", "spec_for"), "server"
    ),
    **dict.fromkeys(("Comparand", "ComparandKind", "FilterExpr", "Op", "Term", "parse"),
                    "syntax"),
}
"""The module of each public name: loaded on first use, so the API profiles (which need
only :mod:`~logtui.core.filters.server`) do not load the evaluator and the planner."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


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
