"""Benchmark: 1,000,000 reports to daily series, against plain pandas.

Run:  python benchmarks/bench_daily.py [--rows N] [--case random|tiled|both]

Two panels of N reports (default 1,000,000) over 1,000 series (``by="series"``):

* ``random``: flows of 1 to 31 days at random dates within three years (they
  overlap, so ``conflict="sum"``);
* ``tiled``: 49 years per series cut into N/1,000 consecutive periods that tile
  it without gaps or overlaps (about 18 days each; 17.9 million daily cells), the
  shape of a long history of weekly and monthly reports.

For each it times

* ``conflictstats.read_observations`` (validation of the table),
* ``conflictstats.to_daily(obs, by="series")`` on the validated table, first call
  and best of three, and
* the plain-pandas way (a date range per row, explode, spread, group and sum) on a
  sample of rows, extrapolated linearly to N,

checks that both give the same daily values on the sample, and prints the times,
the ratio and the peak memory that ``to_daily`` allocated (tracemalloc).
Targets (issue 14, a 2-core machine): on the tiled panel ``read_observations`` <
0.4 s, ``to_daily`` < 1 s and at least 50 times plain pandas, within 2 GiB.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

import conflictstats as cs


def make_reports(n: int, n_series: int = 1000, seed: int = 7) -> pd.DataFrame:
    """Random flows of 1-31 days within three years (overlapping)."""
    rng = np.random.default_rng(seed)
    day0 = np.datetime64("2022-02-24")
    first = day0 + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    length = rng.integers(1, 32, n)
    end = first + (length - 1).astype("timedelta64[D]")
    return _frame(first, end, rng.integers(0, 500, n).astype(float),
                  rng.integers(0, n_series, n))


def make_tiled_reports(n: int, n_series: int = 1000, years: int = 49,
                       seed: int = 7) -> pd.DataFrame:
    """Each series' 49 years cut into n / n_series consecutive periods, sorted."""
    rng = np.random.default_rng(seed)
    per = n // n_series
    day0 = np.datetime64("1976-01-01")
    span = int((np.datetime64(f"{1976 + years}-01-01") - day0).astype(np.int64))
    lengths = rng.multinomial(span - per, np.full(per, 1 / per), size=n_series) + 1
    stops = np.cumsum(lengths, axis=1)
    first = day0 + (stops - lengths).ravel().astype("timedelta64[D]")
    end = day0 + (stops.ravel() - 1).astype("timedelta64[D]")
    return _frame(first, end, rng.integers(0, 500, per * n_series).astype(float),
                  np.repeat(np.arange(n_series), per))


def _frame(first: np.ndarray, end: np.ndarray, value: np.ndarray,
           series: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "metric": "drones_launched",
        "value": value,
        "unit": "count",
        "kind": "flow",
        "start": first.astype("datetime64[ns]"),
        "end": end.astype("datetime64[ns]"),
        "qualifier": "exact",
        "entity": "Ukraine",
        "source": "benchmark",
        "series": series.astype(str),
    })


def plain_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """The usual pandas recipe: one date range per row, explode, group, sum."""
    days = [pd.date_range(s, e, freq="D") for s, e in zip(df["start"], df["end"], strict=True)]
    long = df.assign(date=days, n=[len(d) for d in days]).explode("date")
    long["amount"] = long["value"] / long["n"]
    wide = long.groupby(["date", "series"])["amount"].sum().unstack("series")
    return wide.asfreq("D")


def run_case(name: str, raw: pd.DataFrame, sample_rows: int) -> None:
    rows = len(raw)
    t0 = time.perf_counter()
    obs = cs.read_observations(raw)
    t_read = time.perf_counter() - t0

    t0 = time.perf_counter()
    daily = cs.to_daily(obs, by="series", conflict="sum")
    t_first = time.perf_counter() - t0
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        daily = cs.to_daily(obs, by="series", conflict="sum")
        times.append(time.perf_counter() - t0)
    t_ours = min(times)
    del daily
    tracemalloc.start()  # a separate run: tracing slows allocation down
    daily = cs.to_daily(obs, by="series", conflict="sum")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sample = obs.iloc[:sample_rows]
    t0 = time.perf_counter()
    ref = plain_pandas(sample)
    t_pandas_sample = time.perf_counter() - t0
    t_pandas = t_pandas_sample * rows / sample_rows

    # same answer on the sample (even spread, as the plain recipe does)
    ours_sample = cs.to_daily(sample, by="series", conflict="sum", spread="even")
    ours_sample = ours_sample.droplevel(0, axis=1)
    ref = ref.reindex(index=ours_sample.index, columns=ours_sample.columns)
    np.testing.assert_allclose(ours_sample.to_numpy(), ref.to_numpy(), rtol=1e-9)
    total_ok = bool(np.isclose(np.nansum(daily.to_numpy()), obs["value"].sum(), rtol=1e-12))

    print(f"[{name}] reports: {rows:,} over {daily.shape[1]:,} series, {daily.shape[0]:,} days "
          f"({daily.size / 1e6:.1f}M daily cells)")
    print(f"  read_observations (validation):   {t_read:8.3f} s")
    print(f"  to_daily(by='series'), first call: {t_first:7.3f} s; best of 3: {t_ours:.3f} s; "
          f"peak allocated {peak / 2**30:.2f} GiB")
    print(f"  plain pandas, {sample_rows:,}-row sample:   {t_pandas_sample:8.3f} s  -> "
          f"{t_pandas:8.1f} s for {rows:,} rows (linear)")
    print(f"  ratio plain pandas / to_daily:    {t_pandas / t_ours:8.1f}x")
    print(f"  same values as plain pandas on the sample: yes; total conserved: {total_ok}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--case", choices=("random", "tiled", "both"), default="both")
    args = ap.parse_args()
    print(f"conflictstats {cs.__version__}, pandas {pd.__version__}, numpy {np.__version__}")
    if args.case in ("random", "both"):
        run_case("random, 3 years", make_reports(args.rows), args.sample)
    if args.case in ("tiled", "both"):
        # the first rows are whole series: the sample keeps their tiling
        run_case("tiled, 49 years", make_tiled_reports(args.rows), args.sample)


if __name__ == "__main__":
    main()
