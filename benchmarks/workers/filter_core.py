"""Worker: a new client-side filter applied over a full buffer, beside plain ``re.search``.

Fills an ``EntryStore`` with 100,000 realistic entries, then times parse + compile +
``set_filter`` of an expression with a field term and a regex. The baseline is two
``re.search`` calls per raw JSON string (one per term), the least any filter could do.
Also times the first chunk a large buffer is filtered by (the newest 10,000 rows: what the
dashboard shows first). Prints ``{"ours": [s...], "first": [s...], "baseline": [s...],
"matched": n, "baseline_matched": n}``.
"""

from __future__ import annotations

import json
import re
import sys
import time

from benchmarks.payloads import payload_texts
from benchmarks.profiling import profile_call
from benchmarks.workers import emit, not_available

EXPRESSION = 'service:api url~"^/v1/(users|invoices)"'
BASELINE_PATTERNS = (r'"serviceName":"[^"]*api', r'"url":"/v1/(users|invoices)')


def main(count: int, reps: int) -> None:
    """Measure and print the result line."""
    try:
        from logtui.core.fields import FieldResolver
        from logtui.core.filters import compile_predicate, parse
        from logtui.core.models import Entry, SourceKind
        from logtui.core.store import EntryStore
    except ImportError as error:
        not_available(f"core filters or store missing: {error}")
    raws = payload_texts(count)
    store = EntryStore(count)
    for offset in range(0, count, 10_000):  # as a stream arrives: never all parsed at once
        store.extend([Entry(raw=raw, data=json.loads(raw))
                      for raw in raws[offset : offset + 10_000]])
    fields = FieldResolver.for_kind(SourceKind.PROXY)
    patterns = [re.compile(p, re.IGNORECASE) for p in BASELINE_PATTERNS]
    ours: list[float] = []
    first_chunk: list[float] = []
    baseline: list[float] = []
    baseline_matched = 0
    for _ in range(reps):
        store.set_filter(None)
        start = time.perf_counter()
        store.set_filter(compile_predicate(parse(EXPRESSION), fields))
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        store.start_filter(compile_predicate(parse(EXPRESSION), fields)).step(10_000)
        first_chunk.append(time.perf_counter() - start)
        start = time.perf_counter()
        first, second = patterns
        kept = [raw for raw in raws if first.search(raw) and second.search(raw)]
        baseline.append(time.perf_counter() - start)
        baseline_matched = len(kept)
    store.set_filter(None)
    predicate_profile = profile_call(
        lambda: store.set_filter(compile_predicate(parse(EXPRESSION), fields)), top=8
    )
    emit(
        {
            "profile": predicate_profile,
            "ours": ours,
            "first": first_chunk,
            "baseline": baseline,
            "matched": len(store.view),
            "baseline_matched": baseline_matched,
            "expression": EXPRESSION,
        }
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
