"""Benchmark: peak memory of the missile reader against the file's size, and bad rows via the CLI.

Run: .venv/bin/python benchmarks/bench_reader_memory.py [--rows 100000 400000] [--big]
Targets (issue 22): reading within 5x the file's size in peak memory (the peak
resident memory of a child process that reads the file, less that of a child
that only imports the package), and bad rows reported through the CLI
(``conflictstats weekly --data FILE --reader missile_attacks``) at >= 100k rows/s.

The synthetic files copy the public file's header and the structure of its rows
(rows drawn from it, with varied times, counts and post ids) into a temporary
folder with the catalogue beside them; nothing is kept. ``--big`` adds 2M rows.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "massive_missile_attacks"
SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = """
import resource, sys, tracemalloc
import conflictstats.sources as s
mode, path = sys.argv[1], sys.argv[2]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
if mode == "read":
    t = s.screen_missile_attacks(path)
    print(len(t.observations), len(t.set_aside), end=" ")
cur, peak = tracemalloc.get_traced_memory()
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, peak)
"""


def synthetic(n: int, folder: Path, *, bad: float, seed: int = 0) -> Path:
    """A file of ``n`` rows in the public layout; a share ``bad`` of rows is impossible."""
    rng = np.random.default_rng(seed)
    pub = pd.read_csv(DATA / "missile_attacks_daily.csv", dtype=str, keep_default_na=False)
    df = pub.iloc[rng.integers(0, len(pub), n)].reset_index(drop=True)
    start = (pd.Timestamp("2022-09-01")
             + pd.to_timedelta(rng.integers(0, 1300 * 24 * 4, n) * 15, unit="min"))
    end = start + pd.to_timedelta(rng.integers(1, 16 * 4, n) * 15, unit="min")
    df["time_start"] = start.strftime("%Y-%m-%d %H:%M")
    df["time_end"] = end.strftime("%Y-%m-%d %H:%M")
    launched = rng.integers(1, 500, n)
    destroyed = (launched * rng.uniform(0.3, 1.0, n)).astype(int)
    lost = ((launched - destroyed) * rng.uniform(0, 1, n)).astype(int)
    is_bad = rng.uniform(size=n) < bad
    destroyed = np.where(is_bad, launched + rng.integers(1, 20, n), destroyed)
    df["launched"] = launched.astype(float).astype(str)
    df["destroyed"] = destroyed.astype(float).astype(str)
    nr = lost.astype(float).astype(str).astype(object)
    nr[rng.uniform(size=n) < 0.4] = ""
    df["not_reach_goal"] = nr
    commands = np.array(["kpszsu", "PvKPivden", "pvkshid", "PvkZahid", "PvkCenter"])
    df["source"] = (commands[rng.choice(5, n, p=[0.8, 0.05, 0.05, 0.05, 0.05])].astype(object)
                    + "/posts/pfbid" + pd.Series(rng.integers(0, 10**12, n)).astype(str))
    path = folder / "missile_attacks_daily.csv"
    df.to_csv(path, index=False)
    shutil.copy(DATA / "missiles_and_uavs.csv", folder / "missiles_and_uavs.csv")
    return path


def cpu() -> float:
    """CPU seconds (user + system) of the finished children so far: on a shared machine
    the wall-clock time also counts the waits for a core."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def child(mode: str, path: Path) -> list[int]:
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(path)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


def memory(path: Path) -> None:
    size = path.stat().st_size
    *_, base0, _, _ = child("import", path)
    t0, c0 = time.perf_counter(), cpu()
    n_obs, n_aside, _base, peak_rss, peak_py = child("read", path)
    secs = time.perf_counter() - t0
    cpu_s = cpu() - c0
    extra = (peak_rss - base0) * 1024
    print(f"  file {size / 2**20:7.1f} MiB: peak RSS above imports {extra / 2**20:8.1f} MiB "
          f"= {extra / size:5.1f}x the file; tracemalloc peak {peak_py / 2**20:8.1f} MiB "
          f"= {peak_py / size:5.1f}x ({'OK' if extra / size <= 5 else 'OVER'} the 5x target); "
          f"{n_obs} observations, {n_aside} set aside, {secs:.1f} s wall ({cpu_s:.1f} s CPU) in "
          "the child")


def cli(path: Path, n_bad: int) -> None:
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    out = Path(path.parent / "out")
    out.mkdir(exist_ok=True)
    t0, c0 = time.perf_counter(), cpu()
    run = subprocess.run([sys.executable, "-m", "conflictstats.cli", "weekly", "--data", str(path),
                          "--reader", "missile_attacks", "--out", str(out)],
                         env=env, capture_output=True, text=True)
    secs, cpu_s = time.perf_counter() - t0, cpu() - c0
    last = (run.stdout + run.stderr).strip().splitlines()[-3:]
    print(f"  CLI weekly: {secs:6.1f} s wall, {cpu_s:6.1f} s CPU for {n_bad} bad rows = "
          f"{n_bad / cpu_s:9.0f} bad rows per CPU second "
          f"({'OK' if n_bad / cpu_s >= 100_000 else 'UNDER'} the 100k/s target); exit "
          f"{run.returncode}; output ends {last!r}"[:400])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 400_000])
    ap.add_argument("--big", action="store_true", help="also 2M rows")
    ap.add_argument("--bad", type=float, default=0.5, help="share of bad rows in the CLI file")
    ap.add_argument("--no-cli", action="store_true",
                    help="time the reader on the bad-row file, not the whole CLI run")
    args = ap.parse_args()
    if not (DATA / "missile_attacks_daily.csv").exists():
        print(f"data not found at {DATA}; nothing to benchmark")
        return
    sizes = [*args.rows, *([2_000_000] if args.big else [])]
    memory(DATA / "missile_attacks_daily.csv")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{n:,} rows:")
            path = synthetic(n, Path(tmp), bad=0.001)
            memory(path)
        with tempfile.TemporaryDirectory() as tmp:
            path = synthetic(n, Path(tmp), bad=args.bad, seed=1)
            n_bad = round(n * args.bad)
            t0, c0 = time.perf_counter(), cpu()
            child("read", path)
            secs, cpu_s = time.perf_counter() - t0, cpu() - c0
            print(f"  screen_missile_attacks alone (child process, imports included): "
                  f"{secs:6.1f} s wall, {cpu_s:6.1f} s CPU for {n_bad} bad rows = "
                  f"{n_bad / cpu_s:9.0f} bad rows per CPU second")
            if not args.no_cli:
                cli(path, n_bad)


if __name__ == "__main__":
    main()
