"""A regex run on a text where it lies in a buffer gives what it gives the text itself."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from logtui.core.filters.in_place import in_place

_ATOMS = ("a", "B", "7", "/", ".", r"\d", r"\w", r"\W", r"\D", "[a-c]", "[^7]", "[A-Z0-9]",
          r"\.", "x", "-", "(?=a)", "(?!7)", r"\Z", "$", "k")
_TEXT = st.text(alphabet="aAbBcC79/.-_ xkK\n", max_size=12)
_AROUND = st.binary(max_size=6).filter(lambda data: b"\n" not in data) | st.sampled_from(
    [b"", b'"', b"a", b"7", b"\n", b'{"url":"'])


@st.composite
def _pattern(draw: st.DrawFn) -> str:
    def piece() -> str:
        atom = draw(st.sampled_from(_ATOMS))
        return atom + draw(st.sampled_from(["", "", "*", "+", "?", "{1,2}", "*?"]))

    def sequence() -> str:
        return "".join(piece() for _ in range(draw(st.integers(1, 4))))

    body = "|".join(sequence() for _ in range(draw(st.integers(1, 2))))
    if draw(st.booleans()) or "|" in body:
        body = f"({body})"  # a leading anchor then leads every branch
    lead = draw(st.sampled_from(["", "", "^", r"\A"]))
    return lead + body


@settings(max_examples=400, deadline=None)
@given(source=_pattern(), text=_TEXT, before=_AROUND, after=_AROUND)
def test_the_finder_reads_the_text_in_its_buffer_as_the_pattern_reads_the_text(
    source: str, text: str, before: bytes, after: bytes
) -> None:
    try:
        pattern = re.compile(source, re.IGNORECASE)
    except re.error:  # a quantifier on an anchor
        assume(False)
        raise
    finder = in_place(pattern)
    assert finder is not None, source  # every drawn pattern stays inside its text
    buffer = before + text.encode("ascii") + after
    found = finder(buffer, len(before), len(before) + len(text))
    assert bool(found) == bool(pattern.search(text)), (source, text, before, after)


@pytest.mark.parametrize("source", [
    r"\berror",  # a boundary reads the byte before the text
    r"err\B",
    "(?<=/)v1",  # a lookbehind too
    "(?<!a)b",
    r"a\sb",  # str patterns count \x1c-\x1f as space, bytes patterns do not
    r"[\S]",
    "caf\u00e9",  # beyond ASCII
    r"\u00e9",
    "(?m)^a",  # a line start follows a newline before the text
    "a|^b",  # an anchor not leading the whole pattern
    "(^a)",
    "(?i)^a",
])
def test_a_pattern_that_could_read_outside_its_text_has_no_finder(source: str) -> None:
    assert in_place(re.compile(source, re.IGNORECASE)) is None


def test_a_leading_anchor_matches_at_the_text_start_only() -> None:
    finder = in_place(re.compile("^/v1/(users|invoices)", re.IGNORECASE))
    assert finder is not None
    buffer = b'{"url":"/v1/users/7","x":"/v1/invoices"}'
    start = buffer.index(b"/v1/users")
    assert finder(buffer, start, start + len("/v1/users/7"))
    assert not finder(buffer, start + 1, start + len("/v1/users/7"))
    assert not finder(buffer, 0, len(buffer))  # the buffer's own start is not the text's


def test_an_end_anchor_is_the_text_end_not_the_buffer_end() -> None:
    finder = in_place(re.compile("7$", re.IGNORECASE))
    assert finder is not None
    buffer = b'{"url":"/v1/orders/17","id":8}'
    start = buffer.index(b"/v1/")
    assert finder(buffer, start, start + len("/v1/orders/17"))
    assert not finder(buffer, start, start + len("/v1/orders/1"))
