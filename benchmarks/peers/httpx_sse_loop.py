"""Baseline (a): the bare ``httpx`` + ``httpx-sse`` + ``json.loads`` loop logtui must keep up with.

Usage: ``python -m benchmarks.peers.httpx_sse_loop STREAM_URL`` with the token in
``BENCH_TOKEN``. Parses every entry, keeps nothing, stops at ``scope-destroyed`` and prints the
entry count on stderr so the harness can check nothing was missed.
"""

from __future__ import annotations

import json
import os
import sys

import httpx
from httpx_sse import connect_sse


def main(url: str) -> int:
    """Consume the stream once; returns the process exit code."""
    headers = {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"}
    count = 0
    with (
        httpx.Client(timeout=None) as client,
        connect_sse(client, "GET", url, headers=headers) as source,
    ):
        for event in source.iter_sse():
            if event.event == "scope-destroyed":
                break
            json.loads(event.data)
            count += 1
    print(count, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
