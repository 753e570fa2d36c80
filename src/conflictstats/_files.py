"""Reading text files so that they are proven whole before a number is taken from them.

Every CSV and JSON file the package reads goes through :func:`read_csv_checked` or
:func:`read_json_checked`. They refuse, naming the file, the line and the column:

* an empty file, or a CSV with a header and no data lines;
* bytes that are not UTF-8 (the encodings tried are listed);
* a CSV line whose field count differs from the header's, and a last line that
  does not end with a line end (a file cut short: pandas would read the cut value
  ``116994.89`` as ``11699``);
* JSON that does not parse to its end;
* a column name given twice in a CSV header (pandas would read the second as
  ``value.1``), and a key given twice in one JSON object (``json`` would keep the
  last value silently).

In lenient mode (the ``screen_*`` readers) a cut last line is set aside instead,
with the reason ``"line is incomplete"``; other field-count errors always raise.
The field counts are found in one vectorised pass over the raw bytes
(quote-aware), not by a loop over lines, so the check costs a few milliseconds
per megabyte.

This module imports only :mod:`conflictstats.errors` from the package.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .errors import InputError

__all__: list[str] = []  # private module

#: The encodings a file is tried in, in order (a byte-order mark is dropped).
ENCODINGS_TRIED: tuple[str, ...] = ("utf-8", "utf-8 with byte-order mark")

INCOMPLETE = "line is incomplete"

# None: nobody asked (strict); True: a read_* reader; False: a screen_* reader
_STRICT: contextvars.ContextVar[bool | None] = contextvars.ContextVar("conflictstats_strict",
                                                                       default=None)
# the lines set aside while a screen_* reader runs
_ASIDE: contextvars.ContextVar[list[pd.DataFrame] | None] = contextvars.ContextVar(
    "conflictstats_aside", default=None)


def _note(aside: pd.DataFrame) -> None:
    found = _ASIDE.get()
    if found is not None:
        found.append(aside)


@contextlib.contextmanager
def lenient() -> Iterator[list[pd.DataFrame]]:
    """Within this block, a cut last line is set aside instead of raising (``screen_*``).

    Yields the list the set-aside lines are noted in (one frame per file, see
    :class:`CsvInfo`). A ``read_*`` reader that calls its ``screen_*`` twin inside
    :func:`strict` stays strict: the outer choice wins.
    """
    current = _STRICT.get()
    token = _STRICT.set(False if current is None else current)
    found: list[pd.DataFrame] = []
    token_aside = _ASIDE.set(found)
    try:
        yield found
    finally:
        _ASIDE.reset(token_aside)
        _STRICT.reset(token)


@contextlib.contextmanager
def strict() -> Iterator[None]:
    """Within this block, bad lines raise (``read_*``), even inside a lenient caller."""
    token = _STRICT.set(True)
    try:
        yield
    finally:
        _STRICT.reset(token)


def is_strict() -> bool:
    """Whether bad lines raise (True) or are set aside (False) here."""
    return _STRICT.get() is not False


@dataclasses.dataclass
class CsvInfo:
    """What the structural check of a CSV found.

    Attributes
    ----------
    name : str
        How the file is called in messages.
    lines : ndarray
        Physical line number (1 = the header) of each data record, by record number
        (0 = first data line); the parsed frame is indexed by record number.
    set_aside : DataFrame
        The cut last line, when it was left out (lenient mode only): index =
        record number, columns ``line``, ``text`` (the line as found, shortened)
        and ``reason``.
    """

    name: str
    lines: np.ndarray
    set_aside: pd.DataFrame

    def line(self, row: Any) -> int:
        """The physical line number of data record ``row``."""
        return int(self.lines[int(row)])

    def where(self, row: Any, column: Any = None) -> str:
        """``"line 57, column 'launched'"`` for messages."""
        col = f", column {column!r}" if column is not None else ""
        return f"line {self.line(row)}{col}"


class LineInfo(Protocol):
    """Anything that tells the line of a row of a file (:class:`CsvInfo`, :class:`JsonInfo`)."""

    def line(self, row: Any) -> int: ...


@dataclasses.dataclass
class JsonInfo:
    """Where the elements of a JSON file's top-level list or object start.

    Found only when asked (an error is being reported), by decoding element after
    element; reading a good file costs nothing.
    """

    name: str
    text: str
    _starts: list[int] | None = None

    def _offsets(self) -> list[int]:
        if self._starts is None:
            dec = json.JSONDecoder()
            text = self.text
            ws = " \t\r\n"
            i = len(text) - len(text.lstrip(ws))
            starts: list[int] = []
            if i < len(text) and text[i] in "[{":
                obj = text[i] == "{"
                i += 1
                while True:
                    while i < len(text) and text[i] in ws + ",":
                        i += 1
                    if i >= len(text) or text[i] in "]}":
                        break
                    starts.append(i)
                    if obj:  # skip the key and its colon
                        _, i = dec.raw_decode(text, i)
                        while text[i] in ws + ":":
                            i += 1
                    _, i = dec.raw_decode(text, i)
            self._starts = starts
        return self._starts

    def line(self, row: Any) -> int:
        """The line on which element ``row`` (0 = the first) of the top level starts."""
        starts = self._offsets()
        pos = starts[int(row)] if 0 <= int(row) < len(starts) else 0
        return self.text.count("\n", 0, pos) + 1


def _display(src: Any) -> str:
    if isinstance(src, (str, os.PathLike)):
        return Path(os.fspath(src)).name
    return getattr(src, "name", None) or type(src).__name__


def read_bytes(src: Any, *, name: str) -> bytes:
    """The bytes of a path or an open file/buffer (text is encoded as UTF-8)."""
    if isinstance(src, (str, os.PathLike)):
        data = Path(os.fspath(src)).read_bytes()
    elif hasattr(src, "read"):
        got = src.read()
        data = got.encode("utf-8") if isinstance(got, str) else bytes(got)
    else:
        raise InputError(f"{name}: expected a file path or an open file; got {type(src).__name__}")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data


def _position(data: bytes, pos: int) -> tuple[int, int]:
    """1-based (line, column) of byte offset ``pos``."""
    line = data.count(b"\n", 0, pos) + 1
    col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
    return line, col


def decode(data: bytes, *, name: str) -> str:
    """``data`` as text; raise naming line, column and the encodings tried."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = _position(data, err.start)
        hint = ""
        try:
            data.decode("cp1252")
            hint = " (it decodes as cp1252/Windows-1252: save it again as UTF-8)"
        except UnicodeDecodeError:
            pass
        raise InputError(
            f"{name}: line {line}, column {col}: byte 0x{data[err.start]:02x} is not valid "
            f"text in any of the encodings tried ({', '.join(ENCODINGS_TRIED)}){hint}"
        ) from None


