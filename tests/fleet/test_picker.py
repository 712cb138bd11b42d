"""``logtui open`` with no name on a terminal: the picker lists the configured sources, space
marks, enter opens the marked ones."""

from __future__ import annotations

from pathlib import Path

from logtui.core.named_sources import NamedSource
from logtui.tui.picker import SourcePicker

SOURCES = [
    NamedSource("prod", "proxy", "https://host/api/proxy-logs", {}, Path("c.toml")),
    NamedSource("dns", "nextdns", "abc123", {}, Path("c.toml")),
    NamedSource("edge\x1b[31m", "instant-logs", "zone1", {}, Path("c.toml")),
]


async def test_space_marks_sources_and_enter_opens_the_marked_ones_in_listed_order() -> None:
    app = SourcePicker(SOURCES)
    async with app.run_test() as pilot:
        await pilot.press("down", "down", "space", "up", "up", "space", "enter")
    assert app.return_value == ["prod", "edge\x1b[31m"]


async def test_enter_with_nothing_marked_opens_the_highlighted_source() -> None:
    app = SourcePicker(SOURCES)
    async with app.run_test() as pilot:
        await pilot.press("down", "enter")
    assert app.return_value == ["dns"]


async def test_escape_opens_nothing_and_names_are_shown_inert() -> None:
    app = SourcePicker(SOURCES)
    async with app.run_test() as pilot:
        await pilot.press("down", "down", "space")
        label = str(app.query_one("OptionList").get_option_at_index(2).prompt)
        await pilot.press("escape")
    assert app.return_value == []
    assert "\x1b" not in label and "[x]" in label and "zone1" in label
