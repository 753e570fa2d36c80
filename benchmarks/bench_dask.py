"""Benchmark: one panel on pandas and on a local Dask cluster, same functions.

Run:  pip install -e ".[dask]" && python benchmarks/bench_dask.py [--series N] [--days D]
      [--workers W] [--scheduler tcp://host:8786]

Builds a long panel of N series (default 2,000) of D daily counts (default 1,096:
three years), then times each function on pandas (one process, ``by=``) and
through ``conflictstats.dask`` on a ``LocalCluster`` of W worker processes (one
thread each), or on the cluster at ``--scheduler``. The Dask times include the
shuffle that gives each task whole series and the transfer of the results; the
panel itself is sent to the workers once, before timing. Both results are
checked equal (in long form, sorted) and both times printed.

On one small machine Dask does not beat pandas -- the per-series work is
already vectorised and the shuffle is extra work; the point of the Dask layer is
panels larger than one machine's memory, on more machines.
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np
import pandas as pd

import conflictstats as cs


def make_panel(n_series: int, n_days: int, seed: int = 14) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2022-02-24", periods=n_days, name="date")
    lam = 5.0 + 40.0 * rng.random(n_series)
    values = rng.poisson(lam[:, None], (n_series, n_days)).astype(float)
    return pd.DataFrame({
        "region": np.repeat([f"r{i // 20:04d}" for i in range(n_series)], n_days),
        "metric": np.repeat([f"m{i % 20:02d}" for i in range(n_series)], n_days),
        "value": values.ravel(),
    }, index=pd.DatetimeIndex(np.tile(dates, n_series), name="date"))


CASES = {
    "anomalies": {},
    "mann_kendall": {},
    "records": {"kind": "flow", "freq": "W-SUN"},
    "highest_since": {},
    "period_totals": {"freq": "ME", "kind": "flow"},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--series", type=int, default=2000)
    ap.add_argument("--days", type=int, default=1096)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    args = ap.parse_args()

    import dask
    import dask.dataframe as dd
    import distributed

    from conflictstats import dask as csd

    by = ["region", "metric"]
    panel = make_panel(args.series, args.days)
    print(f"conflictstats {cs.__version__}, pandas {pd.__version__}, dask {dask.__version__}")
    print(f"panel: {args.series:,} series x {args.days:,} days = {len(panel):,} rows "
          f"({panel.memory_usage(deep=True).sum() / 2**20:.0f} MiB in pandas)")

    if args.scheduler:
        client = distributed.Client(args.scheduler)
        cluster = None
        where = f"cluster at {args.scheduler}"
    else:
        cluster = distributed.LocalCluster(n_workers=args.workers, processes=True,
                                           threads_per_worker=1, dashboard_address=":0",
                                           silence_logs=logging.ERROR)
        client = distributed.Client(cluster)
        where = f"LocalCluster, {args.workers} worker processes x 1 thread"
    try:
        ddf = dd.from_pandas(panel, npartitions=4 * args.workers).persist()
        distributed.wait(ddf)
        print(f"dask: {where}; {ddf.npartitions} input partitions\n")
        print(f"{'function':16s} {'pandas':>9s} {'dask':>9s} {'dask/pandas':>12s}  same")
        for name, kw in CASES.items():
            field = "since" if name.endswith("_since") else "value"
            t0 = time.perf_counter()
            ref = getattr(cs, name)(panel, by=by, value="value", **kw)
            t_pd = time.perf_counter() - t0
            t0 = time.perf_counter()
            got = getattr(csd, name)(ddf, by=by, value="value", **kw).compute()
            t_dk = time.perf_counter() - t0
            keys = [c for c in (*by, "date", "scope") if c in got.columns]
            ref_long = csd.to_long(ref, by, name=field).sort_values(keys, kind="stable")
            got = got.sort_values(keys, kind="stable")
            pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                          ref_long.reset_index(drop=True),
                                          check_dtype=False, check_exact=False, rtol=1e-12)
            print(f"{name:16s} {t_pd:8.2f}s {t_dk:8.2f}s {t_dk / t_pd:11.2f}x  yes")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
