"""Benchmark: conflictstats.changepoints (PELT, numpy) vs ruptures.Pelt(model="l2").

Run:  .venv/bin/python benchmarks/bench_changepoints.py

A 1,500-day series with known level shifts.  Both detectors get the same
penalty (a float: the BIC value ``2 sigma^2 log n`` that our ``penalty="bic"``
uses, sigma from Hall-Kay-Titterington differences), ``min_size=2`` and
``jump=1``; the breakpoints must be identical.  Target: at least 10x faster.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from conflictstats.anomalies import _noise_sd, changepoints


def best_of(fn, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def make_series(seed, n=1500):
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.choice(np.arange(50, n - 50), 8, replace=False))
    levels = np.cumsum(rng.normal(0, 3, 9))
    x = np.repeat(levels, np.diff(np.r_[0, cuts, n])) + rng.normal(0, 1, n)
    idx = pd.date_range("2022-02-24", periods=n, freq="D", name="date")
    return pd.Series(x, index=idx, name="level"), cuts


def main() -> None:
    try:
        import ruptures as rpt
    except ImportError as exc:  # pragma: no cover - optional peer
        print(f"ruptures is not importable ({exc}); install conflictstats[bench]")
        return
    print("changepoints on a 1,500-day series vs ruptures.Pelt(model='l2', min_size=2, jump=1)")
    ratios = []
    for seed in (1, 2, 3):
        s, cuts = make_series(seed)
        x = s.to_numpy()
        pen = 2 * _noise_sd(x) ** 2 * np.log(len(x))
        t_ours, cp = best_of(lambda s=s, pen=pen: changepoints(s, penalty=pen, min_size=2), 5)
        t0 = time.perf_counter()
        ref = rpt.Pelt(model="l2", min_size=2, jump=1).fit(x).predict(pen=pen)
        t_rpt = time.perf_counter() - t0
        ours = [s.index.get_loc(d) for d in cp["date"]] + [len(s)]
        if ours != ref:
            raise SystemExit(f"seed {seed}: breakpoints differ: ours {ours}, ruptures {ref}")
        t_default, cp_default = best_of(lambda s=s: changepoints(s), 5)
        ratio = t_rpt / t_ours
        ratios.append(ratio)
        print(f"  seed {seed}: pen={pen:8.3f}  {len(ours) - 1} changes (true {len(cuts)}), "
              f"identical breakpoints; ours {t_ours * 1e3:7.1f} ms, ruptures "
              f"{t_rpt * 1e3:8.1f} ms -> {ratio:6.1f}x faster "
              f"[default penalty='mbic': {len(cp_default)} changes, {t_default * 1e3:.1f} ms]")
    print(f"speed-up: min {min(ratios):.1f}x, median {np.median(ratios):.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
