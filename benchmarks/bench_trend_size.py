"""Benchmark: size and power of mann_kendall under AR(1) dependence.

Run from the repository root::

    python benchmarks/bench_trend_size.py                # 1,000 replicates per cell
    python benchmarks/bench_trend_size.py --reps 200     # a quicker look

For each length n (30, 60, 120, 365 days) and AR(1) coefficient phi (0, 0.3,
0.6, 0.9) it simulates ``--reps`` Gaussian AR(1) series with unit marginal
variance (started from the stationary distribution), tests them with each
method at alpha = 0.05 and prints the rejection rate with its binomial
standard error ``sqrt(p (1 - p) / reps)`` and the number of NaN p-values:

* size: no trend;
* power: a linear rise of one marginal standard deviation over the series (a
  modest trend: it moves the level by about as much as the day-to-day spread).

Targets (issue 20): size <= 7 % for phi up to 0.9 and <= 6 % on white noise
(phi = 0), for n = 30-365, with no NaN. Each cell's seed is
``[--seed, n, 100 phi]``, so a cell rerun alone gives the same series.
``--ar1-z 0`` shows what the bias-corrected point estimate of phi gives
without the upper bound (the figure quoted in mann_kendall's Notes).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from conflictstats import mann_kendall


def ar1(reps: int, n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    """(n, reps) Gaussian AR(1) series with unit marginal variance, stationary start."""
    e = rng.standard_normal((n, reps))
    x = np.empty((n, reps))
    x[0] = e[0]
    scale = np.sqrt(1.0 - phi * phi)
    for t in range(1, n):  # a loop over days of a simulation, not a library hot path
        x[t] = phi * x[t - 1] + scale * e[t]
    return x


def rejection(x: np.ndarray, method: str) -> tuple[float, float, int]:
    """Share of series with h True, its standard error, and the NaN p-values."""
    frame = pd.DataFrame(x, index=pd.date_range("2024-01-01", periods=x.shape[0]))
    out = mann_kendall(frame, method=method, alpha=0.05)
    h = out["h"].to_numpy(dtype=bool)
    p = float(h.mean())
    return p, float(np.sqrt(p * (1 - p) / h.size)), int(out["p_value"].isna().sum())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--n", type=int, nargs="+", default=[30, 60, 120, 365])
    ap.add_argument("--phi", type=float, nargs="+", default=[0.0, 0.3, 0.6, 0.9])
    ap.add_argument("--methods", nargs="+", default=["ar1", "original", "hamed_rao"])
    ap.add_argument("--rise", type=float, default=1.0,
                    help="trend of the power runs, in marginal SDs over the series")
    ap.add_argument("--ar1-z", type=float, default=None,
                    help="normal quantile of the bound on phi in method 'ar1' (default "
                         "1.645; 0 uses the bias-corrected point estimate)")
    args = ap.parse_args()
    if args.ar1_z is not None:
        from conflictstats import _kendall

        _kendall.AR1_BOUND_Z = args.ar1_z
    import warnings

    from conflictstats import DataWarning

    warnings.simplefilter("ignore", DataWarning)  # hamed_rao's NaN are counted instead
    print(f"reps={args.reps} seed={args.seed} alpha=0.05 rise={args.rise} SD "
          f"ar1 bound z={args.ar1_z if args.ar1_z is not None else 1.645}")
    print(f"{'method':>10} {'n':>4} {'phi':>4} {'size':>14} {'nan':>4} {'power':>14}")
    t0 = time.perf_counter()
    for n in args.n:
        for phi in args.phi:
            rng = np.random.default_rng([args.seed, n, round(phi * 100)])
            noise = ar1(args.reps, n, phi, rng)
            trend = noise + args.rise * np.linspace(0.0, 1.0, n)[:, None]
            for method in args.methods:
                size, se, nan = rejection(noise, method)
                power, pse, _ = rejection(trend, method)
                print(f"{method:>10} {n:>4} {phi:>4.1f} {size:>7.3f} ± {se:.3f} {nan:>4} "
                      f"{power:>7.3f} ± {pse:.3f}", flush=True)
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
