"""Docstring pieces shared by several functions, written once so they cannot drift.

In the manner of seaborn's ``_core`` docstring components: one dictionary of
named pieces (:data:`PIECES`) and two ways of filling them in.

* :func:`fill_doc` substitutes ``%(name)s`` placeholders (the analysis
  functions' ``freq``/``window``, ``by``/``value`` and ``kind`` texts). Those
  pieces are written as they appear in a numpydoc Parameters section of a
  function (four spaces before a parameter, eight before its description).
* :func:`docstring` (a decorator) and :func:`fill` substitute ``{family.piece}``
  placeholders (the reader/``screen_*`` twins, the date rule). Those pieces are
  written flush left and indented like their placeholder. Only placeholders
  naming a known piece are filled (braces in examples, ``{'belarus': 5.0}``, are
  left alone); a dotted name that names no piece is an error at import time, so a
  typo cannot ship. More pieces can be registered with :func:`add_pieces`.

Examples
--------
>>> from conflictstats._docstrings import docstring
>>> @docstring(what="drones")
... def f():
...     '''Count {what}.
...
...     Raises
...     ------
...     {reader.raises_whole_file}
...     '''
>>> print(f.__doc__.splitlines()[0])
Count drones.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from typing import TypeVar

__all__: list[str] = []  # private module

F = TypeVar("F", bound=Callable[..., object])

#: name -> text. ``%(name)s`` pieces have plain names; ``{family.piece}`` pieces dotted ones.
PIECES: dict[str, str] = {
    "freq_window": """\
freq : str, optional
        A calendar period, labelled by its last day: ``"W-SUN"`` (Monday to
        Sunday weeks; ``"W-MON"`` ... ``"W-SAT"`` end the week on that day),
        ``"ME"`` (months), ``"QE"`` (quarters), ``"YE"`` (years).
    window : int or str or Timedelta, optional
        A rolling span of whole days ending on each date: ``7`` or ``"7D"``.
        Give ``freq`` or ``window``, not both.""",
    "by_value": """\
by : str or list of str, optional
        Group column(s) of a long DataFrame (a DatetimeIndex repeated across
        groups, the group columns and one value column): each group is one
        series, and the result is what calling the function on each group
        alone gives.
    value : str, optional
        The value column of the long frame (needed when there is more than
        one other column).""",
    "kind_totals": """\
kind : {"flow", "level", "cumulative"}, optional
        Overrides the kind :func:`~conflictstats.to_daily` recorded in
        ``attrs``. Flows (and the daily increments ``to_daily`` makes of a
        cumulative total) are summed; for a level the total is the change from
        the last level reported before the period to the last one reported in
        it. Required when nothing was recorded (pandas operations often drop
        ``attrs``): the answer depends on it, so it is never guessed. Shares
        are refused: pool their numerators and denominators with
        :func:`~conflictstats.rate`.""",
    "reader.raises_whole_file": """\
InputError
    When the file cannot be proven whole, naming the file, line and column: an
    empty file, a header with no data lines, bytes that are not UTF-8 (the
    encodings tried are listed), a line with more or fewer fields than the
    header, a last line without its line end (a file cut short), JSON that does
    not parse to its end, a number that is not a number, a date that breaks the
    date rule or lies outside 1677-2262, a column name or JSON key given twice.
    The ``screen_*`` twin sets a cut last line aside with the reason
    ``"line is incomplete"`` (and a line with the wrong field count with its
    counts) instead.
SourceLayoutError
    For a row the source's declaration calls impossible
    (:class:`~conflictstats.sources.Plausibility`), naming the line, column and
    value: a part above the whole or parts summing above it ("destroyed (250)
    exceeds launched (90)"), a running total that dips and is back within a few
    reports (a suspected typo), a line that repeats an earlier one exactly, a count
    that is not whole. The ``screen_*`` twin sets the row aside instead.""",
    "screen.intro": """\
The lenient twin of the ``read_*`` reader: a missing figure or a last line cut
short is set aside with the reason instead of being dropped or raising, so every
input row ends up in ``observations`` or in ``set_aside``. So are the rows the
source's declaration calls impossible (:class:`~conflictstats.sources.Plausibility`:
parts above the whole, a running total that dips and comes back, a line given
twice, a count that is not whole), all of the row's figures, with ``refused``
True. A broken layout (wrong columns, a cell that is not a number or not a date)
still raises.""",
    "screen.returns": """\
ObservationTable
    ``observations`` (what the ``read_*`` twin returns) and ``set_aside``
    (indexed by input row, 0 = the first data line; columns ``column``,
    ``metric``, ``value``, ``reason``, and ``refused`` True for a row refused by a
    check rather than a figure the file leaves empty). A whole line left out
    (``"line is incomplete"``: the file ends inside it) has no column or metric
    and its text as ``value``.""",
    "dates.params": """\
dayfirst : bool, optional
    How to read dates written with slashes or dots (``27/11/2024``): True for
    day first, False for month first. Without it such dates are refused: ISO
    8601 (``2024-11-27``, ``2024-11-25 19:30``) is the only form read unasked.
format : str, optional
    An explicit :func:`~datetime.datetime.strptime` format for every date.
tz : str
    The zone timestamps with a UTC offset are converted to before their date is
    taken (default ``"Europe/Kyiv"``); results are naive local times. A mix of
    timestamps with and without offsets is refused, naming the rows.""",
    "dates.rule": """\
Dates follow one rule: ISO 8601 is read as it is (a day needs two digits:
``2024-11-2`` is refused); a date with slashes or dots is refused unless
``dayfirst=`` or ``format=`` is given; a number is never a date (unless the
caller asks for Excel serial days); timestamps with a UTC offset are converted
to ``tz`` (Europe/Kyiv by default) and made naive; a mix of aware and naive
timestamps is refused naming the rows.""",
}

_PLACEHOLDER = re.compile(r"(?P<indent>[ \t]*)\{(?P<name>[a-z_]+(?:\.[a-z_]+)*)\}")


def add_pieces(pieces: Mapping[str, str]) -> None:
    """Register more pieces (a name may be defined once)."""
    for name, text in pieces.items():
        if name in PIECES and PIECES[name] != text:
            raise ValueError(f"docstring piece {name!r} is already defined")
        PIECES[name] = textwrap.dedent(text).strip("\n")


def fill(doc: str, extra: Mapping[str, str] | None = None) -> str:
    """Fill the ``{name}`` placeholders of ``doc`` with pieces (``extra`` first)."""
    pieces = {**PIECES, **(extra or {})}

    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        if name not in pieces:
            if "." in name:
                raise KeyError(f"unknown docstring piece {name!r}")
            return m.group(0)
        indent = m.group("indent")
        lines = pieces[name].splitlines()
        return "\n".join((indent + line) if line else line for line in lines)

    return _PLACEHOLDER.sub(sub, doc)


def docstring(**extra: str) -> Callable[[F], F]:
    """Decorator: fill the function's docstring placeholders with the pieces."""

    def deco(func: F) -> F:
        if func.__doc__:
            func.__doc__ = fill(func.__doc__, extra)
        return func

    return deco


def fill_doc(func: F) -> F:
    """Substitute the ``%(name)s`` pieces of ``func``'s docstring."""
    if func.__doc__:
        func.__doc__ = func.__doc__ % PIECES
    return func
