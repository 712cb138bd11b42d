"""The detail pane's JSON highlighter (pygments, 1.3 MB resident and about 10 ms to import)
is loaded when an entry is first opened, not by every dashboard that never opens one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

OPENED = textwrap.dedent("""
    import sys
    import logtui.tui.app
    from logtui.core.models import Entry
    from logtui.tui.widgets.detail_pane import pretty_payload
    before = "pygments" in sys.modules
    content = pretty_payload(Entry(raw='{"level": "error"}', data={"level": "error"}))
    print(before, "pygments" in sys.modules, len(content.spans) > 0, '"error"' in content.plain)
""")


def test_the_highlighter_is_loaded_only_when_an_entry_is_opened_and_then_highlights() -> None:
    result = subprocess.run(
        [sys.executable, "-c", OPENED], cwd=ROOT, capture_output=True, text=True, check=True,
        timeout=60, env={"PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.split() == ["False", "True", "True", "True"]
