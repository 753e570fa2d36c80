"""Benchmark: records() and highest_since() on 10,000,000 points.

Run:  python benchmarks/bench_records.py

Target: under 0.6 s each for 10 million points on the first call in the process
(issue 14; i.i.d. noise and a random walk, whose "previous higher value" lies far
back more often), best of three printed beside it.  The peers are the
plain approaches an analyst would write: a Python monotonic-stack loop for
"highest since" (O(n), but a Python loop), the naive pandas slice-and-search
per date (O(n^2)), and pandas' own cummax/groupby-cummax for records (which
gives the record flags but not the previous record, its date, or "since").
Peers run on a sample and are scaled per point; the ratio is per point.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import conflictstats as cs

N = 10_000_000
SAMPLE_STACK = 1_000_000
SAMPLE_NAIVE = 5_000


def _best(fn, repeat=3):
    best = np.inf
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _stack_highest_since(s: pd.Series) -> pd.Series:
    """Monotonic stack in plain Python: the textbook O(n) loop."""
    v = s.to_numpy()
    out = np.full(len(v), -1)
    stack: list[int] = []
    for i, x in enumerate(v):
        while stack and v[stack[-1]] < x:
            stack.pop()
        if stack:
            out[i] = stack[-1]
        stack.append(i)
    idx = s.index.to_numpy()
    res = idx[np.maximum(out, 0)]
    res[out < 0] = np.datetime64("NaT")
    return pd.Series(res, index=s.index)


def _naive_highest_since(s: pd.Series) -> pd.Series:
    """What one writes first with pandas: search backwards from every date."""
    out = []
    for i in range(len(s)):
        earlier = s.iloc[:i]
        hits = earlier.index[earlier.to_numpy() >= s.iloc[i]]
        out.append(hits[-1] if len(hits) else pd.NaT)
    return pd.Series(out, index=s.index)


def _pandas_records(s: pd.Series) -> pd.Series:
    """Record flags with pandas: value above the running max of the earlier values."""
    prev = s.cummax().shift(1)
    return s[(s > prev) | prev.isna()]


def main() -> None:
    rng = np.random.default_rng(20241126)
    index = pd.date_range("2000-01-01", periods=N, freq="min")
    cases = {
        "iid normal": rng.standard_normal(N),
        "random walk": np.cumsum(rng.standard_normal(N)),
    }
    print(f"conflictstats {cs.__version__}, pandas {pd.__version__}, numpy {np.__version__}")
    print(f"n = {N:,} points\n")
    for name, values in cases.items():
        s = pd.Series(values, index=index, name=name)
        t_hs1, _ = _best(lambda s=s: cs.highest_since(s), repeat=1)
        t_rec1, _ = _best(lambda s=s: cs.records(s), repeat=1)
        t_hs, hs = _best(lambda s=s: cs.highest_since(s))
        t_rec, rec = _best(lambda s=s: cs.records(s))
        t_year, _ = _best(lambda s=s: cs.records(s, scope="year"), repeat=1)
        t_pd, pd_rec = _best(lambda s=s: _pandas_records(s))
        sample = s.iloc[:SAMPLE_STACK]
        t_stack, stack = _best(lambda sample=sample: _stack_highest_since(sample), repeat=1)
        small = s.iloc[:SAMPLE_NAIVE]
        t_naive, naive = _best(lambda small=small: _naive_highest_since(small), repeat=1)
        same = hs.iloc[:SAMPLE_STACK].equals(stack) and hs.iloc[:SAMPLE_NAIVE].equals(naive)
        stack_full = t_stack * N / SAMPLE_STACK
        naive_full = t_naive * (N / SAMPLE_NAIVE) ** 2  # O(n^2)
        print(f"{name}:")
        print(f"  highest_since          {t_hs:7.3f} s   (first call {t_hs1:.3f} s, target < 0.6 s; "
              f"same answers as the references on the samples: {same})")
        print(f"  Python monotonic stack {stack_full:7.3f} s   (scaled from {SAMPLE_STACK:,}; "
              f"ratio {stack_full / t_hs:5.1f}x slower)")
        print(f"  naive pandas search    {naive_full:9.0f} s (scaled O(n^2) from "
              f"{SAMPLE_NAIVE:,}; ratio {naive_full / t_hs:,.0f}x slower)")
        print(f"  records (scope=all)    {t_rec:7.3f} s   (first call {t_rec1:.3f} s, target < 0.6 s; "
              f"{len(rec)} records; pandas cummax flags only: {t_pd:.3f} s, {len(pd_rec)} records, "
              f"ratio {t_pd / t_rec:.1f}x)")
        print(f"  records (scope=year)   {t_year:7.3f} s")
        print()


if __name__ == "__main__":
    main()
