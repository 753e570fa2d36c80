"""Benchmark: conflictstats.anomalies on a panel of 2,000 series x 1,500 days vs ADTK.

Our detectors score the whole wide frame at once (vectorised); ADTK's detectors
run series by series, on a subset, and their time is extrapolated to the panel.
Targets: each of our methods under 3 s on the panel, and at least 10x faster
than ADTK's closest rolling detectors.

ADTK needs pandas < 3, so it lives in its own virtual environment, with
conflictstats installed there too:

    python3 -m venv .venv-adtk            # from the repository's root
    .venv-adtk/bin/pip install "pandas<3" adtk -e .

Run (with ADTK):      .venv-adtk/bin/python benchmarks/bench_anomalies.py
Run (ours only):      .venv/bin/python benchmarks/bench_anomalies.py

The closest ADTK detectors:
- ``PersistAD(window=28, agg="median")``: each value against the median of the
  28 days before it -- the causal rolling median of our ``robust_z``;
- ``LevelShiftAD(window=28)``: medians of two adjacent 28-day windows;
- ``InterQuartileRangeAD`` (shown for reference only: one global quantile
  band, not a rolling baseline, so it does much less work).
ADTK has no count (Poisson / negative-binomial) detector; our ``count`` method
is compared with the same rolling detectors.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from conflictstats.anomalies import anomalies

N_SERIES = 2000
N_DAYS = 1500
ADTK_SUBSET = 40


def make_panel(seed: int = 0) -> pd.DataFrame:
    """Nightly counts: over-dispersed, with slow trends, surges and 1% missing nights."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(5, 120, N_SERIES)
    trend = np.exp(0.4 * np.sin(np.arange(N_DAYS)[:, None] / rng.uniform(40, 200, N_SERIES)))
    mu = base * trend
    size = 10.0
    x = rng.negative_binomial(size, size / (size + mu)).astype(float)
    surge = rng.random(x.shape) < 0.003
    x[surge] *= 4
    x[rng.random(x.shape) < 0.01] = np.nan
    idx = pd.date_range("2022-02-24", periods=N_DAYS, freq="D", name="date")
    return pd.DataFrame(x, index=idx, columns=pd.Index(
        [f"s{i:04d}" for i in range(N_SERIES)], name="series"))


def timed(fn, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    panel = make_panel()
    print(f"panel: {N_SERIES} series x {N_DAYS} days, pandas {pd.__version__}, "
          f"numpy {np.__version__}")
    anomalies(panel.iloc[:50, :3], method="count")  # warm-up: lazy scipy import
    ours = {}
    for method in ("auto", "robust_z", "count"):
        for causal in (False, True):
            t = timed(lambda m=method, c=causal: anomalies(panel, method=m, causal=c))
            ours[(method, causal)] = t
            mode = "causal" if causal else "centred"
            flag = "OK" if t < 3 else "SLOW"
            print(f"  ours {method:9s} {mode:8s} {t:6.2f} s  (target < 3 s: {flag})")
    # ("auto" is the default: the count model on this panel of whole counts)
    # the cost of the day profile and the trend (issue 20): the count model
    # without them, as in the releases before
    for causal in (False, True):
        t = timed(lambda c=causal: anomalies(panel, method="count", causal=c, period=1,
                                             trend=False))
        mode = "causal" if causal else "centred"
        print(f"  ours count, no profile/trend {mode:8s} {t:6.2f} s")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from adtk.data import validate_series
            from adtk.detector import InterQuartileRangeAD, LevelShiftAD, PersistAD
    except Exception as exc:  # ImportError, or adtk failing on pandas >= 3
        print(f"ADTK skipped: adtk is not importable here ({type(exc).__name__}: {exc}).")
        print("  Create its venv as the header of this script says and run it there.")
        return
    detectors = {
        "PersistAD(window=28, median)": lambda: PersistAD(window=28, c=3.5, agg="median"),
        "LevelShiftAD(window=28)": lambda: LevelShiftAD(window=28, c=6.0),
        "InterQuartileRangeAD (global)": lambda: InterQuartileRangeAD(c=3.0),
    }
    subset = [validate_series(panel.iloc[:, j]) for j in range(ADTK_SUBSET)]
    print(f"ADTK, series by series on {ADTK_SUBSET} series, extrapolated to {N_SERIES}:")
    for name, make in detectors.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            for s in subset:
                make().fit_detect(s)
            t = (time.perf_counter() - t0) * N_SERIES / ADTK_SUBSET
        ratios = ", ".join(
            f"{m}/{'causal' if c else 'centred'} {t / ours[(m, c)]:5.1f}x"
            for (m, c) in ours
        )
        print(f"  {name:30s} {t:7.2f} s -> ours faster by: {ratios}")


if __name__ == "__main__":
    main()
