"""Benchmark: 1,000,000 flow reports to daily series, against plain pandas.

Run:  python benchmarks/bench_daily.py [--rows N]

Builds N flow reports (default 1,000,000) over 1,000 series (``by="series"``), each
covering 1 to 31 days within three years, then times

* ``conflictstats.read_observations`` (validation of the table),
* ``conflictstats.to_daily(obs, by="series")`` on the validated table, and
* the plain-pandas way (a date range per row, explode, spread, group and sum) on a
  sample of rows, extrapolated linearly to N,

checks that both give the same daily values on the sample, and prints the times,
the ratio and the peak memory that ``to_daily`` allocated (tracemalloc).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

import conflictstats as cs


def make_reports(n: int, n_series: int = 1000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    day0 = np.datetime64("2022-02-24")
    first = day0 + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    length = rng.integers(1, 32, n)
    end = first + (length - 1).astype("timedelta64[D]")
    return pd.DataFrame({
        "metric": "drones_launched",
        "value": rng.integers(0, 500, n).astype(float),
        "unit": "count",
        "kind": "flow",
        "start": first.astype("datetime64[ns]"),
        "end": end.astype("datetime64[ns]"),
        "qualifier": "exact",
        "entity": "Ukraine",
        "source": "benchmark",
        "series": rng.integers(0, n_series, n).astype(str),
    })


def plain_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """The usual pandas recipe: one date range per row, explode, group, sum."""
    days = [pd.date_range(s, e, freq="D") for s, e in zip(df["start"], df["end"], strict=True)]
    long = df.assign(date=days, n=[len(d) for d in days]).explode("date")
    long["amount"] = long["value"] / long["n"]
    wide = long.groupby(["date", "series"])["amount"].sum().unstack("series")
    return wide.asfreq("D")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=20_000)
    args = ap.parse_args()

    raw = make_reports(args.rows)
    t0 = time.perf_counter()
    obs = cs.read_observations(raw)
    t_read = time.perf_counter() - t0

    cs.to_daily(obs.iloc[:1000], by="series", conflict="sum")  # warm-up
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        daily = cs.to_daily(obs, by="series", conflict="sum")
        times.append(time.perf_counter() - t0)
    t_ours = min(times)
    tracemalloc.start()  # a separate run: tracing slows allocation down
    cs.to_daily(obs, by="series", conflict="sum")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sample = obs.iloc[: args.sample]
    t0 = time.perf_counter()
    ref = plain_pandas(sample)
    t_pandas_sample = time.perf_counter() - t0
    t_pandas = t_pandas_sample * args.rows / args.sample

    # same answer on the sample (even spread, as the plain recipe does)
    ours_sample = cs.to_daily(sample, by="series", conflict="sum", spread="even")
    ours_sample = ours_sample.droplevel(0, axis=1)
    ref = ref.reindex(index=ours_sample.index, columns=ours_sample.columns)
    np.testing.assert_allclose(ours_sample.to_numpy(), ref.to_numpy(), rtol=1e-9)
    total_ok = bool(np.isclose(np.nansum(daily.to_numpy()), obs["value"].sum(), rtol=1e-12))

    print(f"reports: {args.rows:,} over {daily.shape[1]:,} series, {daily.shape[0]:,} days")
    print(f"read_observations (validation):   {t_read:8.3f} s")
    print(f"to_daily(by='series'), best of 3: {t_ours:8.3f} s   peak allocated "
          f"{peak / 2**30:.2f} GiB")
    print(f"plain pandas, {args.sample:,}-row sample:   {t_pandas_sample:8.3f} s  -> "
          f"{t_pandas:8.1f} s for {args.rows:,} rows (linear)")
    print(f"ratio plain pandas / to_daily:    {t_pandas / t_ours:8.1f}x")
    print(f"same values as plain pandas on the sample: yes; total conserved: {total_ok}")


if __name__ == "__main__":
    main()
