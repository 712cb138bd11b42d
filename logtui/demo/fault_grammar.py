"""The ``--faults`` grammar as help text; standard library only so ``--help`` stays fast."""

from __future__ import annotations

from typing import Final

GRAMMAR: Final[str] = """\
fault specification (--faults): comma-separated items; N counts events on one
connection, ~N draws a random count averaging N:
  cut=N          cut each stream mid-frame after N events (half a frame, then close)
  stall=N:S      every N events, send nothing (not even heartbeats) for S seconds
  garbage=N      every N events, insert a frame whose data is not JSON
  end=N          end each stream cleanly after N events
  reset=N        proxy-logs: after N events send 'event: reset' (ring emptied,
                 ringSeq jumps by 10000) and close
  scope=N        proxy-logs: after N events send 'event: scope-destroyed' and close
  drop=N         Instant Logs: drop the WebSocket (no close frame) after N records
  expire=N       Instant Logs: end the session after N records
  429=K[/P][:S]  answer 429 with Retry-After S (default 1) to the first K stream
                 connections, or to the first K of every P connections
  503=K[/P][:S]  the same with 503
  eol=lf|crlf|cr line ends used in every frame
  split          write each JSON payload over several data: lines
example: --faults cut=500,stall=2000:20,reset=5000,429=1,garbage=100
"""
