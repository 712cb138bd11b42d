"""Saved views on disk: what a view file holds, how it is written, and how a bad one is named."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from logtui.core.errors import ConfigError
from logtui.core.views import (
    Setup,
    View,
    ViewSource,
    list_views,
    load_last,
    load_view,
    save_last,
    save_view,
    setup_to_open,
    source_for,
    views_dir,
)


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_a_view_round_trips_through_its_file(environ: dict[str, str]) -> None:
    hostile = 'status>=500 path:"a\\"b" \x1b[31m\x7f é 🙂'
    setup = Setup(filter=hostile, columns=("time", "status"), zone="local",
                  theme="textual-light", stats=False, detail=True)
    source = ViewSource("proxy", "https://host/api/proxy-logs")
    path = save_view(View("errors", setup, source), environ)
    assert path == views_dir(environ) / "errors.toml"
    assert load_view("errors", environ) == View("errors", setup, source)
    assert list_views(environ) == ["errors"]


def test_column_widths_round_trip_and_an_older_file_without_them_still_reads(
    environ: dict[str, str],
) -> None:
    setup = Setup(columns=("time", "data.bytesOut", "url"), widths=(("data.bytesOut", 22),))
    save_view(View("wide", setup), environ)
    assert load_view("wide", environ).setup == setup
    (views_dir(environ) / "old.toml").write_text("[setup]\ncolumns = ['time']\n")
    assert load_view("old", environ).setup == Setup(columns=("time",))


def test_view_files_are_private_and_leave_no_temporary_files(environ: dict[str, str]) -> None:
    path = save_view(View("a", Setup(filter="x")), environ)
    save_view(View("a", Setup(filter="y")), environ)  # replaced in place
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.toml"]
    assert load_view("a", environ).setup.filter == "y"


def test_a_source_keeps_no_credential(environ: dict[str, str]) -> None:
    source = source_for("sse", "https://host/events?access_token=s3cret&room=1",
                        {"api_url": "https://api/?api_key=k3y", "api_key": "k3y",
                         "token": "s3cret"})
    assert "s3cret" not in source.target and "room=1" in source.target
    assert source.options == (("api_url", "https://api/"),)


def test_source_options_round_trip_and_rebuild_the_command_line(
    environ: dict[str, str]
) -> None:
    source = source_for("instant-logs", "z1", {"api_url": "https://cis.example/v1",
                                               "ibm_crn": "crn:v1:bluemix:public:x"})
    save_view(View("cis", Setup(), source), environ)
    assert load_view("cis", environ).source == source
    assert source.argv() == ["instant-logs", "z1", "--api-url", "https://cis.example/v1",
                             "--ibm-crn", "crn:v1:bluemix:public:x"]
    assert ViewSource("demo", "nextdns").argv() == ["demo", "--source", "nextdns"]


def test_the_last_setup_comes_back_per_source_unless_restore_is_off(
    environ: dict[str, str]
) -> None:
    one = ViewSource("proxy", "https://one/api/proxy-logs")
    two = ViewSource("proxy", "https://two/api/proxy-logs")
    save_last(one, Setup(filter="level=error", zone="local"), environ)
    assert load_last(one, environ) == Setup(filter="level=error", zone="local")
    assert load_last(two, environ) is None
    assert setup_to_open(one, view=None, restore=False, environ=environ) is None
    assert setup_to_open(one, view=None, restore=True, environ=environ) == load_last(one, environ)
    assert list_views(environ) == []  # last setups are not named views


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("[setup\nfilter = 1", "is not valid TOML"),
        ("[setup]\nfilter = 1\n", "'filter' must be a string"),
        ("[setup]\nzone = 'mars'\n", "'zone' must be one of utc, local"),
        ("[setup]\nstats = 'yes'\n", "'stats' must be true or false"),
        ("[setup]\nfitler = 'x'\n", "unknown key 'fitler' in [setup]"),
        ("[source]\ncommand = 'proxy'\n", "[source] needs 'command' and 'target'"),
        ("colour = 'red'\n", "unknown key 'colour'"),
        ("[source]\ncommand = 'proxy'\ntarget = 'u'\ntoken = 't'\n",
         "'token' looks like a credential; a view never holds one: remove it"),
        ("[source]\ncommand = 'proxy'\ntarget = 'u'\nport = 1\n",
         "option 'port' must be a lower_case name with a string value"),
        ("[setup]\nwidths = { url = 'wide' }\n", "'widths' must be a table of column names"),
        ("[setup]\nwidths = [40]\n", "'widths' must be a table of column names"),
    ],
)
def test_a_malformed_view_is_one_error_naming_the_file_and_the_fix(
    environ: dict[str, str], text: str, fix: str
) -> None:
    directory = views_dir(environ)
    directory.mkdir(parents=True)
    (directory / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_view("bad", environ)
    message = str(caught.value)
    assert message.startswith(f"{directory / 'bad.toml'}: ")
    assert fix in message
    assert "\n" not in message
    assert caught.value.exit_code == 2


def test_an_unknown_view_names_the_saved_ones(environ: dict[str, str]) -> None:
    save_view(View("errors", Setup()), environ)
    with pytest.raises(ConfigError, match=r"no view named 'nope'.*saved views: errors"):
        load_view("nope", environ)


@pytest.mark.parametrize("name", ["", "../x", ".hidden", "a/b", "x" * 65])
def test_a_view_name_must_be_a_plain_file_name(environ: dict[str, str], name: str) -> None:
    with pytest.raises(ConfigError, match="view name"):
        save_view(View(name, Setup()), environ)
