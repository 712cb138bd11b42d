"""logtui's benchmark harness: every figure measured beside a baseline in the same run.

Run ``python -m benchmarks [--quick] [--json PATH]`` from the repository root. Each case lives
in ``benchmarks.cases``; the pre-generated SSE server in ``benchmarks.sse_server`` keeps the
server from ever being the bottleneck.
"""
