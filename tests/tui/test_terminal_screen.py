"""Each screen update is written as only the cells that change, with the terminal scrolling the
rows that moved, and the terminal shows exactly what Textual's own output would show.

A small terminal (cursor moves, colour codes, text, line feeds and a scroll region, as a VT100
handles them) reads Textual's updates on one side and the rewritten ones on the other; after
every update both must show the same cells, each with its look (a blank shows only its
background, reversal and lines).
"""

from __future__ import annotations

import io
import os
import random

from rich.console import Console
from textual._compositor import CompositorUpdate

from logtui.core.models import ConnectionState, SourceKind, SourceStatus
from logtui.tui.app import LogtuiApp
from logtui.tui.terminal_screen import ScreenDiff

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame, settle
from .vt import Terminal

WIDTH, HEIGHT = 120, 40


def _console() -> Console:
    """A 24-bit colour terminal's console, as the dashboard writes to one."""
    return Console(file=io.StringIO(), width=WIDTH, height=HEIGHT, force_terminal=True,
                   color_system="truecolor", legacy_windows=False)


class Recorder:
    """Every update the app hands to its display, as Textual writes it to the terminal."""

    def __init__(self, app: LogtuiApp) -> None:
        self.updates: list[str] = []
        display = app._display
        console = _console()

        def record(screen: object, renderable: object) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.updates.append(renderable.render_segments(console))
            display(screen, renderable)  # type: ignore[arg-type]

        app._display = record  # type: ignore[method-assign]


def _replay(updates: list[str]) -> tuple[Terminal, Terminal, int, int]:
    """Both terminals after every update (compared after each one), and the bytes each read."""
    textual, ours = Terminal(WIDTH, HEIGHT), Terminal(WIDTH, HEIGHT)
    diff = ScreenDiff(lambda: (WIDTH, HEIGHT))
    sent = written = 0
    for update in updates:
        rewritten = diff.rewrite(update)
        textual.feed(update)
        ours.feed(rewritten)
        assert ours.rows == textual.rows
        sent += len(update.encode())
        written += len(rewritten.encode())
    return textual, ours, sent, written


def _live(received: int) -> SourceStatus:
    return SourceStatus(kind=SourceKind.PROXY, description="proxy", state=ConnectionState.LIVE,
                        received=received)


async def test_an_entry_in_a_full_pane_is_a_scroll_and_a_row_not_the_whole_pane(
    make_app: AppMaker,
) -> None:
    entries = proxy_entries(80)
    app, factory = make_app(entries=entries[:60], statuses=[_live(60)])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        recorder = Recorder(app)
        whole = app.screen._compositor.render_update(full=True).render_segments(_console())
        assert factory.source is not None
        for index in range(60, 66):
            factory.source.push(entries[index : index + 1])
            await frame(pilot)
    updates = recorder.updates
    _, ours, sent, written = _replay([whole, *updates])
    _, _, whole_sent, whole_written = _replay([whole])
    assert ours.scrolls == 6  # one line an entry
    assert sent - whole_sent > 6 * 5000  # Textual repaints the whole pane for every entry
    assert written - whole_written < (sent - whole_sent) / 5


