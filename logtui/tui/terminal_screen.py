"""Write only the cells an update changes, and let the terminal scroll rows that moved.

Textual repaints a widget by writing every cell of it, and it has no terminal scrolling: when
one entry arrives in a full stream pane, every row of the pane moves up one line and all of
them are written again (about 6 KB an entry, most of what an almost idle dashboard sends over
ssh). :class:`ScreenDiff` keeps a model of the cells on the terminal (what was written to it)
and rewrites each screen update Textual hands the driver:

- a cell that already shows what the update writes is left out, and the colour codes between
  the cells that are written say only what changes (not a full 24-bit style after a reset);
- when rows of the update show what rows below them showed (a pane that scrolled), the
  terminal moves them itself: a scroll region over those rows (DECSTBM, whole lines: any pane
  beside it moves too) and a line feed at its bottom, then whatever differs from the moved
  rows is written, the panes beside it included. This is chosen only when it writes fewer
  bytes than the update without it.

Writes that are not a plain update (cursor moves, colours and printable text) pass through as
they came and make the model forget what it knew of the screen, as does a new terminal size;
a cell the model does not know is always written. A row with a character wider or narrower
than one cell is written as Textual wrote it and forgotten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from rich.cells import get_character_cell_size

from logtui.tui.terminal_output import blank_alike, compact_sgr

__all__ = ["ScreenDiff"]


class Row:
    """A row as the model knows it: each cell's character and the colour codes it was written
    in (applied after a reset; ``None``: the cell is not known), in two lists so that copying,
    comparing and writing a piece of a row run at C speed."""

    __slots__ = ("chars", "styles")

    def __init__(self, chars: list[str], styles: list[str | None]) -> None:
        self.chars = chars
        self.styles = styles

    @classmethod
    def unknown(cls, width: int) -> Row:
        return cls([" "] * width, [None] * width)

    def copy(self) -> Row:
        return Row(self.chars.copy(), self.styles.copy())

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Row) and self.chars == other.chars
                and self.styles == other.styles)

    __hash__ = None  # type: ignore[assignment]

    def key(self, left: int, right: int) -> tuple[str, tuple[str | None, ...]]:
        """What cells ``left`` to ``right`` show, as a dictionary key."""
        return "".join(self.chars[left:right]), tuple(self.styles[left:right])


RESET: Final = "\x1b[0m"
GAP: Final = 4
"""Unchanged cells written anyway between two changed ones (cheaper than a cursor move)."""
CHUNK: Final = 16
"""Cells of a row compared at once before looking at each (most of a row is unchanged)."""
MIN_SCROLL_ROWS: Final = 3
"""Moved rows it takes to try a scroll region."""
PLAIN_BYTES_PER_CELL: Final = 1.5
"""Bytes a changed cell costs at the least, about, written without scrolling (its character,
and its share of cursor moves and colour codes: about two in Textual's updates): a scroll that
writes less is taken without writing the update the other way to compare."""
MAX_CANDIDATES: Final = 2
"""Scroll regions tried for one update (each costs a rewrite of the update)."""
_MOVE: Final = re.compile(r"\x1b\[(\d+);(\d+)H")
"""A cursor move: a screen update is pieces of a line, each after one."""
_PIECE: Final = re.compile(
    r"(\x1b\[[0-9;]*m)?([^\x00-\x1f\x7f]+)(\x1b\[0m)?|(\x1b\[[0-9;]*m)|(\n)|(.)", re.DOTALL
)
"""What a piece is made of: text with the colour codes before it and the reset after it
(Textual writes each segment so: one match), colour codes alone, line breaks; anything else
(group 6) is not an update the model can follow."""
PIECES_KEPT: Final = 256
"""Pieces whose cells are remembered (a screenful, about 0.6 MB at most): a row drawn again
elsewhere (a pane that scrolled) is not read again."""
PAIRS_KEPT: Final = 4096
"""Pairs of styles whose change is remembered."""


class _Piece:
    """The cells one piece of an update writes, read once and kept by its text."""

    __slots__ = ("chars", "narrow", "style", "styles")

    def __init__(self, chars: list[str], styles: list[str | None], style: str,
                 narrow: bool) -> None:
        self.chars = chars
        self.styles = styles
        self.style = style
        """The colour codes active after it."""
        self.narrow = narrow
        """Every character takes one cell (else its row is written as it came)."""


def _read_piece(piece: str, style: str) -> _Piece | None:
    """The cells ``piece`` writes from style ``style``; None if it is not text and colour
    codes (and line breaks after it)."""
    chars: list[str] = []
    styles: list[str | None] = []
    narrow = True
    broken = False
    for match in _PIECE.finditer(piece):
        sgr, text, reset, lone_sgr, newline, other = match.groups()
        if text is not None:
            if broken:
                return None
            if sgr is not None:
                style = "" if sgr in (RESET, "\x1b[m") else style + sgr
            if not (text.isascii() or _narrow(text)):
                narrow = False
            chars += text
            styles += [style] * len(text)
            if reset is not None:
                style = ""
        elif lone_sgr is not None:
            style = "" if lone_sgr in (RESET, "\x1b[m") else style + lone_sgr
        elif newline is not None:
            broken = True  # Textual moves the cursor before any text that follows
        elif other is not None:
            return None
    return _Piece(chars, styles, style, narrow)
_HARMLESS: Final = re.compile(
    r"(?:\x1b\[\?(?!1049[hl]|1047[hl]|47[hl])[0-9;]*[hl]|\x1b\[\??[0-9;]*\$p"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))*"
)
"""Writes that change no cell: modes (except the alternate screen), mode queries, OSC."""
_SGR_PARAMS: Final = re.compile(r"\x1b\[([0-9;]*)m")
_OFF: Final = {1: 22, 2: 22, 3: 23, 4: 24, 21: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29,
               51: 54, 52: 54, 53: 55}
"""The code that turns each attribute off."""

Attributes = tuple[frozenset[int], str, str, str]
"""A style's flags, foreground, background and underline colour (``""``: the default)."""


def _attributes(sgr: str) -> Attributes | None:
    """What ``sgr`` (colour codes applied after a reset) sets; None if it holds a code not
    understood here."""
    flags: set[int] = set()
    colours = ["", "", ""]
    for group in _SGR_PARAMS.findall(sgr):
        params = group.split(";") if group else ["0"]
        index = 0
        while index < len(params):
            if not params[index].isdigit():
                return None
            code = int(params[index])
            if code in (38, 48, 58):
                width = 5 if params[index + 1 : index + 2] == ["2"] else 3
                if len(params) < index + width:
                    return None
                colours[(code - 38) // 10] = ";".join(params[index : index + width])
                index += width
                continue
            if code == 0:
                flags.clear()
                colours = ["", "", ""]
            elif code in _OFF:
                flags.add(code)
            elif 30 <= code <= 37 or 90 <= code <= 97:
                colours[0] = str(code)
            elif 40 <= code <= 47 or 100 <= code <= 107:
                colours[1] = str(code)
            elif code in (39, 49, 59):
                colours[(code - 39) // 10] = ""
            elif code in (22, 23, 24, 25, 27, 28, 29, 54, 55):
                flags -= {flag for flag, off in _OFF.items() if off == code}
            else:
                return None
            index += 1
    return frozenset(flags), colours[0], colours[1], colours[2]


def _change(old: str, new: str) -> str:
    """The shortest codes that take the terminal from style ``old`` to style ``new``."""
    if not new:
        return RESET
    full = RESET + new if old else new
    before, after = _attributes(old), _attributes(new)
    if before is None or after is None:
        return full
    params: list[str] = []
    removed = before[0] - after[0]
    offs = sorted({_OFF[flag] for flag in removed})
    params += [str(code) for code in offs]
    kept_again = after[0] & {1, 2} if 22 in offs else frozenset()
    params += [str(flag) for flag in sorted((after[0] - before[0]) | kept_again)]
    for old_colour, new_colour, default in zip(before[1:], after[1:], ("39", "49", "59"),
                                                strict=True):
        if old_colour != new_colour:
            params.append(new_colour or default)
    delta = f"\x1b[{';'.join(params)}m"
    return delta if len(delta) < len(full) else full


class _Styles:
    """The codes between two styles, worked out once per pair."""

    def __init__(self) -> None:
        self._changes: dict[tuple[str, str], str] = {}
        self._alike: dict[tuple[str, str], bool] = {}

    def change(self, old: str, new: str) -> str:
        key = (old, new)
        codes = self._changes.get(key)
        if codes is None:
            if len(self._changes) >= PAIRS_KEPT:
                self._changes.clear()
            codes = self._changes[key] = _change(old, new)
        return codes

    def blank_alike(self, active: str, other: str) -> bool:
        """Whether a blank written in ``active`` looks as one in ``other`` does."""
        key = (active, other)
        alike = self._alike.get(key)
        if alike is None:
            if len(self._alike) >= PAIRS_KEPT:
                self._alike.clear()
            alike = self._alike[key] = blank_alike(active, other)
        return alike


def _narrow(text: str) -> bool:
    """Whether every character of ``text`` takes exactly one cell (rich keeps the widths of
    the characters it has seen)."""
    return text.isascii() or all(get_character_cell_size(char) == 1 for char in text)


class ScreenDiff:
    """Rewrites screen updates against a model of the terminal's cells (see the module)."""

    def __init__(self, size: Callable[[], tuple[int, int]]) -> None:
        """``size`` gives the terminal's (width, height) now."""
        self._size_of = size
        self._size = (0, 0)
        self._rows: list[Row] = []
        self._styles = _Styles()
        self._cursor: str | None = None
        """The cursor move the last update ended with (where the cursor is)."""
        self._pieces: dict[int, tuple[int, int]] = {}
        """The widest piece (from, to) the update being rewritten wrote on each row."""
        self._known: dict[tuple[str, str], _Piece] = {}
        """Pieces read before, by the style before them and their text."""

    def forget(self) -> None:
        """Know nothing of the screen (every cell is written as it comes)."""
        width, height = self._size
        self._rows = [Row.unknown(width) for _ in range(height)]
        self._cursor = None

    def rewrite(self, data: str) -> str:
        """What to write instead of ``data`` for the terminal to show the same cells."""
        size = self._size_of()
        if size != self._size:
            self._size = size
            self.forget()
        if "\x1b[" not in data or "H" not in data:
            if not _HARMLESS.fullmatch(data):
                self.forget()
            return data
        parsed = self._apply(data)
        if parsed is None:
            self.forget()
            return compact_sgr(data)
        written, cursor, opaque = parsed
        if opaque:
            for y, row in written.items():
                self._rows[y] = Row.unknown(self._size[0]) if y in opaque else row
            self._cursor = None
            return compact_sgr(data)
        out: str | None = None
        for band in self._scroll_candidates(written):
            scrolled = self._scrolled(written, *band)
            if scrolled is not None and (out is None or len(scrolled) < len(out)):
                out = scrolled
        if out is None:
            rows = self._rows
            out = self._plain(written, {y: self._changed(row, rows[y])
                                        for y, row in written.items()})
        else:
            plain = self._plain_if_shorter(written, len(out))
            if plain is not None:
                out = plain
        for y, row in written.items():
            self._rows[y] = row
        if out or cursor != self._cursor:
            out += cursor or ""
            self._cursor = cursor
        return out

    # --- reading an update ----------------------------------------------------------------

    def _apply(self, data: str) -> tuple[dict[int, Row], str | None, set[int]] | None:
        """The rows ``data`` writes to, as they will look (copies), the cursor move it ends
        with, and rows that hold a character not one cell wide; None if ``data`` is not a
        plain update inside the screen. Notes the widest piece written on each row (a
        widget's line) in :attr:`_pieces`."""
        width, height = self._size
        rows = self._rows
        known = self._known
        written: dict[int, Row] = {}
        pieces: dict[int, tuple[int, int]] = {}
        self._pieces = pieces
        opaque: set[int] = set()
        parts = _MOVE.split(data)
        if parts[0].strip("\n"):
            return None
        style = ""
        cursor: str | None = None
        for index in range(1, len(parts), 3):
            y, x, text = int(parts[index]) - 1, int(parts[index + 1]) - 1, parts[index + 2]
            if not text:
                cursor = f"\x1b[{y + 1};{x + 1}H"
                continue
            cursor = None
            piece = known.get((style, text))
            if piece is None:
                piece = _read_piece(text, style)
                if piece is None:
                    return None
                if len(known) >= PIECES_KEPT:
                    known.clear()
                known[style, text] = piece
            style = piece.style
            end = x + len(piece.chars)
            if not (0 <= y < height and x >= 0 and end <= width):
                return None
            if end == x:
                continue
            row = written.get(y)
            if row is None:
                row = written[y] = rows[y].copy()
            if not piece.narrow:
                opaque.add(y)
                continue
            row.chars[x:end] = piece.chars
            row.styles[x:end] = piece.styles
            widest = pieces.get(y)
            if widest is None or end - x > widest[1] - widest[0]:
                pieces[y] = (x, end)
        return written, cursor, opaque

    # --- writing ---------------------------------------------------------------------------

    def _plain_if_shorter(self, written: dict[int, Row], bound: int) -> str | None:
        """The update written without scrolling, if it is shorter than ``bound`` characters.
        Changed cells are counted only until they are sure to cost more than ``bound``
        (:data:`PLAIN_BYTES_PER_CELL` each): after a scroll, most rows differ."""
        rows = self._rows
        changes: dict[int, list[int]] = {}
        cells = 0
        for y, row in written.items():
            changes[y] = changed = self._changed(row, rows[y])
            cells += len(changed)
            if PLAIN_BYTES_PER_CELL * cells >= bound:
                return None
        plain = self._plain(written, changes)
        return plain if len(plain) < bound else None

    def _plain(self, written: dict[int, Row], changes: dict[int, list[int]]) -> str:
        """The cells of ``written`` that differ from the model (``changes``: which, by row),
        without scrolling."""
        out: list[str] = []
        style = ""
        for y in sorted(written):
            style = self._row(out, y, written[y], changes[y], style)
        if style:
            out.append(RESET)
        return "".join(out)

    @staticmethod
    def _changed(new: Row, shown: Row) -> list[int]:
        """The cells of ``new`` (known ones) that ``shown`` does not show."""
        chars, styles = new.chars, new.styles
        old_chars, old_styles = shown.chars, shown.styles
        if chars == old_chars and styles == old_styles:
            return []
        changed: list[int] = []
        width = len(chars)
        for left in range(0, width, CHUNK):
            right = left + CHUNK
            if chars[left:right] == old_chars[left:right] and (
                    styles[left:right] == old_styles[left:right]):
                continue
            changed += [
                x for x in range(left, min(right, width))
                if styles[x] is not None and (styles[x] != old_styles[x]
                                              or chars[x] != old_chars[x])
            ]
        return changed

    def _row(self, out: list[str], y: int, new: Row, changed: list[int], style: str) -> str:
        """Append the ``changed`` cells of ``new``; returns the style left active."""
        if not changed:
            return style
        chars, styles = new.chars, new.styles
        runs: list[list[int]] = []
        for x in changed:
            if runs and x - runs[-1][1] <= GAP and None not in styles[runs[-1][1] : x]:
                runs[-1][1] = x + 1
            else:
                runs.append([x, x + 1])
        change = self._styles.change
        alike = self._styles.blank_alike
        for start, end in runs:
            out.append(f"\x1b[{y + 1};{start + 1}H")
            run_start = start
            for x in range(start, end):
                cell_style = styles[x]
                if cell_style != style:
                    assert cell_style is not None
                    if chars[x] == " " and alike(style, cell_style):
                        continue
                    out.append("".join(chars[run_start:x]))
                    out.append(change(style, cell_style))
                    style = cell_style
                    run_start = x
            out.append("".join(chars[run_start:end]))
        return style

    # --- scrolling -------------------------------------------------------------------------

    def _scroll_candidates(self, written: dict[int, Row]) -> list[tuple[int, int, int]]:
        """Bands (top, bottom, lines) of rows that show, in the piece the update wrote on each
        (a widget's line), what the same piece of the row ``lines`` below showed before: for
        each distance the longest band, longest first."""
        if len(written) < MIN_SCROLL_ROWS:
            return []
        rows = self._rows
        by_piece: dict[tuple[int, int], list[int]] = {}
        for y, piece in self._pieces.items():
            if written[y] != rows[y]:
                by_piece.setdefault(piece, []).append(y)
        votes: dict[int, set[int]] = {}
        for (left, right), ys in by_piece.items():
            if len(ys) < MIN_SCROLL_ROWS:
                continue
            index: dict[tuple[str, tuple[str | None, ...]], int] = {}
            for y, row in enumerate(rows):
                key = row.key(left, right)
                index[key] = -1 if key in index else y
            for y in ys:
                source = index.get(written[y].key(left, right), -1)
                if source > y:
                    votes.setdefault(source - y, set()).add(y)
        bands: list[tuple[int, int, int]] = []
        for lines, voted in votes.items():
            ys = sorted(voted)
            best: tuple[int, int] | None = None
            start = previous = ys[0]
            for y in [*ys[1:], -2]:
                if y != previous + 1:
                    if previous - start + 1 >= MIN_SCROLL_ROWS and (
                        best is None or previous - start > best[1] - best[0]
                    ):
                        best = (start, previous)
                    start = y
                previous = y
            if best is not None:
                bands.append((best[0], best[1] + lines, lines))
        bands.sort(key=lambda band: band[0] - band[1] + band[2])
        return bands[:MAX_CANDIDATES]

    def _scrolled(self, written: dict[int, Row], top: int, bottom: int, lines: int) -> str | None:
        """The update written after scrolling rows ``top`` to ``bottom`` up by ``lines``;
        None if a row moved holds a cell the model does not know."""
        rows = self._rows
        band = range(top, bottom + 1)
        for y in band:
            if None in written.get(y, rows[y]).styles:
                return None
        blank = Row.unknown(self._size[0])
        moved = {y: rows[y + lines] if y + lines <= bottom else blank for y in band}
        out = [f"\x1b[{top + 1};{bottom + 1}r\x1b[{bottom + 1};1H", "\n" * lines, "\x1b[r"]
        style = ""
        for y in sorted(set(written) | set(band)):
            new = written.get(y)
            if new is None:
                new = written[y] = rows[y].copy()
            style = self._row(out, y, new, self._changed(new, moved.get(y, rows[y])), style)
        if style:
            out.append(RESET)
        return "".join(out)
