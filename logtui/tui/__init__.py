"""The full-screen dashboard (Textual): live stream, filters, stats and detail panes.

Only this package imports Textual; the core never imports it. Commands call
:func:`run_dashboard`; tests and screenshots build the app with :func:`create_app` and a
:class:`ScriptedSourceFactory`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["AppOptions", "LogtuiApp", "ScriptedSourceFactory", "create_app", "run_dashboard"]

if TYPE_CHECKING:
    from logtui.tui.app import AppOptions, LogtuiApp, create_app
    from logtui.tui.run import run_dashboard
    from logtui.tui.source import ScriptedSourceFactory


def __getattr__(name: str) -> Any:
    """Import lazily, so importing a submodule does not pull in the engine or Textual."""
    if name in ("AppOptions", "LogtuiApp", "create_app"):
        from logtui.tui import app

        return getattr(app, name)
    if name == "run_dashboard":
        from logtui.tui.run import run_dashboard

        return run_dashboard
    if name == "ScriptedSourceFactory":
        from logtui.tui.source import ScriptedSourceFactory

        return ScriptedSourceFactory
    raise AttributeError(name)
