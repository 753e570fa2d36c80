"""Data sets that ship with conflictstats.

* :func:`load_seed_article` — every figure of the news article the project grew
  from (Al Jazeera, "Russia-Ukraine war: List of key events, day 1,007",
  27 November 2024), one observation per figure, with the phrase as printed.
* :func:`load_demo` — a seeded **synthetic** campaign (nightly drone attacks with
  interceptions, an occupied-area level series with gaps, monthly aid in several
  currencies), made by ``data/make_demo.py``; its ``source`` column says
  "synthetic" on every row.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from .observations import read_observations

__all__ = ["data_path", "load_demo", "load_seed_article"]


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