def test_random_updates_show_the_same_cells() -> None:
    rng = random.Random(7)
    styles = ["\x1b[38;2;1;2;3;48;2;9;9;9m", "\x1b[1;38;2;200;2;3;48;2;9;9;9m",
              "\x1b[4;38;2;1;2;3;48;2;0;0;0m", "\x1b[7;38;2;5;5;5;48;2;9;9;9m", "\x1b[2m"]
    screen = [[(rng.choice("ab "), rng.choice(styles)) for _ in range(WIDTH)]
              for _ in range(HEIGHT)]

    def paint(rows: range, left: int, right: int) -> str:
        out = []
        for y in rows:
            out.append(f"\x1b[{y + 1};{left + 1}H")
            for char, style in screen[y][left:right]:
                out.append(f"{style}{char}\x1b[0m")
            out.append("\n")
        return "".join(out[:-1]) + "\x1b[1;1H"

    updates = [paint(range(HEIGHT), 0, WIDTH)]
    for _ in range(60):
        top = rng.randrange(HEIGHT - 5)
        bottom = rng.randrange(top + 3, HEIGHT)
        left = rng.randrange(WIDTH // 2)
        right = rng.randrange(left + 1, WIDTH + 1)
        kind = rng.random()
        if kind < 0.5:  # a pane scrolls by a few lines
            lines = rng.randrange(1, 4)
            for y in range(top, bottom + 1):
                source = screen[y + lines] if y + lines <= bottom else [
                    (rng.choice("xyz"), rng.choice(styles)) for _ in range(WIDTH)]
                screen[y][left:right] = source[left:right]
        else:  # some cells change
            for y in range(top, bottom + 1):
                for x in range(left, right):
                    if rng.random() < 0.2:
                        screen[y][x] = (rng.choice("abc "), rng.choice(styles))
        updates.append(paint(range(top, bottom + 1), left, right))
    _, ours, sent, written = _replay(updates)
    assert ours.scrolls  # the terminal scrolled some of them
    assert written < sent / 2


def _paint(rows: list[str], top: int = 0) -> str:
    """An update writing ``rows`` from row ``top``, as Textual writes one."""
    style = "\x1b[38;2;224;224;224;48;2;18;18;18m"
    return "\n".join(f"\x1b[{top + y + 1};1H{style}{row}\x1b[0m" for y, row in enumerate(rows))


def test_after_a_write_it_cannot_follow_every_cell_is_written_again() -> None:
    diff = ScreenDiff(lambda: (WIDTH, HEIGHT))
    rows = [f"row {y}".ljust(WIDTH) for y in range(HEIGHT)]
    diff.rewrite(_paint(rows))
    assert diff.rewrite(_paint(rows)) == ""  # the terminal shows it all already
    diff.rewrite("\x1b[?25h")  # a mode: no cell changes
    assert diff.rewrite(_paint(rows)) == ""
    diff.rewrite("\x1b[2J")  # the screen cleared
    assert "row 5" in diff.rewrite(_paint(rows))
    diff.rewrite("\x07")  # anything not known to leave the cells alone
    assert "row 5" in diff.rewrite(_paint(rows))


def test_a_new_terminal_size_forgets_the_screen() -> None:
    size = [(WIDTH, HEIGHT)]
    diff = ScreenDiff(lambda: size[0])
    rows = [f"row {y}".ljust(80) for y in range(24)]
    diff.rewrite(_paint(rows))
    size[0] = (100, 30)
    assert "row 5" in diff.rewrite(_paint(rows))


def test_rows_with_wide_characters_are_written_as_they_came() -> None:
    diff = ScreenDiff(lambda: (WIDTH, HEIGHT))
    rows = [f"row {y} 日本".ljust(WIDTH - 2) for y in range(HEIGHT)]
    terminal_a, terminal_b = Terminal(WIDTH, HEIGHT), Terminal(WIDTH, HEIGHT)
    for update in (_paint(rows), _paint(rows[1:] + rows[:1]), _paint(rows)):
        rewritten = diff.rewrite(update)
        assert "日本" in rewritten
        terminal_a.feed(update)
        terminal_b.feed(rewritten)
        assert terminal_a.rows == terminal_b.rows


async def test_the_driver_writes_a_scrolled_pane_as_a_scroll_and_its_new_row() -> None:
    from textual.app import App

    from logtui.tui.driver import TolerantLinuxDriver

    class Writer:
        def __init__(self) -> None:
            self.written: list[str] = []

        def write(self, data: str) -> None:
            self.written.append(data)

        def flush(self) -> None:
            pass

    driver = TolerantLinuxDriver(App(), debug=False, mouse=False)
    writer = Writer()
    driver._file = writer  # type: ignore[assignment]
    driver._screen_size = lambda: (WIDTH, HEIGHT)  # type: ignore[method-assign]
    rows = [f"│ entry {n:04d} {'x' * (n % 50)}".ljust(WIDTH) for n in range(HEIGHT + 1)]
    driver.write(_paint(rows[:HEIGHT]))
    driver.write(_paint(rows[1 : HEIGHT + 1]))
    terminal = Terminal(WIDTH, HEIGHT)
    for data in writer.written:
        terminal.feed(data)
    assert terminal.text().splitlines() == rows[1:]
    assert terminal.scrolls == 1
    assert len(writer.written[1]) < 2 * len(rows[HEIGHT]) + 40


async def test_the_driver_has_written_an_update_to_the_terminal_when_it_returns() -> None:
    """No writer thread between an update and the terminal: the write is done on return."""
    import contextlib
    import pty

    from textual.app import App

    from logtui.tui.driver import TolerantLinuxDriver

    master, slave = pty.openpty()
    try:
        terminal = io.TextIOWrapper(io.FileIO(slave, "w", closefd=False), encoding="utf-8")
        driver = TolerantLinuxDriver(App(), debug=False, mouse=False)
        driver._file = terminal
        driver._screen_size = lambda: (WIDTH, HEIGHT)  # type: ignore[method-assign]
        rows = [f"│ entry {n:04d}".ljust(WIDTH) for n in range(HEIGHT)]
        driver.write(_paint(rows))
        os.set_blocking(master, False)
        chunks: list[bytes] = []
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(master, 1 << 16):
                chunks.append(chunk)
        received = b"".join(chunks).decode()
        assert "entry 0000" in received and f"entry {HEIGHT - 1:04d}" in received
    finally:
        os.close(master)
        os.close(slave)
