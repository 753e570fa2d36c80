"""Benchmark: the weekly report on the full missile-attack file, by step.

Run:  .venv/bin/python benchmarks/bench_report.py

Target: the whole report (read, facts, charts, files) under 10 s on the full
``missile_attacks_daily.csv`` (about 15,000 observations of 1,900 input rows,
three and a half years). The peer is the same computation without charts
(``out=None``), to show what drawing costs. The file is read from
``../shared/data`` beside the repository.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

from conflictstats.datasets import load_dataset
from conflictstats.report import weekly_report

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "massive_missile_attacks"


def main() -> None:
    path = DATA / "missile_attacks_daily.csv"
    if not path.exists():
        print(f"missile file not found at {path}; nothing to time")
        return
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    data = {"missiles": load_dataset(path, reader="missile_attacks")}
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    weekly_report(data, reader="missile_attacks", conflict="sum")
    t_facts = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        rep = weekly_report(data, reader="missile_attacks", conflict="sum", out=out)
        t_all = time.perf_counter() - t0
    n_png = sum(f.endswith(".png") for f in rep.files)
    print(f"read {t_read:.2f} s; facts only {t_facts:.2f} s; facts, {n_png} charts and files "
          f"{t_all:.2f} s; total {t_read + t_all:.2f} s (target < 10 s); drawing costs "
          f"{t_all / t_facts:.1f}x the facts")


if __name__ == "__main__":
    main()
