"""The dashboard app: wires the source, the entry store and the panes, at frame rate.

The engine's thread only enqueues into a :class:`~logtui.tui.bridge.QueueSink` (packing each
entry for the store on its way in); a timer on the UI thread drains it a few dozen times a second
and applies each batch in one go: the store extends, the stream pane scrolls by what changed,
stats count the matching entries, the status bar redraws. Nothing here runs per entry on the UI
side except the store's own bookkeeping. A frame applies at most :data:`MAX_ENTRIES_PER_FRAME`
entries, so a key pressed during a big replay waits for one frame, not for the whole replay;
the garbage collector never walks the stored entries (:mod:`logtui.tui.gc_policy`).

Build it with :func:`create_app`, which tests, snapshots and the CLI share; the clock and the
source are injected so pictures and tests are deterministic.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, cast

from rich.console import Console, RenderableType
from textual import events, on, work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from logtui.core.apis.merged import SourceRef, merged_order
from logtui.core.buffered import BufferedEntries
from logtui.core.column_prefs import ColumnChoice
from logtui.core.constants import DEFAULT_BUFFER
from logtui.core.eventtime import ZONES, file_stamp, zone_label
from logtui.core.identity import identity_for, identity_is_unique, order_for
from logtui.core.models import ConnectionState, Entry, Notice, SourceStatus
from logtui.core.source_stats import SourceSplitStats
from logtui.core.stats import StatsTracker
from logtui.core.store import EntryStore, StoreDelta, entries_only
from logtui.core.views import Setup, ViewSource
from logtui.tui.actions import APP_ACTIONS
from logtui.tui.clipboard import COPIED_VIA, TMUX_HINT, tmux_blocks_osc52
from logtui.tui.columns import ColumnSettings
from logtui.tui.commands import DashboardCommands
from logtui.tui.crash import report_text
from logtui.tui.export import write_ndjson
from logtui.tui.filter_job import FilterRunner
from logtui.tui.filtering import FilterOutcome, quote
from logtui.tui.gc_policy import STEP_SECONDS, GcPolicy
from logtui.tui.history_loader import HistoryReaderLike
from logtui.tui.ingest import Frame, Ingest, SeenValues, has_trace
from logtui.tui.marks import format_delta
from logtui.tui.pager import show_in_pager
from logtui.tui.prompt_refresh import PromptRefreshMixin, PromptScreen
from logtui.tui.rate import RateMeter
from logtui.tui.screens import ExportScreen, FieldPicker, HelpScreen
from logtui.tui.scroll_back import HISTORY_GROUP, ScrollBackMixin
from logtui.tui.search import filter_highlights
from logtui.tui.source import SourceFactory, StreamControl
from logtui.tui.sources_view import SourcesMixin
from logtui.tui.text import safe_line
from logtui.tui.views import ViewsMixin
from logtui.tui.waking_sink import WakingSink
from logtui.tui.widgets.detail_pane import DetailPane, trace_id_of
from logtui.tui.widgets.filter_bar import FilterBar
from logtui.tui.widgets.filter_input import FilterInput
from logtui.tui.widgets.quick_toggles import QuickToggles
from logtui.tui.widgets.stats_pane import StatsPane
from logtui.tui.widgets.status_bar import BufferCounts, StatusBar
from logtui.tui.widgets.steady_footer import SteadyFooter
from logtui.tui.widgets.stream_view import StreamView

FRAME_INTERVAL = 1 / 20
"""How often queued entries are applied to the UI, in seconds."""
MAX_ENTRIES_PER_FRAME = 2_000
"""The most entries one frame applies; the rest wait for the next frame. Four times a
10,000 entries/s stream's share of a frame, so a steady stream never builds a backlog, while a
5,000-entry replay is applied in three frames with keys handled between them."""
FAST_FRAME_SKIP = 3
"""Frame ticks skipped at least after a frame that replaced every row in view: a stream that
fast cannot be read row by row, and each repaint of the pane costs as much as the whole
stream's bookkeeping, so the pane shows it five times a second instead of twenty (keys are
handled as before, and a paused or scrolled-back view takes every frame)."""
SLOW_FAST_FRAME_SKIP = 5
"""Frame ticks skipped after such a frame when the stream is slow enough that the skipped
ticks bring at most :data:`FAST_FRAME_SHARE` of a frame (about 1,000 entries/s: 300 ms between
repaints, the same rows-a-glance as five a second, two repaints a second fewer). Faster than
that, fewer ticks are skipped, down to :data:`FAST_FRAME_SKIP`: at 10,000 entries/s five ticks
bring more than a frame applies (:data:`MAX_ENTRIES_PER_FRAME`), the rest would be drawn a tick
later, and that draws more frames than it saves."""
FAST_FRAME_SHARE = 0.8
"""The share of :data:`MAX_ENTRIES_PER_FRAME` the ticks skipped may bring (see
:data:`SLOW_FAST_FRAME_SKIP`), so a stream's jitter does not leave a remainder to draw."""
FRAME_CHUNK = 500
"""Entries a frame applies between looks for a key waiting (a frame applies up to
:data:`MAX_ENTRIES_PER_FRAME`)."""
FRAME_BUDGET = 0.004
"""Seconds of the UI thread a frame timer's tick applies entries for before it hands the
rest of the frame to the event loop's next turn: a frame's 2,000 entries took 8 ms, twice that
while the engine's thread packed the next read (they share the interpreter), and nothing else
on the UI thread ran meanwhile."""
IDLE_TICKS_BEFORE_SLEEP = 4
"""Frame ticks that find nothing queued before the frame timer stops until something is
handed over (the sink wakes it: an idle dashboard does not poll twenty times a second)."""
MAX_DEFERRED_TICKS = 4
"""Frame ticks a frame waits at most for the refresh that shows a key's effect."""
GC_INTERVAL = STEP_SECONDS
"""How often the garbage-collection policy collects what is young and freezes the rest."""
STATS_INTERVAL = 1.0
"""How often the stats pane redraws."""
STATUS_INTERVAL = 0.5
"""How often the status bar redraws while it counts down to a reconnect, or with several
sources (countdowns tick even with no traffic); while the one source is live, it redraws with
the next frame that brings entries, or after :data:`STATUS_WAIT_TICKS` ticks without one."""
STATUS_WAIT_TICKS = 3
"""Status ticks the live status bar waits for a frame to redraw it: more than a second, so a
stream of one entry a second redraws it with its rows, in one screen update instead of two."""
SERVER_STATS_INTERVAL = 15.0
"""How often the server's own statistics are fetched, when the source has them."""
INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT), as for the headless mode."""


def ticks_to_skip(rate: float, frame_interval: float) -> int:
    """Frame ticks to skip after a frame that replaced every row in view, for a stream of
    ``rate`` entries/s: as many as bring :data:`FAST_FRAME_SHARE` of a frame at most, between
    :data:`FAST_FRAME_SKIP` and :data:`SLOW_FAST_FRAME_SKIP`."""
    per_tick = rate * frame_interval
    if per_tick <= 0:
        return FAST_FRAME_SKIP
    fits = int(FAST_FRAME_SHARE * MAX_ENTRIES_PER_FRAME / per_tick) - 1
    return max(FAST_FRAME_SKIP, min(SLOW_FAST_FRAME_SKIP, fits))


ServerStatsFetcher = Callable[[], Mapping[str, Any]]
"""Fetches the server's statistics (proxy-logs ``/_logs/stats``); runs in a worker thread."""


