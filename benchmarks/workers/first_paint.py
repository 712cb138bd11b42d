"""Worker: seconds from process start to the first frame of a headless app.

Usage: ``python -m benchmarks.workers.first_paint dashboard|minimal SPAWNED_AT`` where
SPAWNED_AT is the parent's ``time.time()`` just before it started this process, so the figure
includes interpreter start-up and every import. Textual posts ``Ready`` to the app once the
first frame has been composed and displayed; the time of that is the first paint.
``minimal`` is a one-widget Textual app, the floor any Textual dashboard starts from.
"""

from __future__ import annotations

import sys
import time

from benchmarks.workers import emit, not_available


def main(which: str, spawned_at: float) -> None:
    """Build the app, run it headless until its first frame, print the seconds."""
    import asyncio

    from textual import events
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    if which == "dashboard":
        try:
            from logtui.core.models import SourceKind
            from logtui.tui.app import create_app
            from logtui.tui.source import ScriptedSourceFactory
        except ImportError as error:
            not_available(f"the dashboard (logtui.tui.app.create_app) is missing: {error}")
        app: App[object] = create_app(  # type: ignore[assignment]
            ScriptedSourceFactory(), SourceKind.PROXY, description="benchmark"
        )
    else:

        class Minimal(App[object]):
            def compose(self) -> ComposeResult:
                yield Static("hello")

        app = Minimal()

    painted: list[float] = []
    original = app.post_message

    def post_message(message: object) -> bool:
        if isinstance(message, events.Ready) and not painted:
            painted.append(time.time())
        return original(message)  # type: ignore[arg-type]

    app.post_message = post_message  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            while not painted:
                await pilot.pause(0.01)

    asyncio.run(run())
    emit({"seconds": painted[0] - spawned_at})


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
