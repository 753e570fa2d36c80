"""The ``conflictstats`` command.

``conflictstats weekly`` writes the weekly report (charts and ``summary.md``) for the
bundled data, an observation CSV, or a public dataset file read by its reader.
``conflictstats summary`` prints the observations of a file as daily series.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from .sources import SOURCES

    p = argparse.ArgumentParser(
        prog="conflictstats",
        description="Honest daily series, rates, records and weekly charts from the figures "
                    "of war reporting.",
    )
    p.add_argument("--version", action="version", version=f"conflictstats {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    w = sub.add_parser("weekly", help="write the weekly report (summary, facts and charts)",
                       description="Write the weekly report for the week ending on --week "
                                   "(default: the latest complete Monday-Sunday week): "
                                   "summary.md, facts.csv and charts (PNG and SVG).")
    w.add_argument("--week", metavar="YYYY-MM-DD",
                   help="last day of the week, as an ISO date (2024-11-24: Monday 18 to "
                        "Sunday 24 November; 2024-11-20: Thursday 14 to Wednesday 20)")
    w.add_argument("--data", metavar="PATH",
                   help="observation CSV, or a public dataset file with --reader "
                        "(default: the bundled seed article and synthetic demo)")
    w.add_argument("--reader", metavar="NAME",
                   help=f"reader for --data: {', '.join(SOURCES)}")
    w.add_argument("--out", metavar="DIR", default="conflictstats_report",
                   help="output folder (default: %(default)s), replaced as a whole when the "
                        "run succeeds; an earlier report's files are replaced, your own "
                        "files there are kept")
    w.add_argument("--metric", metavar="NAME", action="append",
                   help="report this metric (repeat for several; default: the reader's "
                        "headline metrics, e.g. launched and destroyed)")
    w.add_argument("--category", metavar="VALUE", action="append",
                   help="only rows of this category (missile data: drone, cruise missile, "
                        "ballistic missile ...)")
    w.add_argument("--model", metavar="VALUE", action="append",
                   help="only rows of this model, one series per model (missile data)")
    w.add_argument("--where", metavar="COLUMN=VALUE", action="append",
                   help="only rows whose COLUMN has VALUE (repeatable), e.g. "
                        "--where scope=regional")
    w.add_argument("--conflict", default=None,
                   choices=["error", "sum", "mean", "first", "last", "max", "min"],
                   help="policy for several reports of one metric on one day (default: 'sum' "
                        "with --reader, whose rows are separate events such as one weapon "
                        "model in one wave; 'error' otherwise, listing conflicting metrics)")
    w.add_argument("--quiet", action="store_true", help="no progress messages")

    s = sub.add_parser("summary", help="print observations as daily series",
                       description="Print a short summary of each metric's daily series.")
    s.add_argument("--data", metavar="PATH", help="observation CSV (default: bundled data)")
    s.add_argument("--reader", metavar="NAME",
                   help=f"reader for a public dataset file: {', '.join(SOURCES)}")
    return p


def _guess_reader(path: Path) -> str | None:
    """The reader whose public file this looks like, by name, or None."""
    from .sources import guess_source

    spec = guess_source(path)
    return None if spec is None else spec.name


def _check_data(path_text: str, reader: str | None) -> Path:
    """The --data path exists, is readable, and is a file (or a folder its reader takes)."""
    path = Path(path_text)
    if not path.exists():
        raise FileNotFoundError(f"data file not found: {path}")
    from .sources import SOURCES

    if path.is_dir() and not (reader is not None and reader in SOURCES
                              and SOURCES[reader].folder):
        raise IsADirectoryError(f"--data {path} is a folder; give the data file itself")
    if not os.access(path, os.R_OK):
        raise PermissionError(f"--data {path} cannot be read (permission denied)")
    return path


def _weekly(args: argparse.Namespace) -> int:

    from .datasets import load_dataset, screen_dataset
    from .errors import InputError
    from .report import _nothing_to_report, weekly_report

    t0 = time.perf_counter()

    def progress(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - t0:5.1f}s] {msg}", file=sys.stderr, flush=True)

    data = about = None
    if args.data:
        path = _check_data(args.data, args.reader)
        name = path.name if args.reader is None else f"{path.name} (read as {args.reader})"
        progress(f"reading {path}")
        try:
            # a public file is screened: the rows it refuses are listed as input problems
            frame: Any = (load_dataset(path) if args.reader is None
                          else screen_dataset(path, reader=args.reader))
        except (ValueError, KeyError, TypeError) as err:  # a file that is not what it says
            text = err.args[0] if isinstance(err, KeyError) and err.args else err
            raise InputError(f"--data {path} cannot be read"
                             + (f" as {args.reader}" if args.reader else "")
                             + f": {text}") from None
        if args.reader is None and "metric" not in frame.columns:  # a DataFrame here
            guess = _guess_reader(path)
            raise InputError(f"--data {path.name} is not an observation CSV (it has no "
                             "'metric' column)" + (f"; it looks like a public dataset: add "
                                                   f"--reader {guess}" if guess else
                                                   "; for a public dataset pass --reader"))
        data = {name: frame}
        # the file's modification date is not the data's date: the source line gives
        # the data's own span; a retrieval date is printed only when truly known
        about = None
    where = list(args.where or [])
    where += [f"category={c}" for c in args.category or []]
    where += [f"model={m}" for m in args.model or []]
    conflict = args.conflict or ("sum" if args.reader else "error")
    rep = weekly_report(data, week=args.week, out=args.out, conflict=conflict,
                        reader=args.reader, metric=args.metric, where=where or None,
                        split=["model"] if args.model else (), about=about,
                        progress=progress)
    n_png = sum(f.endswith(".png") for f in rep.files)
    if _nothing_to_report(rep.table, rep.facts):  # and weekly_report wrote nothing
        print(f"conflictstats: error: nothing to report for the week "
              f"{rep.week_start.date()} to {rep.week_end.date()}: 0 series"
              + (f" ({len(rep.problems)} input problem(s): "
                 f"{rep.problems['reason'].iloc[0]})" if len(rep.problems) else ""),
              file=sys.stderr)
        return 1
    print(rep.summary, flush=True)
    print(f"\nWeek {rep.week_start.date()} to {rep.week_end.date()} ({rep.freq} weeks): "
          f"{int(rep.table['reported'].sum()) if len(rep.table) else 0} series reported, "
          f"{n_png} chart{'s' if n_png != 1 else ''} (PNG and SVG), {len(rep.problems)} input "
          f"problem(s); written to "
          f"{args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


def _summary(args: argparse.Namespace) -> int:
    import pandas as pd

    from .daily import to_daily
    from .datasets import bundled_datasets, load_dataset
    from .observations import screen_observations

    if args.data:
        frame = load_dataset(args.data, reader=args.reader)
        if args.reader:  # the rows the source's declaration reports by default
            from .sources import source_spec

            for col, value in source_spec(args.reader).series.rows.items():
                if col in frame.columns:
                    frame = frame.loc[frame[col].astype(str) == value]
        datasets = {args.data: frame}
    else:
        datasets = bundled_datasets()
    for name, raw in datasets.items():
        table = screen_observations(raw) if not pd.api.types.is_datetime64_any_dtype(
            raw.get("end", pd.Series(dtype=object))) else None
        obs = table.observations if table is not None else raw
        print(f"== {name}: {len(obs)} observations, {obs['metric'].nunique()} metrics")
        for metric in sorted(obs["metric"].unique()):
            sub = obs.loc[obs["metric"] == metric]
            try:
                s = to_daily(sub, metric=metric, by="entity", conflict="error")
            except ValueError as err:
                print(f"  {metric}: not summarised ({err})")
                continue
            known = s.notna().any(axis=1) if isinstance(s, pd.DataFrame) else s.notna()
            total = s.sum(axis=1, min_count=1) if isinstance(s, pd.DataFrame) else s
            kind = s.attrs.get("kind")
            head = (f"  {metric} [{kind}, {s.attrs.get('unit')}]: {int(known.sum())} of "
                    f"{len(known)} days reported, {s.index[0].date()} to {s.index[-1].date()}")
            if kind in ("flow", "cumulative"):
                head += f"; total {total.sum():,.6g}; largest day {total.max():,.6g} on " \
                        f"{total.idxmax().date()}"
            else:
                last = total.dropna()
                head += f"; last {last.iloc[-1]:,.6g} on {last.index[-1].date()}"
            print(head)
        if table is not None and len(table.set_aside):
            print(f"  {len(table.set_aside)} row(s) set aside:")
            for r, bad in table.set_aside.iterrows():
                print(f"    row {r}: {bad['reason']}")
    return 0


def _fail(message: Any) -> int:
    text = " ".join(str(message).split())  # one line
    print(f"conflictstats: error: {text}", file=sys.stderr)
    return 2


def _quiet_broken_pipe() -> int:
    """``conflictstats weekly | head``: the reader left; say nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Every expected failure (a missing, unreadable or wrong file, a bad reader or
    option, a week outside the data, an output folder that cannot be written) is a
    one-line message on stderr and exit status 2, never a traceback.
    """
    import warnings

    from ._validate import DataWarning
    from .errors import ConflictStatsError

    args = _parser().parse_args(argv)
    if args.command is None:
        args = _parser().parse_args(["weekly", *(argv or [])])
    with warnings.catch_warnings():
        # data warnings become lines of the report, not noise on the terminal
        warnings.simplefilter("ignore", DataWarning)
        try:
            if args.command == "summary":
                return _summary(args)
            return _weekly(args)
        except BrokenPipeError:
            return _quiet_broken_pipe()
        except (ConflictStatsError, ValueError, KeyError) as err:
            return _fail(err.args[0] if isinstance(err, KeyError) and err.args else err)
        except IsADirectoryError as err:
            return _fail(err.args[0] if len(err.args) == 1 else
                         f"{err.filename} is a folder, not a file")
        except (FileNotFoundError, PermissionError) as err:
            return _fail(err.args[0] if len(err.args) == 1 else
                         f"{err.filename}: {err.strerror}")
        except OSError as err:
            return _fail(f"{err.filename or ''}: {err.strerror or err}")
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
