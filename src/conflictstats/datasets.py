"""Data sets that ship with conflictstats.

* :func:`load_seed_article` — every figure of the news article the project grew
  from (Al Jazeera, "Russia-Ukraine war: List of key events, day 1,007",
  27 November 2024), one observation per figure, with the phrase as printed.
* :func:`load_demo` — a seeded **synthetic** campaign (nightly drone attacks with
  interceptions, an occupied-area level series with gaps, monthly aid in several
  currencies), made by ``data/make_demo.py``; its ``source`` column says
  "synthetic" on every row.

It also holds :func:`load_dataset` and :func:`screen_dataset`, which the weekly
report and the command line use to read a file with the reader a source
declaration names (:data:`conflictstats.sources.SOURCES`), and
:func:`bundled_datasets`, the data the report runs on by default.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from ._files import INCOMPLETE
from .errors import InputError
from .observations import ObservationTable, read_observations

__all__ = [
    "bundled_datasets",
    "data_path",
    "load_dataset",
    "load_demo",
    "load_seed_article",
    "screen_dataset",
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
        of a public file's plausible rows (the report picks the rows its
        declaration names, such as the missile file's national posts). A public
        file is read by its ``screen_*`` reader: a row its declaration's
        plausibility rules refuse (parts above the whole, a running total that dips
        and comes back, a line given twice ...) is left out with a
        ``DataWarning`` naming it; :func:`screen_dataset` returns the same
        observations with those rows and their reasons, and the weekly report
        lists them.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    InputError
        For an unknown ``reader``, a companion file that is not beside the file
        (naming it), or a file that is empty, cut short or not UTF-8 (naming the
        file, line and column).

    See Also
    --------
    screen_dataset : the same, with the rows set aside and why.

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
    table = _screen_public(path, reader)
    aside = table.set_aside
    refused = (aside["refused"].eq(True) if "refused" in aside.columns
               else pd.Series(False, index=aside.index))
    if refused.any():
        import warnings

        from .errors import DataWarning

        bad = aside.loc[refused]
        first = bad.iloc[0]
        warnings.warn(
            f"load_dataset({path.name}): {len(bad)} figure(s) left out as impossible (first: "
            f"{first['reason']}); screen_dataset(...) lists them all", DataWarning,
            stacklevel=2)
    return table.observations


def _screen_public(path: Path, reader: str) -> ObservationTable:
    from . import sources  # the readers import more than most users need

    spec = sources.source_spec(reader)
    folder = path if path.is_dir() else path.parent
    for companion in spec.companions:
        if not (folder / companion).is_file():
            raise InputError(
                f"{spec.title}: {companion} must lie beside {path.name} (in {folder}); "
                f"the {reader} reader needs it (fetch both with "
                f"conflictstats.sources.fetch_dataset({reader!r}))")
    table: ObservationTable = getattr(sources, spec.screener)(path)
    if len(table.set_aside) and (table.set_aside["reason"] == INCOMPLETE).any():
        getattr(sources, spec.reader)(path)  # a file cut short is refused, naming the line
    return table


def screen_dataset(path: str | Path, *, reader: str | None = None) -> ObservationTable:
    """:func:`load_dataset`, with the rows refused as impossible or unreadable and why.

    Parameters
    ----------
    path, reader
        As for :func:`load_dataset`.

    Returns
    -------
    ObservationTable
        ``observations``: the table :func:`load_dataset` returns (for an
        observation CSV, the rows :func:`~conflictstats.screen_observations`
        keeps). ``set_aside``: one row per input row refused, indexed by the input
        row, with ``metric`` (the metrics of the row that were set aside, joined by
        ", "), ``value`` (the first of them) and ``reason``
        ("line 12 repeats line 11 exactly ...", "destroyed (250) exceeds
        launched (90) ..."). A figure the file leaves empty is not an observation
        and not listed. The weekly report lists these rows under its input problems.

    Raises
    ------
    FileNotFoundError, InputError
        As for :func:`load_dataset`.

    Examples
    --------
    >>> from conflictstats.datasets import data_path, screen_dataset
    >>> table = screen_dataset(data_path("seed_article.csv"))
    >>> len(table.set_aside)
    0
    """
    import warnings

    from .errors import DataWarning
    from .observations import screen_observations
    from .sources._common import REFUSED

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"data file not found: {path}")
    if reader is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # the rows are returned instead
            table = screen_observations(path)
        aside = table.set_aside.assign(metric=None)
    else:
        table = _screen_public(path, reader)
        aside = table.set_aside
        aside = aside.loc[aside[REFUSED].eq(True)] if (
            REFUSED in aside.columns) else aside.iloc[:0]
    if len(aside):  # one line per input row: its metrics joined
        aside = aside.rename_axis(None).assign(row=aside.index.to_numpy(),
                                               metric=aside["metric"].astype(object).fillna(""))
        aside = aside.groupby(["row", "reason"], sort=False).agg(
            metric=("metric", lambda m: ", ".join(x for x in dict.fromkeys(m) if x)),
            value=("value", "first")).reset_index("reason")
    out = pd.DataFrame({"metric": aside["metric"].astype(object),
                        "value": aside["value"].astype(object),
                        "reason": aside["reason"].astype(object)},
                       index=pd.Index(aside.index, name="row"))
    return ObservationTable(observations=table.observations, set_aside=out)
