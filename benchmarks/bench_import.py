"""Benchmark: how long ``import conflictstats`` takes beyond importing pandas.

Run:  python benchmarks/bench_import.py

Each measurement is a fresh interpreter that imports pandas first, then times
``import conflictstats``; the script prints the median of several runs and which
heavy libraries (statsmodels, matplotlib, scipy.stats, pint, CurrencyConverter) the
import loaded (it should load none). Target: under 0.5 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

CODE = (
    "import sys, time; import pandas; t = time.perf_counter(); import conflictstats;"
    "dt = time.perf_counter() - t;"
    "heavy = [m for m in ('statsmodels', 'matplotlib', 'scipy.stats', 'pint',"
    " 'currency_converter') if m in sys.modules];"
    "print(dt, ','.join(heavy))"
)


def main(runs: int = 7) -> None:
    times, heavy = [], set()
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                             check=True).stdout.split()
        times.append(float(out[0]))
        heavy.update(x for x in (out[1].split(",") if len(out) > 1 else []) if x)
    print(f"import conflictstats beyond pandas: median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms over {runs} runs (target < 500 ms)")
    print(f"heavy libraries loaded by the import: {', '.join(sorted(heavy)) or 'none'}")


if __name__ == "__main__":
    main()
