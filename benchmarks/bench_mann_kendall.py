"""Benchmark: conflictstats.mann_kendall vs pymannkendall.original_test.

Run from the repository root (pymannkendall is in the ``bench`` extra)::

    python benchmarks/bench_mann_kendall.py

On 10,000 daily points (a Poisson count series with a trend, so with many ties,
and a random walk) it checks that every field equals pymannkendall's
(rtol 1e-10; the p-value also to 1e-14 absolute, see mann_kendall's Notes),
prints both timings and the speed-up (target: at least 20x), then times our
function alone on 100,000 points.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from conflictstats import mann_kendall


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _compare(ours, ref) -> None:
    from numpy.testing import assert_allclose

    assert ours.trend == ref.trend and ours.h == bool(ref.h)
    for a, b in [(ours.s, ref.s), (ours.var_s, ref.var_s), (ours.z, ref.z),
                 (ours.tau, ref.Tau), (ours.slope, ref.slope), (ours.intercept, ref.intercept)]:
        assert_allclose(a, b, rtol=1e-10)
    assert_allclose(ours.p_value, ref.p, rtol=1e-10, atol=1e-14)


def main() -> None:
    import pymannkendall as pmk

    rng = np.random.default_rng(2024)
    n = 10_000
    idx = pd.date_range("2000-01-01", periods=n, name="date")
    cases = {
        "poisson counts with trend (ties)": rng.poisson(20 + np.arange(n) / 1000).astype(float),
        "random walk": rng.normal(size=n).cumsum(),
    }
    for label, x in cases.items():
        x = x.copy()
        x[rng.choice(n, 50, replace=False)] = np.nan
        s = pd.Series(x, index=idx)
        t_ref, ref = _best(lambda x=x: pmk.original_test(x), 1)
        t_ours, ours = _best(lambda s=s: mann_kendall(s, method="original"), 5)
        _compare(ours, ref)
        print(f"{label}, n={n:,} (50 NaN): all fields equal to pymannkendall.original_test")
        print(f"  pymannkendall {t_ref * 1e3:9.1f} ms   conflictstats {t_ours * 1e3:7.1f} ms"
              f"   speed-up {t_ref / t_ours:6.1f}x (target >= 20x)")

    big = 100_000
    xb = rng.poisson(20 + np.arange(big) / 10_000).astype(float)
    sb = pd.Series(xb, index=pd.date_range("1800-01-01", periods=big, name="date"))
    t_big, res = _best(lambda: mann_kendall(sb, method="original"), 2)
    print(f"conflictstats alone, n={big:,}: {t_big * 1e3:.1f} ms "
          f"(trend={res.trend}, slope={res.slope:.6g}/day)")
    t_hr, _ = _best(lambda: mann_kendall(sb, method="hamed_rao"), 1)
    print(f"conflictstats hamed_rao alone, n={big:,}: {t_hr * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
