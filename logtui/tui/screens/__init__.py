"""Modal screens of the dashboard: help, export and the field picker."""

from logtui.tui.screens.export import ExportScreen
from logtui.tui.screens.field_picker import FieldPicker
from logtui.tui.screens.help import HelpScreen

__all__ = ["ExportScreen", "FieldPicker", "HelpScreen"]