@dataclass(frozen=True, slots=True)
class AppOptions:
    """How a dashboard is set up, beside its source; :class:`LogtuiApp` and :func:`create_app`
    both take it, so an option is written once."""

    buffer: int = DEFAULT_BUFFER
    """Entries kept in memory."""
    clock: Callable[[], float] = time.time
    """The wall clock (tests and pictures fix it)."""
    server_stats: ServerStatsFetcher | None = None
    """Fetches the server's own statistics, when the source has them."""
    keymap: Mapping[str, str] | None = None
    """The user's key bindings, by binding id."""
    frame_interval: float = FRAME_INTERVAL
    """How often queued entries are applied (tests apply frames themselves)."""
    export_dir: Path | None = None
    """Where exports are offered (default: the working directory)."""
    initial_filter: str = ""
    """The filter to open with (the source streams with its server terms already)."""
    server_params: Mapping[str, str] | None = None
    """The server-side filters the source was built with."""
    setup: Setup | None = None
    """A saved view's setup to open with."""
    view_source: ViewSource | None = None
    """The running source as saved views name it."""
    sources: tuple[SourceRef, ...] = ()
    """Several named sources shown together (the source is then a fleet of them, and the
    kind their merged profile's name); empty with one source."""
    history: HistoryReaderLike | None = None
    """The source's history, for scroll-back and ``goto`` (``None``: the API keeps none)."""
    history_for: Callable[[Mapping[str, str]], HistoryReaderLike | None] | None = None
    """The source's history read with other server-side filters: a new filter's older pages
    must hold what the new filter matches, not what the old one did."""


