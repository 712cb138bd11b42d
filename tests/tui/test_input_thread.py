"""The terminal driver's input thread waits for input instead of looking ten times a second,
yet a lone escape still arrives (after the parser's own timeout, with nothing typed after it)
and quitting wakes the thread at once."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from textual._xterm_parser import XTermParser

from logtui.tui.driver import POLL_SECONDS, WakingEvent, input_wait
from tests.engine.scripted_server import Reply, ScriptedServer

from .pty_process import PtyProcess

SEARCH_PROMPT = b"search the rows"


def test_the_input_thread_waits_for_good_unless_a_key_is_cut_short() -> None:
    parser = XTermParser(debug=False)
    assert input_wait(parser, wakes=True) is None
    assert input_wait(parser, wakes=False) == POLL_SECONDS  # nothing can wake it: Textual's pace
    assert list(parser.feed("\x1b")) == []  # an escape alone may begin a sequence
    wait = input_wait(parser, wakes=True)
    assert wait is not None and 0 < wait <= POLL_SECONDS


def test_setting_the_exit_flag_wakes_the_wait() -> None:
    import selectors

    flag = WakingEvent()
    selector = selectors.SelectSelector()
    selector.register(flag.waker(), selectors.EVENT_READ)
    assert selector.select(0) == []
    flag.set()
    assert len(selector.select(0)) == 1
    flag.clear()
    selector.close()
    selector = selectors.SelectSelector()
    selector.register(flag.waker(), selectors.EVENT_READ)  # earlier wakes are emptied
    assert selector.select(0) == []
    selector.close()


async def test_a_lone_escape_closes_the_search_and_q_quits_at_once(tmp_path: Path) -> None:
    entry = {"message": "marker-entry", "kind": "request", "method": "GET"}
    async with ScriptedServer() as server:
        server.script("/events", [Reply(parts=[f"data: {json.dumps(entry)}\n\n".encode()],
                                        hold_open=True)])
        process = PtyProcess(["-m", "logtui", "sse", server.url("/events")], tmp_path)
        try:
            await asyncio.to_thread(process.wait_for, b"marker-entry")
            process.type(b"\x06")  # ctrl+f: the search row opens
            await asyncio.to_thread(process.wait_for, SEARCH_PROMPT)
            process.type(b"\x1b")  # and nothing after it: only the parser's timeout sends it
            await asyncio.to_thread(process.wait_gone, SEARCH_PROMPT, 10)
            process.type(b"q")
            started = time.monotonic()
            code = await asyncio.to_thread(process.wait, 30)
            took = time.monotonic() - started
        finally:
            process.kill()
    assert code == 0
    assert took < 10  # a thread that was never woken would hold the exit for good
