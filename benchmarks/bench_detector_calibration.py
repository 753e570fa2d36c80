"""Calibration of the detectors' defaults on simulated noise (issue 11).

Run:  .venv/bin/python benchmarks/bench_detector_calibration.py [REPS]

(REPS replicates of the false-alarm panels, seeds 0 .. REPS-1; default 1,
whose standard error is 0.1 per 1,000 -- the figures in the docstring of
``anomalies`` are from 12.)

Prints, for the defaults and (where it exists) the first release's rule:

- ``anomalies``: the share of days flagged (per 1,000) on i.i.d. noise of four
  families -- normal, Poisson with mean 2 and 40, negative binomial (size 3,
  mean 20), and two more (Poisson mean 0.3, negative binomial size 1 mean 5)
  -- for several windows, centred and causal.  The stated rate is one
  day in 1,000;
- ``changepoints``: the mean number of changes per 500 days on white noise,
  AR(1) noise (phi 0.5 and 0.9) and a steady linear trend (the goal is about
  one per 500 days), and the F1 score (margin 5 days) on three 1.5 sd shifts
  in 600 days;
- ``compare_periods``: how often p < 0.05 over two weeks of over-dispersed
  nights with no change (the nominal level is 5%).

Every series is seeded, so the figures are reproducible.  This is a report,
not a test: the tests in tests/test_anomalies.py and tests/test_dispersion.py
check smaller versions of the same bounds.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

import conflictstats as cs

N_DAYS, N_SERIES = 2000, 50


def families(rng):
    shape = (N_DAYS, N_SERIES)
    return {
        "normal": rng.normal(100.0, 15.0, shape),
        "poisson(2)": rng.poisson(2.0, shape).astype(float),
        "poisson(40)": rng.poisson(40.0, shape).astype(float),
        "negbin(3, mean 20)": rng.negative_binomial(3, 3 / 23, shape).astype(float),
        "poisson(0.3)": rng.poisson(0.3, shape).astype(float),
        "negbin(1, mean 5)": rng.negative_binomial(1, 1 / 6, shape).astype(float),
    }


def false_alarms(reps: int = 1) -> None:
    """Days flagged per 1,000; replicate r draws its panels from seed r (r = 0 alone by default)."""
    idx = pd.date_range("2020-01-01", periods=N_DAYS, freq="D")
    settings = [(w, causal) for w in (7, 28, 90) for causal in (False, True)]
    flagged_sum: dict[str, np.ndarray] = {}
    for r in range(reps):
        for name, x in families(np.random.default_rng(r)).items():
            frame = pd.DataFrame(x, index=idx)
            row = flagged_sum.setdefault(name, np.zeros(len(settings)))
            for i, (w, causal) in enumerate(settings):
                out = cs.anomalies(frame, window=w, causal=causal)
                flagged = (out.xs("is_anomaly", axis=1, level="field")
                           | out.xs("continuing", axis=1, level="field")).to_numpy()
                row[i] += flagged.mean() / reps
            if r == 0 and name == "normal":
                normal = x
    days = reps * N_SERIES * N_DAYS
    print(f"anomalies: days flagged per 1,000 on i.i.d. noise ({reps} x {N_SERIES} x {N_DAYS} "
          f"days; standard error at a true 1 in 1,000: {1000 * np.sqrt(0.001 / days):.2f})")
    print(f"  {'family':20s}" + "".join(f"{f'w={w} {m}':>14s}" for w in (7, 28, 90)
                                        for m in ("centred", "causal")))
    for name, row in flagged_sum.items():
        print(f"  {name:20s}" + "".join(f"{1000 * v:14.2f}" for v in row))
    x = normal
    old = cs.anomalies(pd.DataFrame(x, index=idx), method="robust_z", threshold=3.5)
    rate = old.xs("is_anomaly", axis=1, level="field").to_numpy().mean()
    print(f"  a fixed threshold of 3.5 (the first release's number), 28 days, normal noise: "
          f"{1000 * rate:.2f} per 1,000")


def ar1(rng, n, phi):
    e = rng.normal(0, 1, n)
    x = np.empty(n)
    x[0] = e[0] / np.sqrt(1 - phi**2)
    for i in range(1, n):  # simulation only
        x[i] = phi * x[i - 1] + e[i]
    return x


def change_counts(reps: int = 40) -> None:
    idx = pd.date_range("2020-01-01", periods=600, freq="D")
    makers = {
        "white noise": lambda r: r.normal(0, 1, 500),
        "AR(1) phi=0.5": lambda r: ar1(r, 500, 0.5),
        "AR(1) phi=0.9": lambda r: ar1(r, 500, 0.9),
        "linear trend": lambda r: 0.02 * np.arange(500) + r.normal(0, 1, 500),
    }
    print(f"changepoints: mean changes per 500 days without a change ({reps} series each)")
    for name, make in makers.items():
        rng = np.random.default_rng(1)
        new, old = [], []
        for _ in range(reps):
            s = pd.Series(make(rng), index=idx[:500])
            new.append(len(cs.changepoints(s)))
            old.append(len(cs.changepoints(s, noise="white", trend=False)))
        print(f"  {name:15s} default {np.mean(new):5.2f}   first release's rule "
              f"{np.mean(old):5.2f}")
    f1 = []
    for seed in range(reps):
        rng = np.random.default_rng(100 + seed)
        x = np.repeat([0.0, 1.5, 0.0, 1.5], 150) + rng.normal(0, 1, 600)
        found = [idx.get_loc(d) for d in cs.changepoints(pd.Series(x, index=idx))["date"]]
        tp = sum(any(abs(f - c) <= 5 for f in found) for c in (150, 300, 450))
        prec = tp / len(found) if found else 0.0
        rec = tp / 3
        f1.append(2 * prec * rec / (prec + rec) if tp else 0.0)
    print(f"  three 1.5 sd shifts in 600 days, margin 5 days: mean F1 {np.mean(f1):.3f}")


def period_level(reps: int = 1000) -> None:
    idx = pd.date_range("2024-01-01", periods=14, name="date")
    rng = np.random.default_rng(5)
    p, rho = 0.8, 0.01  # chi-square / df about 1 + 80 * 0.01 = 1.8
    hits = {"auto": 0, "binomial": 0}
    for _ in range(reps):
        n = rng.poisson(80, 14) + 1
        x = rng.binomial(n, rng.beta(p * (1 / rho - 1), (1 - p) * (1 / rho - 1), 14))
        num, den = pd.Series(x, index=idx, dtype=float), pd.Series(n, index=idx, dtype=float)
        for d in hits:
            c = cs.compare_periods(num, den, first=("2024-01-08", "2024-01-14"),
                                   second=("2024-01-01", "2024-01-07"), dispersion=d)
            hits[d] += c.p_value < 0.05
    print(f"compare_periods: p < 0.05 on over-dispersed nights without a change ({reps} "
          f"fortnights): default {100 * hits['auto'] / reps:.1f}%, binomial "
          f"{100 * hits['binomial'] / reps:.1f}% (nominal 5%)")


def main() -> None:
    t0 = time.perf_counter()
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    false_alarms(reps)
    change_counts()
    period_level()
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