class LogtuiApp(PromptRefreshMixin, SourcesMixin, ViewsMixin, ScrollBackMixin, App[int]):
    """The full-screen dashboard over one live source, or several shown together."""

    CSS_PATH = "app.tcss"
    TITLE = "logtui"
    BINDINGS: ClassVar[list[BindingType]] = [action.binding() for action in APP_ACTIONS]
    COMMANDS = App.COMMANDS | {DashboardCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (140, "-roomy")]  # noqa: RUF012

    def __init__(self, source_factory: SourceFactory, status: SourceStatus,
                 options: AppOptions | None = None) -> None:
        options = options or AppOptions()
        setup = options.setup
        clock = options.clock
        super().__init__()
        self.init_views(setup, options.view_source)
        self.init_sources(options.sources, status.kind)
        self.options = options
        """How the dashboard was set up."""
        self.kind: str = status.kind
        self.clock = clock
        # The sink packs each entry on the engine's thread; the store only appends rows.
        self.store = EntryStore(
            options.buffer, share=False, identity=identity_for(self.kind),
            unique=identity_is_unique(self.kind),
            order=merged_order(options.sources) if options.sources else order_for(self.kind),
        )
        # A live batch whose stats the columns count is queued without its parsed entries (a
        # reload's is placed entry by entry: it keeps them).
        self.sink = WakingSink(packer=self.store.packer, drop=lambda batch: batch.live and self
                               .stats.counts_from_columns(batch, self.store.packer.keys))
        self.gc_policy = GcPolicy()
        """Keeps full garbage collections off the hot path (see :mod:`logtui.tui.gc_policy`)."""
        self.stats = (
            SourceSplitStats(self.kind, [ref.name for ref in options.sources], clock=clock)
            if options.sources else StatsTracker(self.kind, clock=clock)
        )
        self.rate = RateMeter(clock)
        self.filtering = FilterRunner(self, self.store, self.stats, self._filter_stepped,
                                      self.refresh_stats)
        """Applies a new filter a chunk at a time (see :mod:`logtui.tui.filter_job`)."""
        self.seen = SeenValues(self.kind)
        """Values of the quick toggles' fields seen in the stream."""
        self.ingest = Ingest(self.sink, self.store, self.stats, self.rate, self.seen,
                             limit=MAX_ENTRIES_PER_FRAME)
        """Applies each frame's entries to the store, the stats and the rate."""
        self.init_scroll_back(options.history)
        self.server_params: dict[str, str] = dict(options.server_params or {})
        """Server-side filters the source streams with now."""
        self._initial_filter = options.initial_filter or (setup.filter if setup else "")
        self.server_stats_data: Mapping[str, Any] | None = None
        self._initial_status = status
        self._source_factory = source_factory
        self._source: StreamControl | None = None
        self._keymap = dict(options.keymap or {})
        self._export_dir = options.export_dir or Path.cwd()
        self._skip_ticks = 0
        """Frame ticks to skip before the next frame (see :func:`ticks_to_skip`)."""
        self._status_waits = 0
        """Status ticks since the status bar was last redrawn (see :meth:`_status_timer`)."""
        self._idle_ticks = 0
        """Frame ticks in a row that found nothing queued (see :data:`IDLE_TICKS_BEFORE_SLEEP`)."""
        self._frame_clock: Timer | None = None
        """The frame timer, once mounted."""
        self._frames_asleep = False
        """The frame timer is stopped until the sink hands something over."""
        self._stats_due = False
        """The stats pane waits for the next frame that brings entries (see
        :meth:`_stats_timer`)."""
        self._input_since_frame = False
        """A key or mouse event came since the last frame tick: its effect is shown first."""
        self._frame_deferred = False
        """A frame waits for the screen's next refresh (see :meth:`_frame_tick`)."""
        self._deferred_ticks = 0
        """Frame ticks the deferred frame has waited through."""
        self._inputs_posted = 0
        """Key and mouse events posted so far (a frame in progress looks for a new one)."""
        self._collection_held = False
        """The garbage collector is off until a key's refresh is on screen."""
        self._inputs_awaited = 0
        """Keys, clicks and wheel turns posted so far (mouse moves are not counted)."""
        self._inputs_handled = 0
        """Of those, how many the app has handled (the rest are still queued)."""
        self._frame_waits_for_input = False
        """The deferred frame waits for a queued key to be handled, then for its refresh."""
        self._frames_begun = 0
        """Frames begun so far: the rest of a frame handed to the loop's next turn runs only
        if no other frame began meanwhile."""
        self._search_problem: str | None = None
        """What is wrong with the search typed, if it is a regex that does not compile."""
        self._osc52_blocked: bool | None = None
        """Whether tmux drops OSC 52 copies (asked once, at the first copy)."""
        self.crash: str | None = None
        """What stopped the app on an unexpected error (a traceback without local variables)."""
        # Textual prints its own crash traceback, local variables included, on this console
        # once the screen is restored; keep it off stderr (see logtui.tui.crash).
        self.error_console = Console(file=io.StringIO(), markup=False, highlight=False)

    # --- failures ---------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, except that on Linux and macOS stray non-UTF-8 input is survived."""
        driver = super().get_driver_class()
        if sys.platform != "win32":
            from textual.drivers.linux_driver import LinuxDriver

            from logtui.tui.driver import TolerantLinuxDriver

            if driver is LinuxDriver:
                return TolerantLinuxDriver
        return driver

    def _handle_exception(self, error: Exception) -> None:
        # Textual's hook for an error no handler caught: keep a report, then let it close the
        # app (it also sets the exit code to 1 and hands the error to test pilots).
        if self.crash is None:
            self.crash = report_text(error)
        super()._handle_exception(error)

    def panic(self, *renderables: RenderableType) -> None:
        """Stop on an unexpected error (Textual calls this when its input thread fails)."""
        if self.crash is None:
            buffer = io.StringIO()
            console = Console(file=buffer, width=100, color_system=None)
            for renderable in renderables:
                console.print(renderable)
            self.crash = buffer.getvalue() or "the dashboard stopped on an unexpected error"
        super().panic(*renderables)

    # --- layout -----------------------------------------------------------------------------

    @property
    def toggle_fields(self) -> tuple[str, ...]:
        """Fields with a quick toggle for this source (used by the command palette)."""
        return tuple(spec.field for spec in self._toggles.specs)

    @property
    def local_toggle_fields(self) -> tuple[str, ...]:
        """Those of :attr:`toggle_fields` applied here rather than sent to a server."""
        return tuple(spec.field for spec in self._toggles.specs if spec.local)

    @property
    def source(self) -> StreamControl | None:
        """The running source, once mounted."""
        return self._source

    def compose(self) -> ComposeResult:
        self._toggles = QuickToggles(self.kind, self.seen.values, label=self.seen.label,
                                     id="toggles")
        self._filter_bar = FilterBar(self._toggles, clock=self.clock, zone=lambda: self.stream.zone,
                                     entries=lambda: BufferedEntries(self.store), id="filter-bar",
                                     session=self.source_filter_session())
        self._stream = StreamView(self.store, self.kind, id="stream")
        self._stream.border_title = "stream"
        self._stats_pane = StatsPane(self.kind, id="stats")
        self._stats_pane.border_title = "stats"
        self._detail = DetailPane(self.store.trace, id="detail")
        self._detail.source_colours = self.source_colours
        self._detail.border_title = "detail"
        self._side = Vertical(self._stats_pane, self._detail, id="side")
        self._status_bar = StatusBar(self._initial_status, self.clock, id="status")
        self._status_bar.sources = self.source_dots
        self._search = Input(placeholder="search the rows (any case; ~ starts a regex)",
                             id="search-input", compact=True)
        yield self._filter_bar
        with Horizontal(id="body"):
            yield self._stream
            yield self._side
        yield self._search
        yield self._status_bar
        yield SteadyFooter()

    @property
    def stream(self) -> StreamView:
        """The stream pane."""
        return self._stream

    @property
    def detail(self) -> DetailPane:
        """The detail pane."""
        return self._detail

    @property
    def filter_bar(self) -> FilterBar:
        """The filter pane."""
        return self._filter_bar

    @property
    def outcome(self) -> FilterOutcome | None:
        """The filter applied now (``None``: no filter); the filter bar keeps it."""
        return self._filter_bar.applied

    @property
    def filter_input(self) -> FilterInput:
        """The filter expression input."""
        return self._filter_bar.input

    @property
    def stats_pane(self) -> StatsPane:
        """The stats pane."""
        return self._stats_pane

    @property
    def status_bar(self) -> StatusBar:
        """The status bar."""
        return self._status_bar

    def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        self.detail.display = False
        if self.size.width < 110:
            self.stats_pane.display = False
        self._update_side()
        self._columns = ColumnSettings(self.kind, self._initial_status.description)
        self._columns.restore(self.stream)
        self._focus(self.stream)
        self._show_filter()
        self._update_stream_title()
        self.open_setup()
        self._source = self._source_factory(self.sink)
        self._source.start()
        if self._initial_filter:
            # The source was built with these filters already: adopt, do not reconnect.
            self.apply_filter(self._initial_filter, reconnect=False)
        self._ui_loop = asyncio.get_running_loop()
        self._frame_clock = self.set_interval(self.options.frame_interval, self._frame_timer,
                                              name="drain")
        self.call_after_refresh(self.gc_policy.start)
        self.set_interval(GC_INTERVAL, self._gc_tick, name="gc")
        self.set_interval(STATS_INTERVAL, self._stats_timer, name="stats")
        self.set_interval(STATUS_INTERVAL, self._status_timer, name="status")
        if self.options.server_stats is not None:
            self.fetch_server_stats()
            self.set_interval(SERVER_STATS_INTERVAL, self.fetch_server_stats, name="server-stats")

    def on_unmount(self) -> None:
        if self._source is not None:
            self._source.stop()
        self._release_collection()
        self.gc_policy.stop()

    async def on_event(self, event: events.Event) -> None:
        """Every key and mouse event postpones a due thaw of the garbage collector."""
        if isinstance(event, events.InputEvent):
            self.gc_policy.note_input()
        await super().on_event(event)
        if _holds_collection(event):
            self._inputs_handled += 1
            if self._collection_held:
                self.call_after_refresh(self._release_collection)
            if self._frame_waits_for_input and self._inputs_handled >= self._inputs_awaited:
                self._frame_waits_for_input = False
                self.call_after_refresh(self._deferred_frame)

    def post_message(self, message: Message) -> bool:
        """Input is noted as it is posted (from the driver's thread, during a frame too), so
        the frame in progress ends early and the next one waits for the key's refresh; no
        collection runs until that refresh (a middle-generation pass takes up to 15 ms)."""
        if isinstance(message, events.InputEvent):
            self._input_since_frame = True
            self._inputs_posted += 1
            if _holds_collection(message):
                self._inputs_awaited += 1
                if gc.isenabled():
                    gc.disable()
                    self._collection_held = True
        return super().post_message(message)

    def _release_collection(self) -> None:
        """The key's refresh is on screen: the collector may run again."""
        if self._collection_held:
            self._collection_held = False
            gc.enable()

    def _gc_tick(self) -> None:
        """The collection policy's step, unless a key waits for its refresh (then the next)."""
        if not self._collection_held:
            self.gc_policy.tick()

    # --- the frame loop ---------------------------------------------------------------------

    def _frame_timer(self) -> None:
        """The frame timer's tick: a frame, unless a key (or mouse) event came since the last
        tick, when the frame waits for the screen's next refresh.

        The timer runs between the messages that carry a key to its action and the refresh
        that shows it; a frame's work there (applying entries, then drawing the rows they
        bring) would be the key's wait.
        """
        if self._frame_deferred:
            self._deferred_ticks += 1
            if self._deferred_ticks <= MAX_DEFERRED_TICKS:
                return
            self._frame_deferred = False  # the refresh never came (its screen went away)
            self._frame_waits_for_input = False
            self._inputs_handled = self._inputs_awaited
            self._release_collection()
        elif self._input_since_frame:
            self._input_since_frame = False
            self._frame_deferred = True
            self._deferred_ticks = 0
            self.call_after_refresh(self._deferred_frame)
            return
        self._frame_tick()

    def _deferred_frame(self) -> None:
        """The frame a key's refresh went before (unless the timer ran it meanwhile).

        With nothing to redraw yet, the screen calls this at once: when the key itself is
        still queued (the timer ticked between its arrival and its handling), the frame waits
        for the refresh after the key is handled instead of running before it.
        """
        if not self._frame_deferred:
            return
        if self._inputs_handled < self._inputs_awaited:
            self._frame_waits_for_input = True
            return
        self._frame_deferred = False
        self._frame_tick()

    def _frame_tick(self) -> None:
        """One frame: nothing to do when nothing came; a frame after a skipped tick when the
        last one replaced every row in view."""
        if self._skip_ticks:
            self._skip_ticks -= 1
            return
        if self.sink.pending:
            self._idle_ticks = 0
            self.drain(FRAME_BUDGET)
            return
        self._idle_ticks += 1
        if self._idle_ticks >= IDLE_TICKS_BEFORE_SLEEP and not self._frame_deferred:
            self._sleep_frames()

    def _sleep_frames(self) -> None:
        """Stop the frame timer until the sink hands something over (it wakes us then)."""
        if self._frame_clock is None or self._frames_asleep:
            return
        self._frames_asleep = True
        self._frame_clock.pause()
        self.sink.wake_on_handover(self._wake_from_any_thread)
        if self.sink.pending:  # handed over before the sink was told to wake us
            self._wake_frames()

    def _wake_from_any_thread(self) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nothing left to wake
            self._ui_loop.call_soon_threadsafe(self._wake_frames)

    def _wake_frames(self) -> None:
        """Start the frame timer again: its next tick comes at once."""
        if not self._frames_asleep or self._frame_clock is None:
            return
        self._frames_asleep = False
        self._idle_ticks = 0
        self.sink.wake_on_handover(None)
        self._frame_clock.resume()

    def _stats_timer(self) -> None:
        """The stats timer's tick: the stats are redrawn by the next frame that brings
        entries, with its rows, in one screen update instead of two a second (a slow stream's
        entries and this tick seldom coincide); a tick that finds the last one still waiting
        (no entries since) redraws them itself."""
        if self._stats_due:
            self.refresh_stats()
        else:
            self._stats_due = True

    def drain(self, budget: float | None = None) -> bool:
        """Apply what the source handed over since the last frame, at most a frame's worth,
        :data:`FRAME_CHUNK` entries at a time: a key that arrives meanwhile ends the frame
        after the chunk in hand, so it waits for that chunk, not for the whole frame.

        With a ``budget`` (seconds), a chunk that ends past it hands the rest of the frame to
        the event loop's next turn, so whatever else is due on the UI thread (a key, a screen
        update, a timer) runs in between. Returns True if entries are still queued.
        """
        self._frames_begun += 1
        return self._apply_frame(self.ingest.limit, budget)

    def _apply_frame(self, room: int, budget: float | None) -> bool:
        """Apply up to ``room`` entries of the frame begun last (see :meth:`drain`)."""
        inputs = self._inputs_posted
        started = time.perf_counter()
        applied = False
        while room > 0:
            chunk = min(room, FRAME_CHUNK)
            selected = self.stream.selected_entry
            self.scroll_back_before_frame(min(self.sink.queued, chunk))
            frame = self.ingest.frame(chunk)
            if frame is None:
                break
            self._show_frame(frame, selected)
            applied = True
            room -= chunk
            if self._inputs_posted != inputs or not self.ingest.backlog:
                break
            if budget is not None and room > 0 and time.perf_counter() - started >= budget:
                # As a timer due now, not a callback: it runs after what is ready already,
                # and what became ready meanwhile (a task a timer woke) goes first too.
                self._ui_loop.call_later(0, self._frame_rest, self._frames_begun, room, budget)
                return True
        if self._stats_due and applied:
            self.refresh_stats()
        if self._status_waits and applied:
            self.refresh_status()
        return self.ingest.backlog

    def _frame_rest(self, begun: int, room: int, budget: float) -> None:
        """The rest of a frame a budget cut short, unless a key came or a frame began since
        (the key's refresh goes first; a new frame has a whole frame's room of its own)."""
        if (begun != self._frames_begun or self._input_since_frame or self._frame_deferred
                or not self._running):  # the app shut down meanwhile
            return
        try:
            self._apply_frame(room, budget)
        except Exception as error:  # called by the loop itself, not through Textual
            self._handle_exception(error)

    def _show_frame(self, frame: Frame, selected: Entry | None) -> None:
        """Redraw what a frame changed (``selected``: the entry selected before it)."""
        if frame.delta is not None:
            self._show_entries(frame.entries, frame.delta, selected)
        if self.several_sources:
            self.show_source_statuses(frame.statuses)
        elif frame.status is not None:
            self.status_bar.show(frame.status, self._counts())
        self._show_notices(frame.notices)

    def _show_notices(self, notices: Sequence[Notice]) -> None:
        """One toast per frame at most: a burst of malformed frames must not bury the screen."""
        worth = [notice for notice in notices if notice.level in ("warning", "error")]
        if not worth:
            return
        last = worth[-1]
        more = f" (+{len(worth) - 1} more)" if len(worth) > 1 else ""
        self.notify(
            safe_line(last.message)[:300] + more,
            severity="error" if any(n.level == "error" for n in worth) else "warning",
            markup=False,
        )

    def _show_entries(self, entries: Sequence[Entry], delta: StoreDelta,
                      selected: Entry | None) -> None:
        if delta.reordered:
            self.stream.reorder(selected)
        else:
            self.stream.apply_batch(delta.matched_added, delta.evicted_from_view)
        if (self.stream.following and delta.matched_added >= self.stream.size.height
                and not self.ingest.backlog):
            self._skip_ticks = ticks_to_skip(self.rate.rate(), self.options.frame_interval)
        if self.stream.marks:
            self.stream.marks.forget_before(self.store.first_seq)
        shown = self.detail.entry if self.detail.display else None
        trace_id = trace_id_of(shown) if shown is not None else None
        if trace_id is not None and has_trace(entries, trace_id):
            self.detail.refresh_trace()
        self._show_filter()

    def _counts(self) -> BufferCounts:
        return BufferCounts(
            buffered=len(self.store),
            capacity=self.store.capacity,
            evicted=self.store.evicted,
            rate=self.rate.rate(),
        )

    def _status_timer(self) -> None:
        """The status timer's tick. While the one source is live, its counters and rate are
        redrawn by the next frame that brings entries, in the same screen update as the rows
        (a redraw of its own cost a second screen update per entry of a slow stream); a tick
        after :data:`STATUS_WAIT_TICKS` without one redraws them itself. Otherwise (a
        countdown, several sources), every tick redraws."""
        self._status_waits += 1
        if (self._status_waits >= STATUS_WAIT_TICKS or self.several_sources
                or self.status_bar.status.state is not ConnectionState.LIVE):
            self.refresh_status()

    def refresh_status(self) -> None:
        """Redraw the status bar (counters and countdowns); wakes the frame timer if anything
        is queued while it sleeps (a hand-over it was not told of)."""
        if self._frames_asleep and self.sink.pending:
            self._wake_frames()
        self.status_bar.show(None, self._counts())
        self._status_waits = 0

    def refresh_stats(self) -> None:
        """Redraw the stats pane from the tracker (and the server's statistics, if any)."""
        self._stats_due = False
        if self.stats_pane.display:
            filtered = self.outcome is not None and self.outcome.predicate is not None
            self.stats_pane.show(self.stats.snapshot(), filtered, self.server_stats_data,
                                 self.source_stats_lines())
        if self.stream.search is not None:
            # Evicted entries leave the count only here, once a second, not every frame; a
            # filter still running is counted when it is done.
            if self.filtering.progress is None:
                self.stream.recount_if_stale()
            self._update_stream_title()

    @work(thread=True, exclusive=True, group="server-stats", exit_on_error=False,
          description="fetch server stats")
    def fetch_server_stats(self) -> Mapping[str, Any]:
        """Fetch the server's statistics in a worker thread."""
        assert self.options.server_stats is not None
        return self.options.server_stats()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's outcome is handled here."""
        worker = event.worker
        if worker.group == HISTORY_GROUP:
            self.scroll_back_worker_changed(event)
            return
        if event.state is WorkerState.SUCCESS:
            if worker.group == "server-stats":
                self.server_stats_data = worker.result
            elif worker.group == "export":
                count, path = cast(tuple[int, Path], worker.result)
                self.notify(f"Exported {count:,} entries to {safe_line(str(path))}", markup=False)
        elif event.state is WorkerState.ERROR:
            reason = safe_line(str(worker.error))
            if worker.group == "export":
                self.notify(f"Export failed: {reason}", severity="error", markup=False)
            elif worker.group == "server-stats":
                self.server_stats_data = {"error": reason}

    # --- filters ----------------------------------------------------------------------------

    def _show_filter(self) -> None:
        self.filter_bar.show_counts(len(self.store.view), len(self.store))

    def apply_filter(self, expression: str, *, reconnect: bool = True) -> bool:
        """Apply an expression: the buffer is refiltered now, server terms go to the engine.

        Returns False (and shows the error inline) if the expression does not parse. With
        ``reconnect=False`` the server terms are taken as already in effect.
        """
        outcome = self.filter_bar.apply(expression)
        if outcome.ok:
            self._adopt_filter(outcome, reconnect=reconnect)
        else:
            self._show_filter()
        return outcome.ok

    @on(FilterBar.Applied)
    def _filter_applied(self, event: FilterBar.Applied) -> None:
        self._adopt_filter(event.outcome)
        if event.typed:
            # The matches are drawn before the focus moves to them: the move restyles both
            # widgets and repaints the whole screen (~10 ms the matches need not wait for).
            screen = self.screen
            if isinstance(screen, PromptScreen):
                screen.draw_now()
            self._focus(self.stream)

    def _filter_stepped(self) -> None:
        """A chunk of the buffer was filtered (see :mod:`logtui.tui.filter_job`): the search's
        matches are counted once the whole buffer is."""
        self.stream.reset_view(recount=self.filtering.progress is None)
        self._detail_follows_view()
        self._show_filter()
        self._update_stream_title()

    def _adopt_filter(self, outcome: FilterOutcome, *, reconnect: bool = True) -> None:
        """Filter the buffer with what the filter bar applied, and the server with its terms."""
        self.stream.set_filter_highlights(filter_highlights(outcome.expression))
        self.filtering.start(outcome.predicate)
        if self.several_sources:
            self.send_member_params(outcome, reconnect=reconnect)
            self.refresh_stats()
            return
        params = dict(outcome.server_params)
        if params != self.server_params:
            self.server_params = params
            if self.options.history_for is not None:
                self.scroll_back.reader = self.options.history_for(params)
            if self._source is not None and reconnect:
                self._source.set_server_filters(params)
        # The stats pane is redrawn when the filter's matches are counted, just after the
        # screen shows them: drawn now, its counts would be empty for a frame (and the screen
        # laid out twice for the lines they take).

    @on(FilterInput.Leave)
    def _filter_left(self) -> None:
        self._focus(self.stream)

    def action_cycle_toggle(self, field: str) -> None:
        """Move a quick toggle to its next value and apply the rewritten expression."""
        self.filter_bar.cycle_toggle(field)

    def action_clear_filter(self) -> None:
        """Remove the filter."""
        self.apply_filter("")

    # --- stream events ----------------------------------------------------------------------

    @on(StreamView.CursorMoved)
    def _cursor_moved(self, event: StreamView.CursorMoved) -> None:
        if self.detail.display and event.entry is not None:
            self.detail.show_entry(event.entry)
        self._update_stream_title()

    @on(StreamView.ReadingChanged)
    def _reading_changed(self) -> None:
        self._update_stream_title()

    def _update_stream_title(self) -> None:
        """The stream's title: the zone, wrap or sideways scroll, search matches, marks and
        the time from the nearest mark above the selected entry."""
        stream = self.stream
        parts = ["stream", f"times {zone_label(stream.zone)}"]
        progress = self.filtering.progress
        if progress is not None:
            parts.append(f"filtering {progress:.0%}")
        if stream.wrap:
            parts.append("wrapped")
        elif stream.sideways:
            parts.append(f"→{stream.sideways}")
        if self._search_problem is not None:
            parts.append(f"search: {self._search_problem}")
        elif stream.search is not None:
            count = stream.search_matches
            parts.append(f"{count:,} match{'es' if count != 1 else ''}")
        marks = len(stream.marks)
        if marks:
            parts.append(f"{marks} mark{'s' if marks != 1 else ''}")
            selected = stream.selected_entry
            delta = stream.marks.delta(selected) if selected is not None else None
            if delta is not None:
                parts.append(f"{format_delta(delta)} from mark")
        scroll_back = self.scroll_back_title()
        if scroll_back:
            parts.append(scroll_back)
        stream.border_title = " · ".join(parts)

    @on(StreamView.Selected)
    def _selected(self, event: StreamView.Selected) -> None:
        self.detail.display = True
        self._update_side()
        self.detail.show_entry(event.entry)

    def update_side(self) -> None:
        """Show the side column when one of its panes shows."""
        self._update_side()

    def _update_side(self) -> None:
        self._side.display = bool(self.detail.display or self.stats_pane.display)
        self._side.set_class(bool(self.detail.display), "-with-detail")

    # --- actions ----------------------------------------------------------------------------

    def _focus(self, widget: Widget) -> None:
        """Focus at once (``Widget.focus`` waits a turn, and keys typed fast would be lost)."""
        self.screen.set_focus(widget)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``/`` is a priority binding (so keys typed fast after it land in the filter), but in
        any input or dialog it must stay a slash: disabling the binding there lets the key
        through to the focused widget, in order with the keys around it."""
        if action == "focus_filter":
            return not isinstance(self.focused, Input) and not isinstance(
                self.screen, ModalScreen
            )
        return True

    def action_focus_filter(self) -> None:
        """``/``: type a filter."""
        self._focus(self.filter_input)

    def action_to_stream(self) -> None:
        """``esc``: back to the stream (and stop loading older entries)."""
        self.stop_scroll_back()
        self._focus(self.stream)
        self._close_empty_search()

    # --- search, zone, copy and open --------------------------------------------------------

    def action_search(self) -> None:
        """``ctrl+f``: open the search input (the rows stay; matches are highlighted)."""
        self._search.add_class("-open")
        self._focus(self._search)

    def _close_empty_search(self) -> None:
        if not self._search.value:
            self._search.remove_class("-open")

    @on(Input.Changed, "#search-input")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search_problem = self.stream.set_search(event.value)
        self._search.set_class(self._search_problem is not None, "-invalid")
        self._update_stream_title()

    @on(Input.Submitted, "#search-input")
    def _search_submitted(self) -> None:
        self._focus(self.stream)
        self._close_empty_search()
        if self.stream.search is not None and self.stream.cursor is None:
            self.stream.action_previous_match()  # the newest match first, as in a pager

    def action_toggle_zone(self) -> None:
        """``z``: show times in UTC or the local zone; a time-of-day filter follows."""
        stream = self.stream
        stream.zone = ZONES[(ZONES.index(stream.zone) + 1) % len(ZONES)]
        self.detail.zone = stream.zone
        self.detail.refresh_trace()
        self.status_bar.zone = stream.zone
        self.refresh_status()
        if self.outcome is not None:
            self.apply_filter(self.outcome.expression)
        self.notify(f"Times are shown in {zone_label(stream.zone)} time.", timeout=2)

    def _copied(self, what: str) -> None:
        """Say where a copy went, and warn when tmux may keep it from the terminal."""
        if self._osc52_blocked is None:
            self._osc52_blocked = tmux_blocks_osc52()
        if self._osc52_blocked:
            self.notify(f"Copied {what} {COPIED_VIA}, but {TMUX_HINT}.", severity="warning",
                        markup=False)
        else:
            self.notify(f"Copied {what} {COPIED_VIA}.", markup=False)

    def action_copy_field(self) -> None:
        """``C``: pick a field of the selected entry and copy its value."""
        entry = self._current_entry()
        if entry is None:
            self.notify("Select an entry first (j/k, enter).", severity="warning")
            return

        def copy(picked: tuple[str, str] | None) -> None:
            if picked is not None:
                path, value = picked
                self.copy_to_clipboard(value)
                self._copied(f"{safe_line(path)[:60]} of entry #{entry.seq}")

        self.push_screen(FieldPicker(entry.data), copy)

    def action_columns(self) -> None:
        """``|``: choose, order and resize the stream's columns (kept per source)."""
        view = self.store.view
        entry = self._current_entry() or (view[-1] if len(view) else None)
        self.push_screen(self._columns.chooser(entry), self._columns_chosen)

    def _columns_chosen(self, choices: tuple[ColumnChoice, ...] | None) -> None:
        if choices is not None:
            problem = self._columns.choose(self.stream, choices)
            if problem is not None:
                self.notify(safe_line(problem), severity="warning", markup=False)

    def action_open_entry(self) -> None:
        """``o``: read the selected entry in the pager, the dashboard suspended meanwhile."""
        entry = self._current_entry()
        if entry is None:
            self.notify("Select an entry first (j/k, enter).", severity="warning")
            return
        problem: str | None = None
        try:
            with self.suspend():
                # Textual resumes the screen only if the block ends normally: catch in here.
                try:
                    show_in_pager(entry, self._run_pager)
                except (OSError, subprocess.SubprocessError) as error:
                    problem = str(error)
        except SuspendNotSupported:
            problem = "this terminal cannot be handed over"
        if problem is not None:
            self.notify(f"Could not open a pager: {safe_line(problem)[:200]}",
                        severity="error", markup=False)

    @staticmethod
    def _run_pager(command: Sequence[str]) -> object:
        """Run the pager on the terminal and wait for it (tests replace this)."""
        return subprocess.run(list(command), check=False)  # noqa: S603 (the user's own $PAGER)

    def action_toggle_pause(self) -> None:
        """``space``: pause or resume the view."""
        self.stream.toggle_pause()

    def action_follow(self) -> None:
        """``end``/``f``: follow the newest entries."""
        self.stream.follow()

    def action_stream(self, name: str) -> None:
        """Run a stream pane action by name (for the command palette)."""
        getattr(self.stream, f"action_{name}")()

    def action_toggle_stats(self) -> None:
        """``s``: show or hide the stats pane."""
        self.stats_pane.display = not self.stats_pane.display
        self._update_side()
        self.refresh_stats()

    def action_cycle_histogram(self) -> None:
        """``H``: the stats histogram's next span."""
        self.stats_pane.histogram.cycle()

    def action_toggle_detail(self) -> None:
        """``d``: show or hide the detail pane."""
        detail = self.detail
        detail.display = not detail.display
        if detail.display:
            detail.show_entry(self.stream.selected_entry or detail.entry)
        self._update_side()

    def _detail_follows_view(self) -> None:
        """After a filter change the detail shows the selected entry, or nothing if the entry
        it showed is filtered out."""
        detail = self.detail
        shown = detail.entry
        if detail.display and shown is not None and not self.stream.contains(shown):
            detail.show_entry(self.stream.selected_entry)

    def _current_entry(self) -> Entry | None:
        return self.stream.selected_entry or (self.detail.entry if self.detail.display else None)

    def action_trace(self) -> None:
        """``t``: filter the stream to the selected entry's trace."""
        entry = self._current_entry()
        trace_id = trace_id_of(entry) if entry is not None else None
        if trace_id is None:
            self.notify("The selected entry has no traceId.", severity="warning")
            return
        if safe_line(trace_id) != trace_id:
            self.notify("This traceId holds control characters; filter by hand.",
                        severity="warning")
            return
        self.apply_filter(f"traceId={quote(trace_id)}")

    def action_copy_entry(self) -> None:
        """``c``: copy the selected entry as JSON (OSC 52, works over ssh)."""
        entry = self._current_entry()
        if entry is None:
            self.notify("Select an entry first (j/k, enter).", severity="warning")
            return
        from logtui.tui.export import export_line

        self.copy_to_clipboard(export_line(entry))
        self._copied(f"entry #{entry.seq} as JSON")

    def action_reconnect(self) -> None:
        """``r``: reconnect now."""
        if self._source is not None:
            self._source.reconnect_now()
            self.notify("Reconnecting now.")

    def action_export(self) -> None:
        """``e``: ask for a path and write the filtered view as NDJSON."""
        stamp = file_stamp(self.clock(), self.stream.zone)
        default = str(self._export_dir / f"logtui-{self.kind}-{stamp}.ndjson")
        count = len(entries_only(self.store.view))  # gap rows are not exported
        self.push_screen(ExportScreen(default, count), self._export_to)

    def _export_to(self, path: str | None) -> None:
        if path:
            self.export_view(Path(path), entries_only(self.store.view))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False,
          description="export the view")
    def export_view(self, path: Path, entries: list[Entry]) -> tuple[int, Path]:
        """Write ``entries`` to ``path`` in a worker thread."""
        return write_ndjson(path, entries), path

    def action_help(self) -> None:
        """``?``: the help screen."""
        self.push_screen(HelpScreen(self._keymap))

    async def action_quit(self) -> None:
        """``q``: leave."""
        state = self.status_bar.status.state
        failed = self.all_sources_failed() if self.several_sources else (
            state is ConnectionState.FAILED)
        code = 3 if failed else 0
        self.keep_final_setup()
        self.exit(code, return_code=code)

    def action_help_quit(self) -> None:
        """Ctrl-C (with no text selected to copy): quit with 130, like an interrupted command.

        Textual only tells the user how to quit; a terminal user means it.
        """
        self.keep_final_setup()
        self.exit(INTERRUPTED, return_code=INTERRUPTED)


def _holds_collection(event: Message) -> bool:
    """Whether ``event`` is input a user waits to see the effect of (not a mouse move)."""
    return isinstance(event, events.InputEvent) and not isinstance(event, events.MouseMove)


def create_app(source_factory: SourceFactory, kind: str, options: AppOptions | None = None,
               /, *, description: str = "", **changes: Any) -> LogtuiApp:
    """Build the dashboard; the CLI, tests and screenshots all come through here.

    Keyword arguments other than ``description`` are :class:`AppOptions` fields, applied over
    ``options``.
    """
    options = replace(options or AppOptions(), **changes)
    return LogtuiApp(source_factory, SourceStatus(kind=kind, description=description), options)
