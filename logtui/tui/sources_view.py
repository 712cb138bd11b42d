"""The dashboard's side of several sources at once: their dots, details, filters and counts.

The app mixes :class:`SourcesMixin` in; with one source (no ``AppOptions.sources``) every
method here does nothing and the dashboard is as it always was. With several, each source's
status arrives named (``SourceStatus.name``) and is kept apart (:class:`SourceDots`), the
filter's server part goes to each source in its own API's terms and only to the sources whose
parameters changed, the stats pane counts by source, and ``S`` opens every source's detail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, cast

from textual.content import Content

from logtui.core.apis.merged import SourceRef, source_colours
from logtui.core.filters.multi import MultiFilterOutcome, MultiFilterSession
from logtui.core.filters.session import FilterOutcome
from logtui.core.fleet_status import all_failed, combined_status
from logtui.core.models import SourceStatus
from logtui.core.source_stats import SourceSplitStats
from logtui.tui.text import wire_content
from logtui.tui.widgets.source_dots import SourceDots

if TYPE_CHECKING:
    from logtui.tui.app import LogtuiApp


class FleetControl(Protocol):
    """What the dashboard asks of several sources running together (``core.fleet.Fleet``)."""

    def reconnect_now(self, name: str | None = None) -> None:
        """Reconnect one source by name, or all."""

    def set_server_filters(self, params: Mapping[str, str], name: str | None = None) -> None:
        """Reconnect one source (by name) with these server parameters."""


class SourcesMixin:
    """Several sources in one dashboard (see the module docstring)."""

    source_refs: tuple[SourceRef, ...]
    """The sources, in the order they were given (empty: one source)."""
    source_dots: SourceDots | None
    """Each source's newest status, for the status bar and the sources screen."""
    source_colours: dict[str, str]
    """Each source's colour (the ``source`` column, the dots, the detail pane's title)."""
    member_params: dict[str, dict[str, str]]
    """The server parameters each source streams with now."""

    def init_sources(self, refs: Sequence[SourceRef], kind: str) -> None:
        """Remember the sources (none: one source, nothing here applies)."""
        self.source_refs = tuple(refs)
        self.source_colours = source_colours([ref.name for ref in refs]) if refs else {}
        self.source_dots = (
            SourceDots([ref.name for ref in refs], self.source_colours, kind,
                       {ref.name: ref.description for ref in refs})
            if refs else None
        )
        self.member_params = {ref.name: {} for ref in refs}

    @property
    def several_sources(self) -> bool:
        """Whether this dashboard shows several sources."""
        return bool(self.source_refs)

    def source_filter_session(self) -> MultiFilterSession | None:
        """The filter language over every source, with several of them."""
        return MultiFilterSession(self.source_refs) if self.source_refs else None

    def combined_source_status(self) -> SourceStatus:
        """One status standing for every source (the worst state, counters summed)."""
        app = cast("LogtuiApp", self)
        dots = self.source_dots
        assert dots is not None
        initial = app._initial_status
        return combined_status(list(dots.statuses.values()), kind=initial.kind,
                               description=initial.description)

    def show_source_statuses(self, statuses: Sequence[SourceStatus]) -> None:
        """Take the sources' newest statuses and redraw the status bar."""
        app = cast("LogtuiApp", self)
        dots = self.source_dots
        if dots is None or not dots.update(statuses, app.clock()):
            return
        app.status_bar.show(self.combined_source_status(), app._counts())

    def all_sources_failed(self) -> bool:
        """Whether every source failed (quitting then exits 3, as with one source)."""
        dots = self.source_dots
        return dots is not None and all_failed(list(dots.statuses.values()))

    def send_member_params(self, outcome: FilterOutcome, *, reconnect: bool) -> None:
        """Hand each selected source its own server part, reconnecting only the sources whose
        parameters changed (``reconnect=False``: they stream with these already)."""
        if not isinstance(outcome, MultiFilterOutcome):
            return
        app = cast("LogtuiApp", self)
        for name, params in outcome.member_params.items():
            wanted = dict(params)
            if self.member_params.get(name, {}) == wanted:
                continue
            self.member_params[name] = wanted
            if reconnect and app.source is not None:
                cast(FleetControl, app.source).set_server_filters(wanted, name=name)

    def source_stats_lines(self) -> list[Content]:
        """The stats pane's split by source: each one's count and live rate."""
        app = cast("LogtuiApp", self)
        stats = app.stats
        if not isinstance(stats, SourceSplitStats):
            return []
        parts = []
        for count in stats.by_source():
            colour = self.source_colours.get(count.name)
            parts.append(
                wire_content(count.name[:20], f"bold {colour}" if colour else "bold")
                + Content.styled(f" {count.count:,}", "$accent")
                + Content(f" {count.rate:,.1f}/s")
            )
        return [Content.styled("Sources: ", "bold") + Content(" · ").join(parts)]

    def action_sources(self) -> None:
        """``S``: every source's state, resume id, counters, last error and retry time."""
        app = cast("LogtuiApp", self)
        if self.source_dots is None:
            app.notify("One source: its state is in the status bar.", timeout=2)
            return
        from logtui.tui.screens.sources import SourcesScreen

        app.push_screen(SourcesScreen(self.source_dots, app.clock, lambda: app.status_bar.zone))
