"""Benchmark: conflictstats.rate on a panel versus statsmodels' proportion_confint.

Run:  .venv/bin/python benchmarks/bench_rates.py

A panel of 2,000 series x 1,500 days of (shot down, launched) counts, 5 % of
days missing.  We time ``cs.rate(num, den, window="7D")`` (pooling plus the
interval) and ``cs.rate(num, den)`` (interval only), against statsmodels'
``proportion_confint`` on the same pooled counts (one vectorised call on the
whole array, its best case), for each interval method, and check the values agree.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

import conflictstats as cs

SM = {"wilson": "wilson", "jeffreys": "jeffreys", "clopper_pearson": "beta",
      "agresti_coull": "agresti_coull", "wald": "normal"}


def _best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    rng = np.random.default_rng(0)
    days, series = 1500, 2000
    idx = pd.date_range("2022-01-01", periods=days, name="date")
    n = rng.poisson(80, size=(days, series)).astype(float)
    x = rng.binomial(n.astype(int), 0.8).astype(float)
    n[rng.uniform(size=n.shape) < 0.05] = np.nan
    cols = [f"s{i}" for i in range(series)]
    num, den = pd.DataFrame(x, index=idx, columns=cols), pd.DataFrame(n, index=idx, columns=cols)

    t_win, _ = _best(lambda: cs.rate(num, den, window="7D"))
    print(f"rate(window='7D', wilson) on {series} x {days}: {t_win:.3f} s")
    for method, sm_method in SM.items():
        t_cs, ours = _best(lambda m=method: cs.rate(num, den, method=m))
        xs = ours.xs("numerator", axis=1, level="field").to_numpy()
        ns = ours.xs("denominator", axis=1, level="field").to_numpy()

        def peer(xs=xs, ns=ns, sm_method=sm_method):
            with np.errstate(all="ignore"):
                return proportion_confint(xs, ns, method=sm_method)

        t_sm, (lo, hi) = _best(peer)
        ok = np.isfinite(lo) & (ns > 0)
        if method == "jeffreys":  # our boundary rule (Brown, Cai & DasGupta 2001)
            ok &= (xs > 0) & (xs < ns)
        ours_lo = ours.xs("lower", axis=1, level="field").to_numpy()
        ours_hi = ours.xs("upper", axis=1, level="field").to_numpy()
        same = np.allclose(ours_lo[ok], lo[ok], rtol=1e-9, atol=1e-12) and np.allclose(
            ours_hi[ok], hi[ok], rtol=1e-9, atol=1e-12)
        print(f"  {method:16s} conflictstats {t_cs:.3f} s   statsmodels {t_sm:.3f} s   "
              f"ratio {t_sm / t_cs:.2f}x   equal: {same}")


if __name__ == "__main__":
    main()