def _shown(text: bytes, limit: int = 60) -> str:
    s = text.decode("utf-8", errors="replace").rstrip("\r\n")
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _stray_quote(arr: np.ndarray, quote: np.ndarray) -> bool:
    """Whether a quote opens a quoted field anywhere but at a field's start (``5" gun``).

    Quote parity then no longer tells inside from outside, so the slow scan is used.
    """
    pos = np.flatnonzero(quote)
    opening = pos[(np.arange(len(pos)) % 2) == 0]  # parity even before: an opening quote
    prev = arr[np.maximum(opening - 1, 0)]
    # at a field's start, or the second quote of an escaped pair ("a""b")
    at_start = (opening == 0) | (prev == 44) | (prev == 10) | (prev == 13) | (prev == 34)
    return not bool(at_start.all())


def _segments(arr: np.ndarray, quote: np.ndarray) -> tuple[np.ndarray, ...]:
    """Records of a CSV (quote-aware) in one vectorised pass over the bytes.

    Returns per record: start and stop byte offsets (the line end excluded), whether it
    ends with a line end, its field count, and whether it is blank.
    """
    if quote.any():
        outside = (np.cumsum(quote, dtype=np.uint8) & 1) == 0
        nl = np.flatnonzero((arr == 10) & outside)
        commas = np.flatnonzero((arr == 44) & outside)
    else:
        nl = np.flatnonzero(arr == 10)
        commas = np.flatnonzero(arr == 44)
    starts = np.concatenate(([0], nl + 1))
    stops = np.concatenate((nl, [len(arr)]))  # exclusive; the newline itself is not in
    terminated = np.ones(len(starts), dtype=bool)
    terminated[-1] = False
    length = stops - starts
    cr = np.zeros(len(starts), dtype=bool)
    nonempty = length > 0
    cr[nonempty] = arr[stops[nonempty] - 1] == 13
    blank = (length == 0) | ((length == 1) & cr)
    fields = np.searchsorted(commas, stops) - np.searchsorted(commas, starts) + 1
    return starts, stops, terminated, fields, blank


