"""Modal screens of the dashboard: help and export."""

from logtui.tui.screens.export import ExportScreen
from logtui.tui.screens.help import HelpScreen

__all__ = ["ExportScreen", "HelpScreen"]
