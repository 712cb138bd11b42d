"""The key bar at the bottom, rebuilt only when the keys it shows change.

Textual's footer rebuilds its keys (and so lays out the whole screen) whenever the focus moves,
even when the focused widget shows no keys of its own: entering a filter moves the focus back to
the stream, and that rebuild would land on the way from the key to the filtered rows.

A widget whose ``keeps_footer`` is true (the filter's input) leaves the footer as it was when it
takes the focus: the footer's keys are the stream's again when the filter is entered, so going
in and out of the filter rebuilds nothing (a rebuild mounts a widget per key: about 20 ms, in
the way of the keys typed next and of the first key after a filter over a large buffer).
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    """A :class:`~textual.widgets.Footer` that skips a rebuild showing what it shows already."""

    _shown: Hashable = None

    def shown_keys(self, screen: Screen[object]) -> Hashable:
        """What the footer would show for ``screen``'s active bindings (the same fields its
        ``compose`` reads)."""
        return (
            tuple(
                (binding.key, self.app.get_key_display(binding), binding.action,
                 binding.description, binding.group, enabled, tooltip)
                for (_, binding, enabled, tooltip) in screen.active_bindings.values()
                if binding.show
            ),
            self.show_command_palette,
            self.app.ENABLE_COMMAND_PALETTE,
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild (after the next refresh, as Textual does) only if the keys shown change."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            if self._bindings_ready and getattr(screen.focused, "keeps_footer", False):
                return
            shown = self.shown_keys(screen)
            if self._bindings_ready and shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