def _segments_slow(text: str, data: bytes, all_nl: np.ndarray) -> tuple[np.ndarray, ...]:
    """The same as :func:`_segments` through :mod:`csv` (a quote inside a field is kept
    as a character, as pandas does); used only for files with such quotes."""
    import csv

    line_start = np.concatenate(([0], all_nl + 1))
    rows: list[tuple[int, int, int]] = []  # first line, last line, fields (lines 0-based)
    reader = csv.reader(io.StringIO(text, newline=""))
    done = 0
    for row in reader:  # a Python loop, but only for files with stray quotes
        rows.append((done, reader.line_num - 1, len(row)))
        done = reader.line_num
    first = np.array([r[0] for r in rows], dtype=np.int64)
    last = np.array([r[1] for r in rows], dtype=np.int64)
    fields = np.array([r[2] for r in rows], dtype=np.int64)
    starts = line_start[np.minimum(first, len(line_start) - 1)]
    terminated = last < len(all_nl)
    stops = np.where(terminated, all_nl[np.minimum(last, len(all_nl) - 1)] if len(all_nl) else 0,
                     len(data))
    blank = fields == 0
    fields = np.maximum(fields, 1)
    return starts, stops, terminated, fields, blank


def _refuse_repeated_names(line: bytes, label: str, number: int) -> None:
    """Raise when a header line names a column twice (pandas renames it ``value.1``)."""
    import csv

    names = next(csv.reader([line.decode("utf-8", errors="replace").rstrip("\r")]), [])
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # one header line
        key = name.strip()
        if key in seen:
            raise InputError(
                f"{label}: line {number}: column {key!r} is given twice (fields {seen[key] + 1} "
                f"and {i + 1}); every column name must be unique")
        seen[key] = i


