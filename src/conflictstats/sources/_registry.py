"""The registry of source declarations: one :class:`SourceSpec` per reader name."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from ..errors import InputError
from . import _deepstate, _kiel, _liveuamap, _losses, _missile, _oryx
from ._spec import SourceSpec

__all__ = ["SOURCES", "guess_source", "source_spec", "sources_table"]

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


