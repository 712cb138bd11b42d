"""Hostile entries in a real terminal: ``logtui sse`` in tmux, fed by a tiny server in the test.

tmux interprets escape sequences the way a terminal does: OSC 0/2 would change the pane title,
OSC 52 would fill a paste buffer (``set-clipboard on``), ``ESC[2J`` would blank the screen. The
test first proves this tmux does act on them (a raw ``printf`` changes the title), then runs
the dashboard on hostile entries and checks the title and paste buffers are untouched, the
screen shows the visible placeholders and the literal markup, and ``q`` still quits cleanly.
Skipped when tmux is not installed.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .hostile import ESCAPES, MARKUP

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

TITLE = "logtui-title-guard"
END_MARK = "end-of-hostile-entries"


def _events() -> bytes:
    parts = []
    for n, (name, text) in enumerate({**ESCAPES, **MARKUP}.items()):
        payload = json.dumps({"message": f"{name}: {text}"}, ensure_ascii=False)
        parts.append(f"id: {n}\ndata: {payload}\n\n")
    parts.append(f"data: plain {ESCAPES['osc0-title']}{MARKUP['close-tag']}\n\n")
    parts.append(f'data: {{"message": "{END_MARK}"}}\n\n')
    return "".join(parts).encode("utf-8")


class HostileServer:
    """Serves the hostile events on every connection, then holds the stream open."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # so the thread notices a stop promptly
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                   b"Connection: close\r\n\r\n" + _events())
                connection.settimeout(0.5)
                while not self._stop.is_set():
                    try:
                        if not connection.recv(1024):
                            return
                    except TimeoutError:
                        connection.sendall(b":\n\n")
            except OSError:
                return


class Tmux:
    """A private tmux server (its own socket) holding one session."""

    def __init__(self, name: str) -> None:
        self.socket = name
        self.session = name

    def __call__(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                                text=True, timeout=10, check=True)
        return result.stdout

    def start(self, command: str) -> None:
        self("-f", "/dev/null", "new-session", "-d", "-s", self.session, "-x", "120",
             "-y", "40", command)
        self("set-option", "-g", "set-clipboard", "on")
        self("set-option", "-t", self.session, "remain-on-exit", "on")
        self("select-pane", "-t", self.session, "-T", TITLE)

    def pane(self, fmt: str) -> str:
        return self("display-message", "-p", "-t", self.session, fmt).strip()

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", self.session)

    def buffers(self) -> str:
        return self("list-buffers")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=10, check=False)


def _wait(condition: Callable[[], bool], within: float = 20) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    session = Tmux(f"logtui-security-{os.getpid()}")
    try:
        yield session
    finally:
        session.kill()


def test_a_raw_title_sequence_does_change_this_tmux_pane_title(tmux: Tmux) -> None:
    """The control: without logtui in between, the sequence acts, so the next test means it."""
    tmux.start("sleep 0.5; printf '\\033]2;pwned\\007'; sleep 30")
    assert _wait(lambda: tmux.pane("#{pane_title}") == "pwned", 5)


def test_hostile_entries_in_tmux_change_no_title_or_clipboard_and_q_still_quits(
    tmux: Tmux, tmp_path: Path
) -> None:
    with HostileServer() as server:
        command = shlex.join([
            sys.executable, "-m", "logtui", "sse", f"http://127.0.0.1:{server.port}/stream",
            "--output", "tui", "--no-resume", "--state-dir", str(tmp_path / "state"),
        ])
        exit_file = tmp_path / "exit-code"
        tmux.start(f"cd {shlex.quote(str(tmp_path))} && {command}; "
                   f"echo $? > {shlex.quote(str(exit_file))}")
        shown = _wait(lambda: END_MARK in tmux.screen())
        screen = tmux.screen()
        assert shown, f"the dashboard did not show the entries:\n{screen}"

        assert tmux.pane("#{pane_title}") == TITLE
        assert tmux.buffers() == "", "a clipboard write (OSC 52) got through"
        for placeholder in ("␛]0;pwned-title␇", "␛[2J", "␛[21t", "<U+009B>31m", "a␡b",
                            "<U+202E>exe.txt", "[/red]", "[@click=app.quit]quit[/]"):
            assert placeholder in screen, f"{placeholder!r} is not on the screen:\n{screen}"
        assert tmux.pane("#{pane_dead}") == "0"

        tmux("send-keys", "-t", tmux.session, "q")
        assert _wait(lambda: tmux.pane("#{pane_dead}") == "1", 10), "q did not quit"
        assert exit_file.read_text().strip() == "0"
        assert tmux.pane("#{pane_title}") == TITLE
