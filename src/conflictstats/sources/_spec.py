"""What each public dataset's rows mean: one typed declaration per source.

A :class:`SourceSpec` says, once and from the source's own documentation, which
files a dataset needs, which reader reads them, how its rows form series, what
the source covers (its **scope**), which date an observation carries (when the
counted events **happened**, when they were **reported**, or when an entry was
**logged**), what each metric means, where a definition changes (a **break**),
how to credit it and which rows are impossible (**plausibility**). The readers,
:mod:`conflictstats.datasets`, the command line and the weekly report all read
these declarations; nothing else says what a source's rows mean.

The registry itself is :data:`conflictstats.sources.SOURCES`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

__all__ = [
    "EVENT_DATE_RULES",
    "DefinitionBreak",
    "Plausibility",
    "SeriesRule",
    "SourceSpec",
]

EventDates = Literal["happened", "reported", "logged", "as_of", "period"]

#: The event-date rules a source can declare -> what a date of its series means.
EVENT_DATE_RULES: Mapping[str, str] = MappingProxyType({
    "happened": "the date the counted events happened (an overnight attack counts on its "
                "morning date)",
    "reported": "the date of the report; the figure covers a window before it",
    "logged": "the date an entry was first logged by the source, not the date of the event",
    "as_of": "the date of the map or snapshot the level was measured on",
    "period": "the calendar period the figure is allocated to",
})


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclasses.dataclass(frozen=True)
class DefinitionBreak:
    """A date from which a metric is counted under another definition.

    Attributes
    ----------
    date : Timestamp
        The first day counted under the new definition.
    metrics : tuple of str
        The metrics whose meaning changes (their shares and rates too).
    before, after : str
        Short labels of the two definitions (used as the ``definition`` column
        of the observations and in sentences).
    description : str
        One sentence from the source's documentation.
    """

    date: pd.Timestamp
    metrics: tuple[str, ...]
    before: str
    after: str
    description: str


@dataclasses.dataclass(frozen=True)
class Plausibility:
    """Rows a source cannot hold; each is refused, or set aside by a ``screen_*`` reader.

    Rules that hold for every source are not declared here: a value in unit
    ``count`` is whole and a date lies in 1677-2262 (checked by
    :func:`~conflictstats.read_observations` for every reader).

    Attributes
    ----------
    parts : mapping of str to tuple of str
        A whole -> the metrics that are parts of it, within one row: each part,
        and their sum, is at most the whole ("destroyed 250 of 90 launched").
    running_total_dips : bool
        A cumulative series whose fall is undone within a few reports is a
        suspected typo (a dropped digit), set aside; a fall that stays is a
        correction.
    duplicate_rows : bool
        Two identical lines are one report given twice.
    """

    parts: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=_frozen)
    running_total_dips: bool = False
    duplicate_rows: bool = True


@dataclasses.dataclass(frozen=True)
class SeriesRule:
    """How a dataset's rows form the series the report states.

    Attributes
    ----------
    split : tuple of str
        Columns whose values are separate series, never summed (missile
        ``category``: drones apart from each missile type). A column before the
        last splits only when the rows used hold several of its values (missile
        ``command``: the regional commands, named in brackets).
    optional_split : tuple of str
        Columns that split further when chosen (``--model``).
    summed : tuple of str
        Columns summed over (Kiel donors).
    rows : mapping of str to str
        Default row selection (column -> value); ``--where`` replaces it.
    rows_note : str
        What the default rows are, in words, for the summary.
    headline : tuple of str
        Metrics stated by default; all metrics when empty.
    rates : mapping of str to tuple of str
        Base metric -> outcome metrics whose shares of it are stated.
    comparable : str
        A column whose value labels the definition a day is counted under:
        comparisons and records stay within one value.
    labels : mapping of str to str
        Metric -> words printed for it.
    nouns : mapping of str to str
        Value of the split column -> the noun printed ("drone" -> "drones").
    label_from : mapping of str to str
        Metric -> a column whose single value labels it (an Oryx events file of
        one status is labelled by it).
    note : str
        A sentence the summary always prints for this source.
    """

    split: tuple[str, ...] = ()
    optional_split: tuple[str, ...] = ()
    summed: tuple[str, ...] = ()
    rows: Mapping[str, str] = dataclasses.field(default_factory=_frozen)
    rows_note: str = ""
    headline: tuple[str, ...] = ()
    rates: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=_frozen)
    comparable: str = ""
    labels: Mapping[str, str] = dataclasses.field(default_factory=_frozen)
    nouns: Mapping[str, str] = dataclasses.field(default_factory=_frozen)
    label_from: Mapping[str, str] = dataclasses.field(default_factory=_frozen)
    note: str = ""


@dataclasses.dataclass(frozen=True)
class SourceSpec:
    """One public dataset: its files, reader, scope, event dates, definitions and credit.

    Attributes
    ----------
    name : str
        The reader name used by ``load_dataset(reader=...)`` and
        ``conflictstats weekly --reader``.
    title : str
        The dataset's name as its publisher gives it.
    publisher : str
        Who reported the figures, and through whom they reach us.
    credit : str
        The credit line its licence asks for.
    licence : str
        The licence, as the source states it.
    reader, screener : str
        Names of the functions in :mod:`conflictstats.sources` that read the
        file (raising on a bad row) and screen it (setting bad rows aside).
    files : tuple of str
        File names the reader takes (the first is the one ``--data`` names).
    companions : tuple of str
        Files that must lie beside it in the same folder (the missile file's
        model catalogue).
    folder : bool
        The reader takes a folder of files.
    file_hints : tuple of str
        Lower-case pieces of file names that identify the dataset.
    fetch : tuple of str
        Keys of :data:`conflictstats.sources.DATASETS` that
        :func:`~conflictstats.sources.fetch_dataset` downloads for it, into one
        folder.
    scope : str
        What the figures cover and who reported them (national vs regional),
        from the source's documentation.
    event_dates : str
        One of :data:`EVENT_DATE_RULES`.
    event_dates_note : str
        The rule in the source's own terms ("the 24 hours to the morning
        report").
    date_phrase : str
        How a sentence dates a day of this source: ``"{date}"`` is replaced by
        the date ("in the 24 hours to the morning report of {date}").
    date_caption : str
        What a chart's dates are, in a few words for its source line ("days are
        report dates: the 24 hours to each morning report").
    definitions : mapping of str to str
        Metric -> what it counts.
    breaks : tuple of DefinitionBreak
        Definition changes, in date order.
    artefacts : str
        Days the source flags (map redraws, backfills) and why, in words.
    series : SeriesRule
        How rows form series.
    plausibility : Plausibility
        Impossible rows.
    """

    name: str
    title: str
    publisher: str
    credit: str
    licence: str
    reader: str
    screener: str
    files: tuple[str, ...]
    scope: str
    event_dates: EventDates
    event_dates_note: str
    date_phrase: str = "on {date}"
    date_caption: str = ""
    companions: tuple[str, ...] = ()
    folder: bool = False
    file_hints: tuple[str, ...] = ()
    fetch: tuple[str, ...] = ()
    definitions: Mapping[str, str] = dataclasses.field(default_factory=_frozen)
    breaks: tuple[DefinitionBreak, ...] = ()
    artefacts: str = ""
    series: SeriesRule = dataclasses.field(default_factory=SeriesRule)
    plausibility: Plausibility = dataclasses.field(default_factory=Plausibility)

    def __post_init__(self) -> None:
        if self.event_dates not in EVENT_DATE_RULES:
            raise ValueError(f"SourceSpec {self.name}: event_dates must be one of "
                             f"{', '.join(EVENT_DATE_RULES)}; got {self.event_dates!r}")
        if "{date}" not in self.date_phrase:
            raise ValueError(f"SourceSpec {self.name}: date_phrase must contain '{{date}}'; "
                             f"got {self.date_phrase!r}")

    def dated(self, date: str) -> str:
        """``date`` in this source's words: "in the 24 hours to the morning of 18 Nov 2024"."""
        return self.date_phrase.format(date=date)

    def matches(self, path: str | Path) -> bool:
        """Whether a file name looks like one of this dataset's files."""
        name = Path(path).name.lower()
        return any(h in name for h in self.file_hints)

    def to_frame(self) -> pd.DataFrame:
        """One row: name, title, publisher, scope, event dates, breaks and credit."""
        breaks = "; ".join(f"{b.date:%Y-%m-%d}: {b.description}" for b in self.breaks)
        return pd.DataFrame([{
            "name": self.name, "title": self.title, "publisher": self.publisher,
            "files": ", ".join(self.files + self.companions), "scope": self.scope,
            "event_dates": self.event_dates, "event_dates_note": self.event_dates_note,
            "breaks": breaks, "artefacts": self.artefacts, "credit": self.credit,
            "licence": self.licence,
        }])
