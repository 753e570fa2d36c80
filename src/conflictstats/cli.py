"""The ``conflictstats`` command.

``conflictstats weekly`` writes the weekly report (charts and ``summary.md``) for the
bundled data, an observation CSV, or a public dataset file read by its reader.
``conflictstats summary`` prints the observations of a file as daily series.
``conflictstats reconcile`` compares two sources of one metric and ``conflictstats
revisions`` two releases of one dataset (:mod:`conflictstats.reconcile`).
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

    r = sub.add_parser("reconcile", help="compare two sources of one metric",
                       description="Line up one metric from two sources: the lag of B behind "
                                   "A, the scale of B against A, their usual band, the "
                                   "episodes where they diverge and the days only one "
                                   "reports. Prints the summary and writes summary.md, the "
                                   "tables (CSV) and a chart.")
    r.add_argument("a", metavar="A", help="first file (observation CSV or public dataset file)")
    r.add_argument("b", metavar="B", help="second file, compared with the first")
    r.add_argument("--reader-a", metavar="NAME", help=f"reader for A: {', '.join(SOURCES)}")
    r.add_argument("--reader-b", metavar="NAME", help="reader for B (same names)")
    r.add_argument("--metric", metavar="NAME", required=True, help="the metric of A")
    r.add_argument("--metric-b", metavar="NAME",
                   help="the metric of B when it is named otherwise (default: --metric)")
    r.add_argument("--where-a", metavar="COLUMN=VALUE", action="append",
                   help="only rows of A whose COLUMN has VALUE (repeatable), e.g. "
                        "--where-a entity=Russia")
    r.add_argument("--where-b", metavar="COLUMN=VALUE", action="append",
                   help="only rows of B whose COLUMN has VALUE (repeatable)")
    r.add_argument("--freq", default="W-SUN",
                   help="calendar period of the aligned table (default: %(default)s)")
    r.add_argument("--out", metavar="DIR", default="conflictstats_reconcile",
                   help="output folder (default: %(default)s), replaced as a whole like the "
                        "weekly report's; your own files there are kept")

    v = sub.add_parser("revisions", help="compare two releases of one dataset",
                       description="Rows added, removed and changed between two releases of "
                                   "one dataset, those that reach back into the past, and the "
                                   "weekly totals and records they change. Prints the summary "
                                   "and writes summary.md and the tables (CSV).")
    v.add_argument("old", metavar="OLD", help="the older release's file")
    v.add_argument("new", metavar="NEW", help="the newer release's file")
    v.add_argument("--reader", metavar="NAME",
                   help=f"reader for both files: {', '.join(SOURCES)} (default: observation "
                        "CSVs)")
    v.add_argument("--retroactive-days", metavar="N", type=int, default=7,
                   help="flag changes reaching back more than N days (default: %(default)s)")
    v.add_argument("--out", metavar="DIR", default="conflictstats_revisions",
                   help="output folder (default: %(default)s), replaced as a whole like the "
                        "weekly report's; your own files there are kept")
    return p


def _guess_reader(path: Path) -> str | None:
    """The reader whose public file this looks like, by name, or None."""
    from .sources import guess_source

    spec = guess_source(path)
    return None if spec is None else spec.name


def _check_data(path_text: str, reader: str | None, option: str = "--data") -> Path:
    """The --data path exists, is readable, and is a file (or a folder its reader takes)."""
    path = Path(path_text)
    if not path.exists():
        raise FileNotFoundError(f"data file not found: {path}")
    from .sources import SOURCES

    if path.is_dir() and not (reader is not None and reader in SOURCES
                              and SOURCES[reader].folder):
        raise IsADirectoryError(f"{option} {path} is a folder; give the data file itself")
    if not os.access(path, os.R_OK):
        raise PermissionError(f"{option} {path} cannot be read (permission denied)")
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


def _read(path_text: str, reader: str | None, option: str) -> tuple[Path, Any]:
    """A file read by its reader (or as an observation CSV), errors naming ``option``."""
    from .datasets import load_dataset
    from .errors import InputError

    path = _check_data(path_text, reader, option)
    try:
        frame = load_dataset(path, reader=reader)
    except (ValueError, KeyError, TypeError) as err:  # a file that is not what it says
        text = err.args[0] if isinstance(err, KeyError) and err.args else err
        raise InputError(f"{option} {path} cannot be read"
                         + (f" as {reader}" if reader else "") + f": {text}") from None
    if reader is None and "metric" not in frame.columns:
        guess = _guess_reader(path)
        raise InputError(f"{option} {path.name} is not an observation CSV (it has no 'metric' "
                         "column)" + (f"; it looks like a public dataset: give its reader "
                                      f"{guess}" if guess else "; for a public dataset give "
                                      "its reader"))
    return path, frame


def _where(items: Sequence[str] | None, option: str) -> dict[str, str]:
    from .errors import InputError

    out: dict[str, str] = {}
    for item in items or []:
        col, sep, value = item.partition("=")
        if not sep or not col.strip():
            raise InputError(f"{option} must be COLUMN=VALUE; got {item!r}")
        out[col.strip()] = value.strip()
    return out


def _one_series(path_text: str, reader: str | None, metric: str, where: dict[str, str],
                which: str) -> Any:
    """The daily series of ``metric`` in one file: the source's default rows (e.g. Oryx's
    all-types rows), the user's ``--where``, one series (or an error naming the choice)."""
    import pandas as pd

    from .daily import to_daily
    from .errors import InputError

    path, obs = _read(path_text, reader, f"{which}")
    rows: dict[str, str] = {}
    split: tuple[str, ...] = ("entity",)
    if reader is not None:
        from .sources import source_spec

        spec = source_spec(reader)
        rows = {c: v for c, v in spec.series.rows.items() if c in obs.columns}
        split = (*spec.series.split, *spec.series.optional_split)
    opt = f"--where-{which[0].lower()}"
    for col, value in {**rows, **where}.items():
        if col not in obs.columns:
            raise InputError(f"{opt} {col}={value}: {path.name} has no column {col!r}; its "
                             f"columns are {', '.join(map(str, obs.columns))}")
        obs = obs.loc[obs[col].astype(str) == value]
    metrics = sorted(map(str, pd.unique(obs["metric"].dropna())))
    if metric not in metrics:
        raise InputError(f"{which} {path.name} has no metric {metric!r}"
                         + (f" with {opt} " + ", ".join(f"{c}={v}" for c, v in where.items())
                            if where else "") + f"; its metrics are {', '.join(metrics)}"
                         + (" (name B's with --metric-b)" if which == "B" else ""))
    obs = obs.loc[obs["metric"] == metric]
    for col in split:
        values = sorted(map(str, obs[col].dropna().unique())) if col in obs.columns else []
        if col not in where and len(values) > 1:
            raise InputError(f"{which} {path.name}: {metric} has {len(values)} series by "
                             f"{col} ({', '.join(values[:5])}{' ...' if len(values) > 5 else ''}"
                             f"); choose one with {opt} {col}=VALUE")
    daily = to_daily(obs, metric=metric, conflict="sum")
    return path, daily


