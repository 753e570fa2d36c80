"""Readers for the public datasets of the war in Ukraine -> observation tables.

Each ``read_*`` returns the table of :func:`conflictstats.read_observations`
(``metric, value, unit, start, end, kind, qualifier, entity, source`` plus
grouping columns), so :func:`conflictstats.to_daily` and everything downstream
work on it directly. Each ``screen_*`` twin returns an
:class:`~conflictstats.ObservationTable` that also holds the cells set aside (a
missing figure is not an observation) with the reason, so every input row is
accounted for. :func:`fetch_dataset` downloads the files into a local cache.

What each dataset's rows mean is declared once, in :data:`SOURCES`: one
:class:`SourceSpec` per reader name with the files it needs, its scope (who
reported, national or regional), its event-date rule (when the counted events
happened, were reported or were logged), its definitions and their breaks, its
credit line and its plausibility rules. The readers, ``load_dataset``, the
``conflictstats`` command and the weekly report read it from there.

========================================  =========================================
reader                                    dataset
========================================  =========================================
:func:`read_missile_attacks`              Massive Missile Attacks on Ukraine
:func:`read_deepstate_area`               DeepStateMap occupied area (derived)
:func:`read_liveuamap_territory`          Liveuamap controlled area
:func:`read_nzz_area`                     NZZ occupied area (2022-2023)
:func:`read_kiel_tracker`                 Kiel Ukraine Support Tracker (monthly)
:func:`read_kiel_snapshot`                Kiel heavy weapons, EU aid shares (static)
:func:`read_general_staff_losses`         General Staff claimed Russian losses
:func:`read_oryx_daily`                   Oryx confirmed equipment losses (daily)
:func:`read_oryx_totals`                  Oryx totals per type (one snapshot)
:func:`read_oryx_events`                  Oryx losses per day first recorded
:func:`read_missile_catalogue`            weapon models of the missile dataset
:func:`missile_waves`                     the missile dataset's attacks (waves)
========================================  =========================================
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from ..errors import InputError
from . import _deepstate, _kiel, _liveuamap, _losses, _missile, _oryx
from ._common import SourceLayoutError
from ._deepstate import DEEPSTATE_FLAGS, read_deepstate_area, screen_deepstate_area
from ._fetch import DATASETS, default_cache_dir, fetch_dataset
from ._kiel import (
    KIEL_MODES,
    KIEL_SCALE,
    read_kiel_snapshot,
    read_kiel_tracker,
    screen_kiel_snapshot,
    screen_kiel_tracker,
)
from ._liveuamap import (
    read_liveuamap_territory,
    read_nzz_area,
    screen_liveuamap_territory,
    screen_nzz_area,
)
from ._losses import LOSSES_MERGED, read_general_staff_losses, screen_general_staff_losses
from ._missile import (
    CATALOGUE_FILE,
    EW_DEFINITION_BREAK,
    LOST_TRACK_BREAK,
    MISSILE_COLUMNS,
    MISSILE_COMMANDS,
    MISSILE_METRICS,
    find_definition_break,
    find_lost_track_break,
    missile_waves,
    read_missile_attacks,
    read_missile_catalogue,
    screen_missile_attacks,
)
from ._oryx import (
    ORYX_BACKFILL_DATES,
    ORYX_STATUSES,
    read_oryx_daily,
    read_oryx_events,
    read_oryx_totals,
    screen_oryx_daily,
    screen_oryx_events,
    screen_oryx_totals,
)
from ._spec import EVENT_DATE_RULES, DefinitionBreak, Plausibility, SeriesRule, SourceSpec

#: Every public dataset's declaration, by reader name (the name ``load_dataset``,
#: ``conflictstats weekly --reader`` and :func:`source_spec` take).
SOURCES: Mapping[str, SourceSpec] = MappingProxyType({s.name: s for s in (
    _missile.SPEC, _deepstate.SPEC, _liveuamap.SPEC, _liveuamap.NZZ_SPEC, _kiel.SPEC,
    _losses.SPEC, _oryx.SPEC_DAILY, _oryx.SPEC_EVENTS,
)})


def source_spec(name: str) -> SourceSpec:
    """The declaration of the dataset read by reader ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`SOURCES` (``"missile_attacks"``, ``"general_staff_losses"`` ...).

    Returns
    -------
    SourceSpec

    Raises
    ------
    InputError
        For an unknown name, listing the known ones.

    Examples
    --------
    >>> from conflictstats.sources import source_spec
    >>> spec = source_spec("general_staff_losses")
    >>> spec.event_dates
    'reported'
    >>> spec.dated("18 Nov 2024")
    'in the 24 hours to the morning report of 18 Nov 2024'
    """
    if name not in SOURCES:
        raise InputError(f"reader must be one of {', '.join(SOURCES)}; got {name!r}")
    return SOURCES[name]


def guess_source(path: str | Path) -> SourceSpec | None:
    """The dataset whose public file ``path`` looks like (by its name), or None.

    Examples
    --------
    >>> from conflictstats.sources import guess_source
    >>> guess_source("data/missile_attacks_daily.csv").name
    'missile_attacks'
    >>> guess_source("my_observations.csv") is None
    True
    """
    return next((s for s in SOURCES.values() if s.matches(path)), None)


def sources_table() -> pd.DataFrame:
    """Every declaration as one row: scope, event dates, breaks and credit.

    Examples
    --------
    >>> from conflictstats.sources import sources_table
    >>> sources_table().loc["oryx_events", "event_dates"]
    'logged'
    """
    return pd.concat([s.to_frame() for s in SOURCES.values()],
                     ignore_index=True).set_index("name")


__all__ = [
    "CATALOGUE_FILE",
    "DATASETS",
    "DEEPSTATE_FLAGS",
    "EVENT_DATE_RULES",
    "EW_DEFINITION_BREAK",
    "KIEL_MODES",
    "KIEL_SCALE",
    "LOSSES_MERGED",
    "LOST_TRACK_BREAK",
    "MISSILE_COLUMNS",
    "MISSILE_COMMANDS",
    "MISSILE_METRICS",
    "ORYX_BACKFILL_DATES",
    "ORYX_STATUSES",
    "SOURCES",
    "DefinitionBreak",
    "Plausibility",
    "SeriesRule",
    "SourceLayoutError",
    "SourceSpec",
    "default_cache_dir",
    "fetch_dataset",
    "find_definition_break",
    "find_lost_track_break",
    "guess_source",
    "missile_waves",
    "read_deepstate_area",
    "read_general_staff_losses",
    "read_kiel_snapshot",
    "read_kiel_tracker",
    "read_liveuamap_territory",
    "read_missile_attacks",
    "read_missile_catalogue",
    "read_nzz_area",
    "read_oryx_daily",
    "read_oryx_events",
    "read_oryx_totals",
    "screen_deepstate_area",
    "screen_general_staff_losses",
    "screen_kiel_snapshot",
    "screen_kiel_tracker",
    "screen_liveuamap_territory",
    "screen_missile_attacks",
    "screen_nzz_area",
    "screen_oryx_daily",
    "screen_oryx_events",
    "screen_oryx_totals",
    "source_spec",
    "sources_table",
]
