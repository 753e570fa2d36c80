"""Data sets that ship with conflictstats.

* :func:`load_seed_article` — every figure of the news article the project grew
  from (Al Jazeera, "Russia-Ukraine war: List of key events, day 1,007",
  27 November 2024), one observation per figure, with the phrase as printed.
* :func:`load_demo` — a seeded **synthetic** campaign (nightly drone attacks with
  interceptions, an occupied-area level series with gaps, monthly aid in several
  currencies), made by ``data/make_demo.py``; its ``source`` column says
  "synthetic" on every row.

It also holds the table of public-dataset readers (:data:`READERS`) and
:func:`load_dataset`, which the weekly report and the command line use to read a
file, and :func:`bundled_datasets`, the data the report runs on by default.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import InputError
from .observations import read_observations

__all__ = [
    "READERS",
    "bundled_datasets",
    "data_path",
    "load_dataset",
    "load_demo",
    "load_seed_article",
]

#: Reader name (as ``load_dataset(reader=...)`` and ``conflictstats weekly --reader``
#: take it) -> the function in :mod:`conflictstats.sources` that reads the file.
READERS: dict[str, str] = {
    "missile_attacks": "read_missile_attacks",
    "deepstate_area": "read_deepstate_area",
    "liveuamap_territory": "read_liveuamap_territory",
    "kiel_tracker": "read_kiel_tracker",
    "general_staff_losses": "read_general_staff_losses",
    "oryx_daily": "read_oryx_daily",
    "oryx_events": "read_oryx_events",
}


def data_path(name: str) -> Path:
    """Path of a bundled data file (installed package, or the source tree).

    Parameters
    ----------
    name : str
        File name, e.g. ``"seed_article.csv"``.

    Returns
    -------
    Path
    """
    packaged = resources.files("conflictstats").joinpath("data", name)
    if packaged.is_file():
        return Path(str(packaged))
    # running from a source checkout (editable install): the repository's data/
    local = Path(__file__).resolve().parents[2] / "data" / name
    if local.is_file():
        return local
    raise FileNotFoundError(f"bundled data file {name!r} not found (looked in {packaged} "
                            f"and {local})")


def load_seed_article() -> pd.DataFrame:
    """The figures of the seed article as observations.

    Returns
    -------
    DataFrame
        The observation table (see :func:`conflictstats.read_observations`) with
        ``reported`` (2024-11-27, the article's date: conversions stated in it are
        checked at that date) and two extra columns: ``text``, the phrase as
        printed, and ``note``.

    Examples
    --------
    >>> from conflictstats.datasets import load_seed_article
    >>> obs = load_seed_article()
    >>> obs.loc[obs["metric"] == "drones_launched", ["value", "start", "end"]]
       value               start                 end
    0  188.0 2024-11-25 19:30:00 2024-11-26 09:00:00
    """
    return read_observations(data_path("seed_article.csv"))


def load_demo() -> pd.DataFrame:
    """The synthetic demonstration campaign as observations.

    Returns
    -------
    DataFrame
        The observation table; every row's ``source`` says it is synthetic.

    Examples
    --------
    >>> from conflictstats.datasets import load_demo
    >>> demo = load_demo()
    >>> bool(demo["source"].str.contains("synthetic").all())
    True
    """
    return read_observations(data_path("demo_campaign.csv"))


def bundled_datasets() -> dict[str, pd.DataFrame]:
    """The data the report runs on by default: the seed article and the synthetic demo."""
    return {
        "Seed article (Al Jazeera, 27 November 2024)": load_seed_article(),
        "Synthetic demonstration campaign": load_demo(),
    }


def _reader(name: str) -> Callable[..., pd.DataFrame]:
    from . import sources  # the readers import more than most users need

    if name not in READERS:
        raise InputError(f"reader must be one of {', '.join(READERS)}; got {name!r}")
    reader: Callable[..., pd.DataFrame] = getattr(sources, READERS[name])
    return reader


def load_dataset(path: str | Path, *, reader: str | None = None) -> pd.DataFrame:
    """Observations from an observation CSV, or a public dataset file with its reader.

    Parameters
    ----------
    path : str or Path
        The file.
    reader : str, optional
        The reader for a public dataset, a key of :data:`READERS`:
        ``missile_attacks``, ``deepstate_area``, ``liveuamap_territory``,
        ``kiel_tracker``, ``general_staff_losses``, ``oryx_daily`` or
        ``oryx_events``. Without it the file is read as an observation CSV (bad
        rows are kept for the report to list), after the same whole-file checks as
        :func:`~conflictstats.read_observations` (encoding, field counts, a last
        line that is complete).

    Returns
    -------
    DataFrame
        Observations (possibly with bad rows, which the weekly report lists).

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    InputError
        For an unknown ``reader``, or a file that is empty, cut short or not UTF-8
        (naming the file, line and column).

    Examples
    --------
    >>> from conflictstats.datasets import data_path, load_dataset
    >>> obs = load_dataset(data_path("seed_article.csv"))
    >>> "metric" in obs.columns
    True
    """
    from ._files import read_csv_checked

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"data file not found: {path}")
    if reader is None:
        frame, _ = read_csv_checked(path, name=f"load_dataset({path.name})",
                                    keep_default_na=False, na_values=[""])
        return frame
    read = _reader(reader)
    frame = read(path)
    if reader == "missile_attacks" and "scope" in frame.columns:
        # regional reports overlap the nationwide ones: the report uses the nationwide
        frame = frame.loc[frame["scope"] == "national"]
    if reader == "oryx_daily" and "category" in frame.columns:
        # one row per equipment category: the report follows the all-types totals
        frame = frame.loc[frame["category"] == "All Types"]
    return frame
