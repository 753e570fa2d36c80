"""Benchmark: the cost of writing the weekly report safely (issue 19).

Run:  python benchmarks/bench_report_output.py [n_user_files]

Measures, for a report folder that also holds ``n_user_files`` files of the user
(default 200, 64 KB each) and a report of 8 charts (PNG and SVG, stand-ins of the
real sizes): the time of :func:`conflictstats._output.write_report` beyond writing
the files themselves (lock, manifest, carrying the user's files over by hard link,
the swap, removing the old folder), and the window in which a kill would find the
folder half-swapped: zero with the one-step exchange (Linux ``renameat2``), two
renames apart without it. Best of five.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from conflictstats import _output

N_USER = int(sys.argv[1]) if len(sys.argv) > 1 else 200
CHART = os.urandom(60_000)


def build(folder: Path) -> list[str]:
    names = []
    for k in range(8):
        for ext in ("png", "svg"):
            (folder / f"chart{k}.{ext}").write_bytes(CHART)
            names.append(f"chart{k}.{ext}")
    (folder / "summary.md").write_text("# Weekly report\n")
    (folder / "facts.csv").write_text("dataset,series,metric\n")
    return [*names, "summary.md", "facts.csv"]


def main() -> None:
    root = Path(tempfile.mkdtemp())
    out = root / "report"
    _output.write_report(out, build)
    for k in range(N_USER):
        (out / f"user{k}.jpg").write_bytes(os.urandom(65_536))
    plain, safe = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        scratch = Path(tempfile.mkdtemp(dir=root))
        build(scratch)  # the files alone, as the old file-by-file writer wrote them
        plain.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _output.write_report(out, build)
        safe.append(time.perf_counter() - t0)
    a, b = root / "a", root / "b"
    a.mkdir()
    b.mkdir()
    t0 = time.perf_counter()
    exchanged = _output._exchange(a, b)
    swap = time.perf_counter() - t0
    print(f"{N_USER} user files: writing the files {1e3 * min(plain):.1f} ms; the safe "
          f"write in all {1e3 * min(safe):.1f} ms (overhead {1e3 * (min(safe) - min(plain)):.1f}"
          f" ms); one-step exchange {'available' if exchanged else 'not available'} "
          f"({1e6 * swap:.0f} µs, no half-swapped window)")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