def read_csv_checked(src: Any, *, name: str | None = None,
                     **kwargs: Any) -> tuple[pd.DataFrame, CsvInfo]:
    """Read a comma-separated file after proving it whole; see the module notes.

    ``kwargs`` go to :func:`pandas.read_csv`. The frame is indexed by data record
    number (0 = the first line after the header), which stays the input row's
    label even when a line was set aside before it.
    """
    label = name or _display(src)
    data = read_bytes(src, name=label)
    if not data.strip():
        raise InputError(f"{label}: the file is empty (0 data lines; expected a header line "
                         "and at least one data line)")
    text = decode(data, name=label)
    arr = np.frombuffer(data, dtype=np.uint8)
    all_nl = np.flatnonzero(arr == 10)
    quote = arr == 34
    if quote.any() and _stray_quote(arr, quote):
        starts, stops, terminated, fields, blank = _segments_slow(text, data, all_nl)
    else:
        starts, stops, terminated, fields, blank = _segments(arr, quote)
    keep_seg = ~blank
    seg = np.flatnonzero(keep_seg)
    header = seg[0]
    phys = np.searchsorted(all_nl, starts) + 1  # physical line of each segment start
    if not terminated[header]:
        raise InputError(
            f"{label}: line {phys[header]} is incomplete: the file ends inside the header "
            f"line, with no data lines (got {_shown(data[starts[header]:])!r})"
        )
    _refuse_repeated_names(data[starts[header]:stops[header]], label, int(phys[header]))
    records = seg[1:]
    if len(records) == 0:
        raise InputError(
            f"{label}: the file has a header line ({_shown(data[starts[header]:stops[header]])!r})"
            " but no data lines"
        )
    n_head = int(fields[header])
    rec_fields = fields[records]
    lines = phys[records]
    cut = not terminated[records[-1]]
    wrong = np.flatnonzero(rec_fields != n_head)
    wrong = wrong[wrong != len(records) - 1] if cut else wrong
    if len(wrong):
        i = int(wrong[0])
        s = records[i]
        raise InputError(
            f"{label}: line {lines[i]} has {rec_fields[i]} fields; the header (line "
            f"{phys[header]}) has {n_head}; got {_shown(data[starts[s]:stops[s]])!r}"
            + (f" ({len(wrong) - 1} more such lines)" if len(wrong) > 1 else "")
        )
    aside = pd.DataFrame({"line": pd.Series(dtype="int64"), "text": pd.Series(dtype=object),
                          "reason": pd.Series(dtype=object)},
                         index=pd.Index([], dtype="int64", name="row"))
    n_kept = len(records)
    body = data
    if cut:
        last = records[-1]
        text = _shown(data[starts[last]:])
        if is_strict():
            raise InputError(
                f"{label}: line {lines[-1]} is incomplete: the file ends inside it, without a "
                f"line end (cut short?); got {text!r}. Use the screen_* reader to set it aside"
            )
        aside = pd.DataFrame({"line": [int(lines[-1])], "text": [text], "reason": [INCOMPLETE]},
                             index=pd.Index([len(records) - 1], name="row"))
        n_kept -= 1
        body = data[:starts[last]]
        _note(aside)
    info = CsvInfo(name=label, lines=lines, set_aside=aside)
    if n_kept == 0:
        raise InputError(f"{label}: no complete data line (line {lines[-1]} is incomplete: "
                         "the file ends inside it)")
    try:
        frame = pd.read_csv(io.BytesIO(body), **kwargs)
    except (ValueError, pd.errors.ParserError) as err:
        raise InputError(f"{label}: the file could not be parsed as CSV: {err}") from None
    if len(frame) != n_kept:
        raise InputError(
            f"{label}: found {n_kept} data lines but the CSV parser read {len(frame)} rows "
            "(a stray quote character?); the file cannot be read with certainty"
        )
    return frame, info


def read_json_checked(src: Any, *, name: str | None = None) -> Any:
    """Parse a JSON file, raising with the file, line and column when it does not parse.

    A file cut short never parses (JSON needs its closing bracket), so this proves the
    whole file was read.
    """
    return read_json_with_lines(src, name=name)[0]


def _key_line(text: str, key: str, nth: int) -> int | None:
    """The line of the ``nth`` (1-based) occurrence of ``"key":`` in ``text``, if found.

    The occurrences before it are counted in the objects decoded so far, which is
    exact for a flat object or a list of flat records (every file read here).
    """
    import re

    found = re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text)
    for i, match in enumerate(found, start=1):
        if i == nth:
            return text.count("\n", 0, match.start()) + 1
    return None


def read_json_with_lines(src: Any, *, name: str | None = None) -> tuple[Any, JsonInfo]:
    """:func:`read_json_checked`, with a :class:`JsonInfo` to name the line of an element."""
    label = name or _display(src)
    data = read_bytes(src, name=label)
    if not data.strip():
        raise InputError(f"{label}: the file is empty (expected JSON)")
    text = decode(data, name=label)
    seen: dict[str, int] = {}  # key -> how often it was met in the objects decoded so far

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) < len(pairs):  # a key given twice: rare, so found by a second pass
            met: dict[str, Any] = {}
            for key, value in pairs:  # the keys of this one object
                if key in met:
                    line = _key_line(text, key, seen.get(key, 0) + 2)
                    where = f"line {line}: " if line else ""
                    raise InputError(
                        f"{label}: {where}key {key!r} is given twice in one object (values "
                        f"{met[key]!r} and {value!r}); every key must be unique")
                met[key] = value
        for key in out:
            seen[key] = seen.get(key, 0) + 1
        return out

    try:
        return json.loads(text, object_pairs_hook=unique_keys), JsonInfo(name=label, text=text)
    except json.JSONDecodeError as err:
        cut = err.pos >= len(text.rstrip()) - 1 or err.msg.startswith("Unterminated")
        end = " (the file ends early: cut short?)" if cut else ""
        raise InputError(
            f"{label}: line {err.lineno}, column {err.colno}: not valid JSON: {err.msg}{end}"
        ) from None
