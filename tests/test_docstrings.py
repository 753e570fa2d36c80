"""Shared docstring pieces: written once, filled everywhere, never left as placeholders."""

from __future__ import annotations

import re
import textwrap

import pytest

import conflictstats as cs
from conflictstats import sources
from conflictstats._docstrings import PIECES, add_pieces, docstring, fill

READERS = sorted(n for n in sources.__all__ if n.startswith(("read_", "screen_")))


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", READERS)
def test_no_reader_docstring_keeps_a_placeholder(name):
    doc = getattr(sources, name).__doc__
    assert not re.search(r"\{[a-z_]+\.[a-z_]+\}", doc)


@pytest.mark.parametrize("name", [n for n in READERS if n.startswith("screen_")])
def test_every_screening_twin_says_the_same_thing_about_what_it_sets_aside(name):
    assert _flat(PIECES["screen.intro"]) in _flat(getattr(sources, name).__doc__)


@pytest.mark.parametrize("name", [n for n in READERS if n.startswith("read_")])
def test_every_reader_documents_the_whole_file_checks(name):
    assert _flat(PIECES["reader.raises_whole_file"]) in _flat(getattr(sources, name).__doc__)


def test_the_observation_reader_and_its_twin_share_the_pieces():
    assert _flat(PIECES["dates.params"]) in _flat(cs.read_observations.__doc__)
    assert _flat(PIECES["screen.intro"]) in _flat(cs.screen_observations.__doc__)


def test_a_piece_is_indented_like_its_placeholder():
    doc = fill("Title.\n\n    Notes\n    -----\n    {dates.rule}\n")
    body = textwrap.dedent(doc.split("-----\n", 1)[1])
    assert body.strip() == PIECES["dates.rule"]


def test_an_unknown_piece_is_an_error_and_plain_braces_are_left_alone():
    with pytest.raises(KeyError, match="unknown docstring piece 'reader.nothing'"):
        fill("{reader.nothing}")
    assert fill("{'belarus': 5.0} and {x}") == "{'belarus': 5.0} and {x}"


def test_new_pieces_can_be_registered_once_and_used_by_the_decorator():
    add_pieces({"test.piece_for_the_suite": "by= names the group columns."})

    @docstring()
    def f():
        """{test.piece_for_the_suite}"""

    assert f.__doc__ == "by= names the group columns."
    with pytest.raises(ValueError, match="already defined"):
        add_pieces({"test.piece_for_the_suite": "something else"})
