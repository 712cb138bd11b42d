"""Saved views in the dashboard: open with one, save the setup by name, open another.

What a setup holds and where it is kept is :mod:`logtui.core.views`; here the running app's
filter, columns, zone, theme and panes are read into a :class:`~logtui.core.views.Setup` and
set from one. The app mixes in :class:`ViewsMixin`, so its own module only calls three hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from logtui.core.column_prefs import MAX_COLUMNS, ColumnChoice, valid_field
from logtui.core.errors import ConfigError
from logtui.core.eventtime import ZONES, Zone
from logtui.core.views import (
    Setup,
    View,
    ViewSource,
    list_views,
    load_view,
    save_view,
    view_path,
)
from logtui.tui.columns import ColumnSettings
from logtui.tui.screens.views import OpenViewScreen, SaveViewScreen
from logtui.tui.text import safe_line

if TYPE_CHECKING:
    from logtui.tui.app import LogtuiApp


def current_setup(app: LogtuiApp) -> Setup:
    """The setup the dashboard shows now."""
    settings = _column_settings(app)
    choices = settings.choices if settings is not None else ()
    return Setup(
        filter=app.outcome.expression if app.outcome is not None else "",
        columns=tuple(choice.field for choice in choices),
        widths=tuple((c.field, c.width) for c in choices if c.width is not None),
        zone=app.stream.zone,
        theme=app.theme,
        stats=bool(app.stats_pane.display),
        detail=bool(app.detail.display),
    )


def set_zone(app: LogtuiApp, zone: Zone) -> None:
    """Show times in ``zone`` everywhere the dashboard shows them."""
    app.stream.zone = zone
    app.detail.zone = zone
    app.status_bar.zone = zone


def _column_settings(app: LogtuiApp) -> ColumnSettings | None:
    """The app's column settings, once it has mounted them."""
    settings = getattr(app, "_columns", None)
    return settings if isinstance(settings, ColumnSettings) else None


def setup_columns(setup: Setup) -> tuple[tuple[ColumnChoice, ...], list[str]]:
    """The column choices ``setup`` names (a hand-edited name that cannot be a column is left
    out) and what was left out, to say so."""
    widths = dict(setup.widths)
    choices: list[ColumnChoice] = []
    skipped: list[str] = []
    for name in setup.columns:
        if not valid_field(name):
            skipped.append(f"column {safe_line(name)[:40]!r} is not a field name")
        elif len(choices) < MAX_COLUMNS and all(c.field != name for c in choices):
            choices.append(ColumnChoice(name, widths.get(name)))
    return tuple(choices), skipped


def apply_look(app: LogtuiApp, setup: Setup) -> list[str]:
    """Set the columns, zone, theme and panes of ``setup``; returns what could not be (to say
    so)."""
    skipped: list[str] = []
    settings = _column_settings(app)
    if setup.columns and settings is not None:
        choices, skipped = setup_columns(setup)
        if choices:  # shown, not saved: the source's own column choice stays as it was
            settings.show(app.stream, choices)
    if setup.zone in ZONES:
        set_zone(app, setup.zone)
    if setup.theme is not None:
        if setup.theme in app.available_themes:
            app.theme = setup.theme
        else:
            skipped.append(f"theme {safe_line(setup.theme)[:40]!r} is not installed")
    if setup.stats is not None:
        app.stats_pane.display = setup.stats
    if setup.detail is not None:
        app.detail.display = setup.detail
        if setup.detail:
            app.detail.show_entry(app.stream.selected_entry or app.detail.entry)
    app.update_side()
    return skipped


class ViewsMixin:
    """The dashboard's view actions: "Save view as…" (``v``) and "Open view…"."""

    _opening_setup: Setup | None
    view_source: ViewSource | None
    """The running source as views name it (``None``: not one a view can reopen)."""
    final_setup: Setup | None
    """The setup shown when the dashboard closed, kept as this source's last one."""
    open_next: str | None
    """A view of another source the user opened: the dashboard closed to start it."""

    def init_views(self, setup: Setup | None, view_source: ViewSource | None) -> None:
        """Remember what to open with; called from the app's constructor."""
        self._opening_setup = setup
        self.view_source = view_source
        self.final_setup = None
        self.open_next = None

    @property
    def _app(self) -> LogtuiApp:
        return cast("LogtuiApp", self)

    def open_setup(self) -> None:
        """Set the opening setup's columns, zone, theme and panes (the filter is the app's initial
        filter, applied once the source runs)."""
        if self._opening_setup is not None:
            self._say_skipped(apply_look(self._app, self._opening_setup))

    def keep_final_setup(self) -> None:
        """Read the setup shown as the user leaves; called by the quit actions, while the
        panes are still mounted (once unmounted they no longer say what showed)."""
        self.final_setup = current_setup(self._app)

    def _say_skipped(self, skipped: list[str]) -> None:
        if skipped:
            self._app.notify("Not restored: " + "; ".join(skipped), severity="warning",
                             markup=False)

    def action_save_view(self) -> None:
        """``v``: ask for a name and save the current setup as a view."""
        self._app.push_screen(SaveViewScreen(list_views()), self._save_as)

    def _save_as(self, name: str | None) -> None:
        if not name:
            return
        app = self._app
        try:
            existed = view_path(name).is_file()
            path = save_view(View(name, current_setup(app), self.view_source))
        except (ConfigError, OSError) as error:
            app.notify(f"View not saved: {safe_line(str(error))[:200]}", severity="error",
                       markup=False)
            return
        verb = "Replaced" if existed else "Saved"
        app.notify(f"{verb} view {name!r} in {safe_line(str(path))}", markup=False)

    def action_open_view(self) -> None:
        """Pick a saved view and show the stream as it says."""
        names = list_views()
        if not names:
            self._app.notify("No saved views yet: 'Save view as…' (v) saves one.",
                             severity="warning")
            return
        self._app.push_screen(OpenViewScreen(names), self._open_named)

    def _open_named(self, name: str | None) -> None:
        if not name:
            return
        app = self._app
        try:
            view = load_view(name)
        except ConfigError as error:
            app.notify(safe_line(str(error))[:300], severity="error", markup=False)
            return
        if view.source is not None and view.source != self.view_source:
            if self.view_source is None:  # not started from a command: nothing can restart
                command = safe_line(" ".join(view.source.argv()))[:120]
                app.notify(f"View {name!r} is for another source ({command});"
                           f" run: logtui --view {name}", severity="warning", markup=False)
                return
            self.open_next = name  # the command line starts it once the dashboard closed
            self.keep_final_setup()
            app.exit(0, return_code=0)
            return
        self._say_skipped(apply_look(app, view.setup))
        if app.apply_filter(view.setup.filter):
            app.notify(f"Opened view {name!r}.", markup=False, timeout=2)


__all__ = ["ViewsMixin", "apply_look", "current_setup", "set_zone", "setup_columns"]
