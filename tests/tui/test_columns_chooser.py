"""The column chooser: any payload field as a column, added, removed, moved and resized,
kept per source across runs."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from logtui.core.column_prefs import ColumnChoice, ColumnPrefs, build_columns, source_key
from logtui.tui.columns import ColumnSettings
from logtui.tui.rows import ordered
from logtui.tui.screens.columns import ColumnChooser

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import burst, frame, screen_text

URL = "http://127.0.0.1:8080/api/proxy-logs"


def _header(text: str) -> str:
    return next(line for line in text.splitlines() if "time UTC" in line)


async def test_a_payload_field_added_in_the_chooser_becomes_a_column(
    make_app: AppMaker, config_home: Path
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("vertical_line")
        assert isinstance(app.screen, ColumnChooser)
        await pilot.press("a", *"data.bytesOut", "enter", "enter")
        await frame(pilot)
        assert not isinstance(app.screen, ColumnChooser)
        assert "data.bytesOut" in _header(screen_text(app))
        newest = app.store.view[-1]
        assert str(newest.data["data"]["bytesOut"]) in screen_text(app)
    saved = json.loads((config_home / "columns.json").read_text())
    fields = [item["field"] for item in saved["sources"][source_key("proxy", URL)]]
    assert "data.bytesOut" in fields and fields[-1] == "url"  # the flex column stays last


async def test_columns_are_removed_moved_and_resized_and_come_back_next_run(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("vertical_line")
        chooser = app.screen
        assert isinstance(chooser, ColumnChooser)
        names = [choice.field for choice in chooser.choices]
        assert names[:2] == ["time", "level"]
        await pilot.press("down", "x")  # level goes
        await pilot.press("shift+down")  # the next one (kind) moves right of method
        await pilot.press("right", "right")  # and is made 4 cells wider
        await frame(pilot)
        edited = list(chooser.choices)
        await pilot.press("enter")
        await frame(pilot)
        assert "level" not in _header(screen_text(app))
    expected = [choice.field for choice in edited]
    assert "level" not in expected and expected.index("kind") == expected.index("method") + 1
    assert next(c for c in edited if c.field == "kind").width is not None

    again, _ = make_app(entries=proxy_entries(20))
    async with again.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert again.stream.columns == ordered(build_columns("proxy", edited))
        assert "level" not in _header(screen_text(again))


async def test_esc_leaves_the_columns_as_they_were(make_app: AppMaker, config_home: Path) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        before = app.stream.columns
        await pilot.press("vertical_line", "x", "x", "escape")
        await frame(pilot)
        assert app.stream.columns == before
    assert not (config_home / "columns.json").exists()


async def test_the_choices_of_another_source_are_not_used(
    make_app: AppMaker, config_home: Path
) -> None:
    ColumnPrefs(config_home).save(source_key("proxy", "http://elsewhere:9/api/proxy-logs"),
                                  [ColumnChoice("time"), ColumnChoice("url")])
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert "level" in _header(screen_text(app))


def test_the_source_key_holds_no_credentials() -> None:
    key = source_key("proxy", "https://user:hunter2@logs.example/api?access_token=s3cret&x=1")
    assert "hunter2" not in key and "s3cret" not in key and "logs.example" in key


def test_a_tampered_file_falls_back_to_the_defaults(tmp_path: Path) -> None:
    prefs = ColumnPrefs(tmp_path)
    key = source_key("proxy", URL)
    for sources in ({key: [{"field": "\x1b[2Jx"}]}, {key: [{"field": "url", "width": "9"}]},
                    {key: "url"}):
        (tmp_path / "columns.json").write_text(json.dumps({"format": 1, "sources": sources}))
        assert prefs.load(key) is None
    (tmp_path / "columns.json").write_text("{not json")
    assert prefs.load(key) is None
    (tmp_path / "columns.json").write_text(json.dumps(
        {"format": 1, "sources": {key: [{"field": "url", "width": 100000}]}}))
    assert prefs.load(key) == (ColumnChoice("url", 120),)


async def test_the_palette_opens_the_column_chooser(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Columns", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ColumnChooser)


async def test_a_field_typed_right_after_a_in_one_burst_lands_in_the_add_input(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("vertical_line")
        keys = [("a", "a"), *((("full_stop" if c == "." else c), c) for c in "data.bytesOut")]
        await burst(pilot, *keys)
        assert app.screen.query_one("#columns-add", Input).value == "data.bytesOut"


def test_the_source_is_named_by_the_url_in_its_description(tmp_path: Path) -> None:
    settings = ColumnSettings("proxy", f"proxy {URL}", tmp_path)
    assert settings.key == source_key("proxy", URL) == ColumnSettings("proxy", URL, tmp_path).key
