"""Benchmark: a data lake larger than the cluster's memory, read_parquet -> to_daily -> records.

Run:  pip install -e ".[dask]" && python benchmarks/bench_dask_lake.py
      [--rows 30000000] [--files 64] [--series 20000] [--workers 2]
      [--memory-limit 1.25GiB] [--folder DIR] [--slice 32]

Writes ``--rows`` observation rows (reported flows of 1 to 3 days, the table
``conflictstats.read_observations`` returns, with its ``qualifier``, ``entity``
and ``source``) into ``--files`` Parquet files in a temporary folder (or
``--folder``, kept), one file per stretch of time as a lake fills up, so every
file holds rows of every series: ``--series`` series of (``metric``,
``region``). Then, on a ``LocalCluster`` of ``--workers`` processes (one thread
each) whose memory limits together are smaller than the data in
pandas, it runs::

    obs = dd.read_parquet(folder)
    daily = csd.to_daily(obs, by="region", conflict="sum")
    weekly = csd.records(daily, by=["metric", "region"], value="value", date="date",
                         kind="flow", freq="W-SUN")
    weekly.to_parquet(out)          # the records are written beside, not gathered

and prints the observation rows per second, next to plain pandas (the same two
calls with ``by=``) on an in-memory slice of one ``--slice``-th of the series;
the shuffles the scheduler ran (one: ``records`` does not shuffle what
``to_daily`` returned); the peak memory of each worker process; and the bytes
spilled to disk (the workers' spill, and the peak size of their local folders,
which also hold the shuffle's files). A small run checks the script:
``--rows 2000000 --files 16 --series 2000``.

The totals are checked: the sum of the daily values equals the sum of the
reported values (to_daily conserves flows).

Measured once at the default size on a 2-core machine shared with other jobs
(load average 6-11 during the run): 30,000,000 rows in 64 files (0.12 GiB of
Parquet, about 3.9 GiB in pandas), 20,000 series, 2 workers x 1.25 GiB: the
pipeline took 372 s, 80,600 rows/s (pandas, one process, on 1/32 of the series
in memory: 162,900 rows/s); 1 shuffle planned and run; peak memory 1.02 and
1.01 GiB per worker; spilled 366 and 248 MiB; local folders (spill and shuffle
files) at most 2.47 and 2.37 GiB; 97,217 weekly records; totals conserved.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import conflictstats as cs

DAYS = 1096  # three years of reports


def write_lake(folder: Path, rows: int, files: int, series: int, seed: int = 22) -> float:
    """``rows`` observations in ``files`` Parquet files; returns the sum of the values."""
    folder.mkdir(parents=True, exist_ok=True)
    metrics = np.array(["drones_launched", "missiles_launched"])
    n_regions = -(-series // len(metrics))
    regions = np.array([f"g{i:05d}" for i in range(n_regions)])
    total = 0.0
    per_file = np.diff(np.linspace(0, rows, files + 1).astype(np.int64))
    first = np.datetime64("2022-02-24")
    for i, n in enumerate(per_file):
        rng = np.random.default_rng([seed, i])
        sid = rng.integers(0, series, n)
        # file i holds the reports of its own stretch of the three years
        day = (i * DAYS) // files + rng.integers(0, max(DAYS // files, 1), n)
        start = first + day.astype("timedelta64[D]")
        value = rng.poisson(20.0 + sid % 40).astype("float64")
        total += float(value.sum())
        pd.DataFrame({
            "metric": metrics[sid % len(metrics)], "value": value, "unit": "count",
            "kind": "flow", "start": start,
            "end": start + rng.integers(0, 3, n).astype("timedelta64[D]"),
            "qualifier": "exact", "entity": "russia", "source": "ukraine_air_force",
            "region": regions[sid // len(metrics)],
        }).to_parquet(folder / f"part-{i:04d}.parquet", index=False)
    return total


class Watch:
    """Samples each worker's process memory, spilled bytes and local folder size."""

    def __init__(self, client: Any, folders: dict[str, str], every: float = 0.5) -> None:
        self.client, self.folders, self.every = client, folders, every
        self.memory: dict[str, int] = {}
        self.spilled: dict[str, int] = {}
        self.disk: dict[str, int] = {}
        self.shuffles: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                info = self.client.scheduler_info(n_workers=-1)["workers"]
            except Exception:  # pragma: no cover - the cluster is closing
                break
            with contextlib.suppress(Exception):  # the scheduler forgets finished groups
                self.shuffles |= set(self.client.run_on_scheduler(_shuffle_groups))
            for addr, w in info.items():
                m = w.get("metrics", {})
                self.memory[addr] = max(self.memory.get(addr, 0), int(m.get("memory", 0)))
                spilled = m.get("spilled_bytes", {}).get("disk", 0)
                self.spilled[addr] = max(self.spilled.get(addr, 0), int(spilled))
                self.disk[addr] = max(self.disk.get(addr, 0),
                                      _folder_bytes(self.folders.get(addr)))
            self._stop.wait(self.every)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _folder_bytes(folder: str | None) -> int:
    if not folder or not os.path.isdir(folder):
        return 0
    size = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):  # a shuffle file removed meanwhile
                size += os.path.getsize(os.path.join(root, name))
    return size


