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
from ._registry import SOURCES, guess_source, source_spec, sources_table
from ._spec import EVENT_DATE_RULES, DefinitionBreak, Plausibility, SeriesRule, SourceSpec

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