def _names(pa: Path, ra: str | None, pb: Path, rb: str | None) -> tuple[str, str]:
    """The two sources' names: the readers', else the files'; distinct."""
    a, b = ra or pa.stem, rb or pb.stem
    if a == b:
        a, b = pa.name, pb.name
    if a == b:
        a, b = f"A ({a})", f"B ({b})"
    return a, b


def _reconcile(args: argparse.Namespace) -> int:
    from ._output import csv_cells, literal_text, md_text, write_report
    from .reconcile import reconcile

    metric_b = args.metric_b or args.metric
    pa, a = _one_series(args.a, args.reader_a, args.metric, _where(args.where_a, "--where-a"),
                        "A")
    pb, b = _one_series(args.b, args.reader_b, metric_b, _where(args.where_b, "--where-b"),
                        "B")
    name_a, name_b = _names(pa, args.reader_a, pb, args.reader_b)
    result = reconcile(a.rename(name_a), b.rename(name_b), freq=args.freq)
    what = args.metric if metric_b == args.metric else f"{args.metric} and {metric_b}"
    text = result.summary()

    def build(folder: Path) -> list[str]:
        import matplotlib.pyplot as plt

        from .plotting import plot_reconcile, style

        tables = {"table.csv": result.table.reset_index(), "episodes.csv": result.episodes,
                  "one_sided.csv": result.one_sided, "result.csv": result.to_frame()}
        for name, frame in tables.items():
            csv_cells(frame).to_csv(folder / name, index=False, date_format="%Y-%m-%d")
        with style(), literal_text():  # names from data are drawn as written
            fig, ax = plt.subplots(figsize=(9, 4.5))
            try:
                plot_reconcile(result, ax=ax)
                ax.set_title(f"{name_a} and {name_b}: {what}")
                fig.savefig(folder / "reconcile.png", dpi=110, bbox_inches="tight")
                fig.savefig(folder / "reconcile.svg", bbox_inches="tight")
            finally:
                plt.close(fig)
        md = (f"# Reconciliation: {md_text(what)}\n\n"
              f"- A: {md_text(name_a)} ({md_text(pa.name)})\n"
              f"- B: {md_text(name_b)} ({md_text(pb.name)})\n\n{md_text(text)}\n\n"
              "![reconcile](reconcile.png)\n")
        (folder / "summary.md").write_text(md, encoding="utf-8")
        return [*tables, "reconcile.png", "reconcile.svg", "summary.md"]

    write_report(args.out, build, meta={"command": "reconcile"})
    print(text, flush=True)
    print(f"\nWritten to {args.out}/: summary.md, table.csv, episodes.csv, one_sided.csv, "
          "result.csv and reconcile.png/.svg", file=sys.stderr)
    return 0


def _revisions(args: argparse.Namespace) -> int:
    from ._output import csv_cells, md_text, write_report
    from .reconcile import revisions

    p_old, old = _read(args.old, args.reader, "OLD")
    p_new, new = _read(args.new, args.reader, "NEW")
    by: list[str] = ["entity"]
    if args.reader is not None:  # the source's series: its split and row-choice columns
        from .sources import source_spec

        series = source_spec(args.reader).series
        by = list(dict.fromkeys([*series.split, *series.rows]))
    result = revisions(old, new, retroactive_days=args.retroactive_days, by=by)
    text = result.summary()

    def build(folder: Path) -> list[str]:
        tables = {"added.csv": result.added, "removed.csv": result.removed,
                  "changed.csv": result.changed, "weekly.csv": result.weekly,
                  "records.csv": result.records}
        for name, frame in tables.items():
            csv_cells(frame).to_csv(folder / name, index=False, date_format="%Y-%m-%d")
        md = (f"# Revisions\n\n- old: {md_text(p_old.name)}\n- new: {md_text(p_new.name)}"
              f"\n\n{md_text(text)}\n")
        (folder / "summary.md").write_text(md, encoding="utf-8")
        return [*tables, "summary.md"]

    write_report(args.out, build, meta={"command": "revisions"})
    print(text, flush=True)
    print(f"\nWritten to {args.out}/: summary.md, added.csv, removed.csv, changed.csv, "
          "weekly.csv and records.csv", file=sys.stderr)
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
            if args.command == "reconcile":
                return _reconcile(args)
            if args.command == "revisions":
                return _revisions(args)
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
