"""Benchmark: what proving a file whole costs, against a plain ``pandas.read_csv``.

Run: .venv/bin/python benchmarks/bench_file_checks.py

For each public CSV file, ``read_csv_checked`` (UTF-8 check, quote-aware field
count of every line, last line end, then the same ``pandas.read_csv``) against
``pandas.read_csv`` alone, which reads a file cut inside its last value without a
word. The ratio is the price of never reading a shorter number.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from conflictstats._files import read_csv_checked

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def best(fn, *args, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    files = sorted(DATA.glob("*/*.csv"))
    if not files:
        print(f"data not found at {DATA}; nothing to benchmark")
        return
    print(f"{'file':52} {'MB':>6} {'pandas':>9} {'checked':>9} {'ratio':>6}")
    total_plain = total_checked = 0.0
    for path in files:
        plain = best(lambda p=path: pd.read_csv(p, dtype=str))
        checked = best(lambda p=path: read_csv_checked(p, dtype=str))
        total_plain += plain
        total_checked += checked
        print(f"{path.name:52} {path.stat().st_size / 1e6:6.2f} {plain * 1000:7.1f}ms "
              f"{checked * 1000:7.1f}ms {checked / plain:5.2f}x")
    print(f"{'all files':52} {'':6} {total_plain * 1000:7.1f}ms {total_checked * 1000:7.1f}ms "
          f"{total_checked / total_plain:5.2f}x")


if __name__ == "__main__":
    main()
