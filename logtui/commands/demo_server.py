"""``logtui demo-server``: serve the demo APIs until Ctrl-C, printing where and how to connect.

Module level imports only the standard library; the server is imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

from logtui.demo.fault_grammar import GRAMMAR
from logtui.demo.instant_modes import MODES, describe_modes
from logtui.demo.nextdns_modes import MODES_HELP
from logtui.demo.proxy_modes import MODES as PROXY_MODES
from logtui.demo.proxy_modes import describe_modes as describe_proxy_modes

if TYPE_CHECKING:
    from logtui.demo.server import DemoServer

HELP = (
    "Run the embedded demo server (proxy-logs, NextDNS, Instant Logs) with realistic traffic "
    "and faults."
)

DEFAULT_TOKEN = "demo-token"  # noqa: S105 (a public demo credential)
DEFAULT_API_KEY = "demo-key"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the demo server's flags; the fault grammar goes in the help epilog."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = f"{GRAMMAR}\n\n{describe_proxy_modes()}\n\n{describe_modes()}\n\n{MODES_HELP}"
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=0,
                        help="port to listen on (default: 0, a free port)")
    parser.add_argument("--rate", type=float, default=20.0, metavar="N",
                        help="entries generated per second for each API (default: 20)")
    parser.add_argument("--seed", type=int, default=1, metavar="S",
                        help="random seed; the same seed gives the same traffic (default: 1)")
    parser.add_argument("--history", type=int, default=500, metavar="N",
                        help="entries generated before start for history loading (default: 500)")
    parser.add_argument("--faults", default="", metavar="SPEC",
                        help="inject faults into streams; grammar below")
    parser.add_argument("--nextdns-modes", default="", metavar="SPEC",
                        help="NextDNS behaviours beyond the documented default; list below")
    parser.add_argument("--token", default=DEFAULT_TOKEN, metavar="T",
                        help=f"proxy-logs Bearer token to accept (default: {DEFAULT_TOKEN})")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, metavar="K",
                        help=f"NextDNS X-Api-Key to accept (default: {DEFAULT_API_KEY})")
    parser.add_argument("--heartbeat", type=float, default=15.0, metavar="S",
                        help="seconds of silence before an SSE heartbeat (default: 15)")
    parser.add_argument("--proxy-mode", action="append", default=[], choices=tuple(PROXY_MODES),
                        metavar="MODE", dest="proxy_modes",
                        help="serve proxy-logs as another documented setup (repeatable;"
                        " modes below)")
    parser.add_argument("--instant-mode", action="append", default=[], choices=tuple(MODES),
                        metavar="MODE", dest="instant_modes",
                        help="switch on a behaviour of the real Instant Logs service"
                        " (repeatable; modes below)")


def run(args: argparse.Namespace) -> int:
    """Start the server, print its URLs and credentials, and serve until Ctrl-C or SIGTERM."""
    import logging

    from logtui.core.errors import ConfigError
    from logtui.demo import DemoConfig
    from logtui.demo.server import DemoServer

    if args.rate < 0 or args.heartbeat <= 0 or args.history < 0:
        raise ConfigError("--rate and --history must be >= 0 and --heartbeat > 0")
    logging.basicConfig(level=logging.WARNING, format="demo-server: %(message)s")
    config = DemoConfig(
        seed=args.seed, rate=args.rate, token=args.token, api_key=args.api_key,
        heartbeat=args.heartbeat, faults=args.faults, history=args.history,
        host=args.host, port=args.port, instant_modes=frozenset(args.instant_modes),
        nextdns_modes=args.nextdns_modes,
        proxy_modes=frozenset(args.proxy_modes),
    )
    server = DemoServer(config)
    server.start()
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        _announce(server, custom_token=args.token != DEFAULT_TOKEN,
                  custom_key=args.api_key != DEFAULT_API_KEY)
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    print("demo server stopped", file=sys.stderr)
    return 0


def _announce(server: DemoServer, *, custom_token: bool, custom_key: bool) -> None:
    """Print where each API lives and which credentials it accepts (user-chosen ones are
    not echoed back)."""
    config = server.config
    token = "the value given with --token" if custom_token else config.token
    key = "the value given with --api-key" if custom_key else config.api_key
    base = server.base_url
    lines = [
        f"logtui demo server listening on {base}",
        "",
        f"  {'proxy-logs':<14}{server.proxy_url}",
        f"  {'':<14}GET /_logs, /_logs/stats, /_logs/stream",
        f"  {'':<14}Authorization: Bearer {token}",
        f"  {'NextDNS':<14}{server.nextdns_url}",
        f"  {'':<14}GET /profiles/<any>/logs, /profiles/<any>/logs/stream",
        f"  {'':<14}X-Api-Key: {key}",
        f"  {'Instant Logs':<14}{server.instant_logs_url}",
        f"  {'':<14}POST /zones/<any>/logpush/edge/jobs (kind instant-logs)",
        f"  {'':<14}Authorization: Bearer {token}",
        f"  {'':<14}or X-Auth-Email: {config.auth_email} with X-Auth-Key: {key}",
        f"  {'':<14}or POST {base}/v2/<CRN>/zones/<any>/logpush/edge/jobs (IBM CIS form)",
        f"  {'':<14}with X-Auth-User-Token: Bearer {token}",
        "",
        f"  try: curl -N -H 'Authorization: Bearer {'T' if custom_token else config.token}'"
        f" {server.proxy_url}/_logs/stream",
        "",
        f"rate {config.rate:g}/s per API, seed {config.seed}, heartbeat {config.heartbeat:g}s"
        + (f", faults {config.faults}" if config.faults else "")
        + (f", proxy-logs modes {', '.join(sorted(config.proxy_modes))}"
           if config.proxy_modes else "")
        + (f", Instant Logs modes {', '.join(sorted(config.instant_modes))}"
           if config.instant_modes else "")
        + (f", NextDNS modes {config.nextdns_modes}" if config.nextdns_modes else ""),
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
