"""Data sets that ship with conflictstats.

* :func:`load_seed_article` — every figure of the news article the project grew
  from (Al Jazeera, "Russia-Ukraine war: List of key events, day 1,007",
  27 November 2024), one observation per figure, with the phrase as printed.
* :func:`load_demo` — a seeded **synthetic** campaign (nightly drone attacks with
  interceptions, an occupied-area level series with gaps, monthly aid in several
  currencies), made by ``data/make_demo.py``; its ``source`` column says
  "synthetic" on every row.

It also holds :func:`load_dataset`, which the weekly report and the command line
use to read a file with the reader a source declaration names
(:data:`conflictstats.sources.SOURCES`), and :func:`bundled_datasets`, the data
the report runs on by default.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import InputError
from .observations import read_observations

__all__ = [
    "bundled_datasets",
    "data_path",
    "load_dataset",
    "load_demo",
    "load_seed_article",
]

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


def load_dataset(path: str | Path, *, reader: str | None = None) -> pd.DataFrame:
    """Observations from an observation CSV, or a public dataset file with its reader.

    Parameters
    ----------
    path : str or Path
        The file.
    reader : str, optional
        The reader name of a public dataset, a key of
        :data:`conflictstats.sources.SOURCES` (``missile_attacks``,
        ``deepstate_area``, ``liveuamap_territory``, ``nzz_area``,
        ``kiel_tracker``, ``general_staff_losses``, ``oryx_daily``,
        ``oryx_events``). The files its declaration names as companions (the
        missile file's model catalogue) must lie in the same folder. Without a
        reader the file is read as an observation CSV (bad rows are kept for the
        report to list), after the same whole-file checks as
        :func:`~conflictstats.read_observations` (encoding, field counts, a last
        line that is complete).

    Returns
    -------
    DataFrame
        Observations (possibly with bad rows, which the weekly report lists); all
        of a public file's rows (the report picks the rows its declaration names,
        such as the missile file's national posts).

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    InputError
        For an unknown ``reader``, a companion file that is not beside the file
        (naming it), or a file that is empty, cut short or not UTF-8 (naming the
        file, line and column).

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
    from . import sources  # the readers import more than most users need

    spec = sources.source_spec(reader)
    folder = path if path.is_dir() else path.parent
    for companion in spec.companions:
        if not (folder / companion).is_file():
            raise InputError(
                f"{spec.title}: {companion} must lie beside {path.name} (in {folder}); "
                f"the {reader} reader needs it (fetch both with "
                f"conflictstats.sources.fetch_dataset({reader!r}))")
    read = getattr(sources, spec.reader)
    observations: pd.DataFrame = read(path)
    return observations
