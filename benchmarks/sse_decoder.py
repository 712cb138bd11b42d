"""Micro-benchmark: logtui's SSE decoder beside httpx-sse's, on the same bytes.

Run ``python benchmarks/sse_decoder.py [--events N] [--chunk BYTES]`` from the repository root.
The input is proxy-logs framing (``id:`` then one ``data:`` line of about 450 bytes of JSON)
cut into network-sized chunks. httpx-sse is driven the way its ``aiter_sse`` drives it: bytes
decoded incrementally to text, then its line decoder, then its event decoder. Each side is
timed best-of-N, the two alternating, decoding only (no JSON parsing, no sockets).
"""

from __future__ import annotations

import argparse
import codecs
import json
import time
from collections.abc import Callable

from httpx_sse._decoders import SSEDecoder as HttpxSSEDecoder
from httpx_sse._decoders import SSELineDecoder

from logtui.core.sse import SSEDecoder


def make_stream(count: int) -> bytes:
    """``count`` proxy-logs frames, each about 450 bytes of JSON."""
    frames = []
    for n in range(count):
        payload = json.dumps(
            {
                "id": 84_321 + n,
                "traceId": f"f47ac10b-58cc-4372-a567-{n:012d}",
                "tsMs": 1_718_201_234_000 + n,
                "kind": "request",
                "level": "info",
                "projectId": "proj_a1b2c3d4",
                "containerId": "cnt_x9y8z7w6",
                "method": "GET",
                "url": f"/v1/invoices?customer=cus_{n}&limit=50",
                "status": 200,
                "durationMs": n % 997,
                "source": "backend",
                "userAgent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128",
                "service": "billing-api",
                "message": "GET /v1/invoices completed with 200 in the billing service handler",
            },
            separators=(",", ":"),
        )
        frames.append(f"id: {12_345 + n}\ndata: {payload}\n\n".encode())
    return b"".join(frames)


def chunked(stream: bytes, size: int) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def run_ours(chunks: list[bytes]) -> int:
    decoder = SSEDecoder()
    count = 0
    for chunk in chunks:
        count += len(decoder.feed(chunk))
    decoder.close()
    return count


def run_httpx_sse(chunks: list[bytes]) -> int:
    text_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines = SSELineDecoder()
    decoder = HttpxSSEDecoder()
    count = 0
    for chunk in chunks:
        for line in lines.decode(text_decoder.decode(chunk)):
            if decoder.decode(line.rstrip("\n")) is not None:
                count += 1
    for line in lines.flush():
        if decoder.decode(line) is not None:
            count += 1
    return count


def best_rates(
    runs: list[Callable[[list[bytes]], int]], chunks: list[bytes], repeat: int
) -> list[float]:
    """Events/s of each run, best of ``repeat``; runs alternate so load changes hit all alike."""
    best = [float("inf")] * len(runs)
    events = [0] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            start = time.perf_counter()
            events[index] = run(chunks)
            best[index] = min(best[index], time.perf_counter() - start)
    return [count / seconds for count, seconds in zip(events, best, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=65_536, help="bytes per network chunk")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    stream = make_stream(args.events)
    chunks = chunked(stream, args.chunk)
    ours, theirs = best_rates([run_ours, run_httpx_sse], chunks, args.repeat)
    size = len(stream) / args.events
    print(f"{args.events} events of {size:.0f} bytes in {args.chunk}-byte chunks")
    print(f"logtui SSEDecoder     {ours:>12,.0f} events/s")
    print(f"httpx-sse 0.4.3       {theirs:>12,.0f} events/s")
    print(f"ratio                 {ours / theirs:>12.2f}x")


if __name__ == "__main__":
    main()