def _shuffle_groups(dask_scheduler: Any) -> list[str]:
    """The scheduler's task groups that move a shuffle's data: one per shuffle."""
    return [n for n in dask_scheduler.task_groups
            if n.startswith(("shuffle-transfer", "shuffle-partition", "shuffle-split"))]


def pandas_slice(folder: Path, every: int) -> tuple[int, float, int]:
    """to_daily + records with by= on the rows of one ``every``-th of the regions."""
    import pyarrow.dataset as ds

    data = ds.dataset(str(folder), format="parquet")
    regions = pd.Series(data.to_table(columns=["region"]).column(0).unique().to_pylist())
    keep = sorted(regions)[::every]
    obs = data.to_table(filter=ds.field("region").isin(keep)).to_pandas()
    t0 = time.perf_counter()
    daily = cs.to_daily(obs, by="region", conflict="sum")
    from conflictstats import dask as csd

    long = csd.to_long(daily, ["metric", "region"], dropna=True).set_index("date")
    recs = cs.records(long, by=["metric", "region"], value="value", kind="flow", freq="W-SUN")
    return len(obs), time.perf_counter() - t0, len(recs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=30_000_000)
    ap.add_argument("--files", type=int, default=64)
    ap.add_argument("--series", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="1.25GiB", help="per worker")
    ap.add_argument("--folder", default=None, help="write (or reuse) the lake here")
    ap.add_argument("--slice", type=int, default=32, help="pandas on 1/N of the series")
    args = ap.parse_args()

    import dask
    import dask.dataframe as dd
    import distributed
    from dask.utils import parse_bytes

    from conflictstats import dask as csd

    tmp = tempfile.mkdtemp(prefix="conflictstats-lake-")
    try:
        folder = Path(args.folder) if args.folder else Path(tmp) / "obs"
        t0 = time.perf_counter()
        if args.folder and any(folder.glob("*.parquet")):
            total = float(dd.read_parquet(folder, columns=["value"])["value"].sum().compute(
                scheduler="synchronous"))
            print(f"lake: reusing {folder}")
        else:
            total = write_lake(folder, args.rows, args.files, args.series)
            print(f"lake: wrote {args.rows:,} rows in {args.files} files "
                  f"in {time.perf_counter() - t0:.0f} s")
        on_disk = sum(f.stat().st_size for f in folder.glob("*.parquet"))
        one = pd.read_parquet(next(iter(sorted(folder.glob("*.parquet")))))
        in_pandas = one.memory_usage(deep=True).sum() * len(list(folder.glob("*.parquet")))
        limit = parse_bytes(args.memory_limit)
        print(f"conflictstats {cs.__version__}, pandas {pd.__version__}, dask {dask.__version__}")
        print(f"data: {on_disk / 2**30:.2f} GiB of Parquet, about {in_pandas / 2**30:.2f} GiB "
              f"in pandas; workers: {args.workers} x {limit / 2**30:.2f} GiB = "
              f"{args.workers * limit / 2**30:.2f} GiB")

        cluster = distributed.LocalCluster(
            n_workers=args.workers, processes=True, threads_per_worker=1,
            memory_limit=args.memory_limit, dashboard_address=":0",
            local_directory=str(Path(tmp) / "workers"), silence_logs=logging.ERROR)
        client = distributed.Client(cluster)
        try:
            folders = client.run(lambda dask_worker: dask_worker.local_directory)
            obs = dd.read_parquet(folder)
            daily = csd.to_daily(obs, by="region", conflict="sum")
            weekly = csd.records(daily, by=["metric", "region"], value="value", date="date",
                                 kind="flow", freq="W-SUN")
            check = daily["value"].sum()
            from dask.dataframe.dask_expr._shuffle import Shuffle

            planned = sum(isinstance(e, Shuffle) for e in weekly.optimize().expr.walk())
            out = Path(tmp) / "records"
            with Watch(client, folders) as watch:
                t0 = time.perf_counter()
                # one graph: the daily series feed both the records and the check of totals
                _, daily_total = dask.compute(weekly.to_parquet(out, compute=False), check)
                elapsed = time.perf_counter() - t0
            done = len(watch.shuffles)
            n_records = len(dd.read_parquet(out))
            rows = len(obs) if args.folder else args.rows
            print(f"\ndask: {obs.npartitions} input partitions; {rows:,} rows -> "
                  f"{n_records:,} weekly records in {elapsed:.0f} s: "
                  f"{rows / elapsed:,.0f} rows/s")
            print(f"shuffles: {planned} in the plan of records, {done} run by the scheduler "
                  "(the daily totals checked in the same graph)")
            for addr in sorted(watch.memory):
                print(f"  worker {addr}: peak {watch.memory[addr] / 2**30:.2f} GiB, "
                      f"spilled {watch.spilled.get(addr, 0) / 2**20:.0f} MiB, local folder "
                      f"peak {watch.disk.get(addr, 0) / 2**30:.2f} GiB")
            np.testing.assert_allclose(float(daily_total), total, rtol=1e-9)
            print(f"totals conserved: {daily_total:,.0f} reported = daily sum")
        finally:
            client.close()
            cluster.close()

        n, t, n_rec = pandas_slice(folder, args.slice)
        print(f"pandas: 1/{args.slice} of the series in memory, {n:,} rows -> {n_rec:,} "
              f"records in {t:.1f} s: {n / t:,.0f} rows/s (one process)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
