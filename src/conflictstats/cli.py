"""The ``conflictstats`` command.

``conflictstats weekly`` writes the weekly report (charts and ``summary.md``) for the
bundled data, an observation CSV, or a public dataset file read by its reader.
``conflictstats summary`` prints the observations of a file as daily series.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(
        prog="conflictstats",
        description="Honest daily series, rates, records and weekly charts from the figures "
                    "of war reporting.",
    )
    p.add_argument("--version", action="version", version=f"conflictstats {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    w = sub.add_parser("weekly", help="write the weekly report (charts and summary.md)",
                       description="Write the weekly report for the week ending on --week "
                                   "(default: the latest complete Monday-Sunday week).")
    w.add_argument("--week", metavar="DATE", help="last day of the week, e.g. 2024-11-24")
    w.add_argument("--data", metavar="PATH",
                   help="observation CSV, or a public dataset file with --reader "
                        "(default: the bundled seed article and synthetic demo)")
    w.add_argument("--reader", metavar="NAME",
                   help="reader for --data: missile_attacks, deepstate_area, "
                        "liveuamap_territory, kiel_tracker, general_staff_losses, oryx_daily, "
                        "oryx_events")
    w.add_argument("--out", metavar="DIR", default="conflictstats_report",
                   help="output directory (default: %(default)s)")
    w.add_argument("--conflict", default=None,
                   choices=["error", "sum", "mean", "first", "last", "max", "min"],
                   help="policy for several reports of one metric on one day (default: 'sum' "
                        "with --reader, whose rows are separate events such as one weapon "
                        "model in one wave; 'error' otherwise, listing conflicting metrics)")
    w.add_argument("--quiet", action="store_true", help="no progress messages")

    s = sub.add_parser("summary", help="print observations as daily series",
                       description="Print a short summary of each metric's daily series.")
    s.add_argument("--data", metavar="PATH", help="observation CSV (default: bundled data)")
    s.add_argument("--reader", metavar="NAME", help="reader for a public dataset file")
    return p


def _weekly(args: argparse.Namespace) -> int:
    from .datasets import load_dataset
    from .report import weekly_report

    t0 = time.perf_counter()

    def progress(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - t0:5.1f}s] {msg}", file=sys.stderr, flush=True)

    data = None
    if args.data:
        from pathlib import Path

        base = Path(args.data).name
        name = base if args.reader is None else f"{base} (read as {args.reader})"
        data = {name: load_dataset(args.data, reader=args.reader)}
    conflict = args.conflict or ("sum" if args.reader else "error")
    rep = weekly_report(data, week=args.week, out=args.out, conflict=conflict,
                        progress=progress)
    n_png = sum(f.endswith(".png") for f in rep.files)
    print(rep.summary)
    print(f"\nWeek {rep.week_start.date()} to {rep.week_end.date()}: {len(rep.table)} series, "
          f"{n_png} charts (PNG and SVG), {len(rep.problems)} input problem(s); "
          f"written to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


def _summary(args: argparse.Namespace) -> int:
    import pandas as pd

    from .daily import to_daily
    from .datasets import bundled_datasets, load_dataset
    from .observations import screen_observations

    if args.data:
        datasets = {args.data: load_dataset(args.data, reader=args.reader)}
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    import warnings

    from ._validate import DataWarning

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
        except (ValueError, FileNotFoundError, KeyError) as err:
            print(f"conflictstats: error: {err}", file=sys.stderr)
            return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
