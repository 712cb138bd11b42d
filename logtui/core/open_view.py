"""The request to open a saved view of another source, apart from the views themselves.

The command line catches it around every command; keeping it out of
:mod:`logtui.core.views` (TOML, the config directory) spares a headless run that module.
"""

from __future__ import annotations

__all__ = ["OpenView"]


class OpenView(Exception):
    """The dashboard closed to open the view :attr:`name` of another source: the command line
    starts that view's command next, as ``logtui --view NAME`` would."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name
