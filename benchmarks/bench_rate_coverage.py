"""Benchmark: coverage of ``rate`` and size of ``compare_periods`` on over-dispersed nights.

Run:  .venv/bin/python benchmarks/bench_rate_coverage.py [replicates] [size_replicates] [sizes]

(defaults 2000, 500 and ``both``; ``sizes`` is ``uniform``, ``log-uniform`` or
``both``; ``compare_periods`` is called once per replicate and
mode, about 10-40 ms a call, so its replicates are fewer).

Nights are beta-binomial: night ``d`` has ``n_d`` trials (drones launched),
uniform on 20..800 (the sizes of issue 20) or log-uniform on 20..800, and
its success probability is drawn from a Beta law with mean ``p = 0.8`` and
intra-night correlation ``rho`` (ICC; 0 is the binomial).  For each of 14
and 56 nights:

- coverage of the true ``p`` by the nominal 95 % interval of the rate pooled
  over all the nights (``rate(num, den, window=D)``, last row), and over
  each calendar week (``freq="W-SUN"``, 56 nights only), for
  ``dispersion="auto"`` (size-weighted beta-binomial, the default),
  ``"quasi_binomial"`` (Pearson's factor, even below 1), ``"binomial"`` and
  the former default (``"auto"`` before issue 20: Pearson's factor where it
  exceeds 1, else the binomial); with mean widths relative to the binomial;
- the rejection rate at alpha = 5 % of ``compare_periods`` between the two
  halves (equal rates: the size of the test), for ``"auto"`` and
  ``"quasi_binomial"`` (the binomial rejects 40-86 % here).

Each figure is printed with its Monte Carlo standard error
``sqrt(f (1 - f) / replicates)``.  Replicates of ``rate`` are the columns of
one wide DataFrame (one call); ``compare_periods`` is called per replicate.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

import conflictstats as cs

P = 0.8
MODES = ("auto", "quasi_binomial", "binomial")


def nights(rng: np.random.Generator, days: int, reps: int, rho: float, sizes: str
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    if sizes == "uniform":
        n = rng.integers(20, 801, size=(days, reps))
    else:
        n = np.rint(np.exp(rng.uniform(np.log(20), np.log(800), (days, reps)))).astype(int)
    if rho == 0:
        x = rng.binomial(n, P)
    else:
        a, b = P * (1 / rho - 1), (1 - P) * (1 / rho - 1)
        x = rng.binomial(n, rng.beta(a, b, n.shape))
    idx = pd.date_range("2024-01-01", periods=days, name="date")  # a Monday
    cols = [f"r{i}" for i in range(reps)]
    return (pd.DataFrame(x.astype(float), index=idx, columns=cols),
            pd.DataFrame(n.astype(float), index=idx, columns=cols))


def fmt(f: float, reps: int) -> str:
    return f"{f:.3f}±{np.sqrt(f * (1 - f) / reps):.3f}"


def main(reps: int, size_reps: int, which: str = "both") -> None:
    rng = np.random.default_rng(20)
    t0 = time.perf_counter()
    print(f"p = {P}, {reps} replicates ({min(reps, size_reps)} for the size); coverage of nominal 95 % intervals (± 1 SE), "
          "width relative to the binomial; size of compare_periods at 5 %")
    for sizes in ("uniform", "log-uniform") if which == "both" else (which,):
        for days in (14, 56):
            for rho in (0.0, 0.01, 0.05, 0.2):
                num, den = nights(rng, days, reps, rho, sizes)
                cov, wid, bounds = {}, {}, {}
                for mode in MODES:
                    out = cs.rate(num, den, window=days, dispersion=mode)
                    last = out.iloc[-1]
                    lo = last.xs("lower", level="field").to_numpy(dtype=float)
                    hi = last.xs("upper", level="field").to_numpy(dtype=float)
                    bounds[mode] = (lo, hi, np.array(list(out.attrs["dispersion"].values())))
                # the former default: Pearson's factor where it exceeds 1, else the binomial
                above = bounds["quasi_binomial"][2] > 1
                bounds["former"] = tuple(np.where(above, q, b) for q, b in zip(
                    bounds["quasi_binomial"][:2], bounds["binomial"][:2], strict=True))
                for mode, (lo, hi, *_) in bounds.items():
                    cov[mode] = float(np.mean((lo <= P) & (hi >= P)))
                    wid[mode] = float(np.mean(hi - lo))
                line = [f"{sizes:11s} D={days:2d} rho={rho:<4}",
                        "rate " + " ".join(f"{m}={fmt(cov[m], reps)}" for m in cov),
                        f"width auto/binom={wid['auto'] / wid['binomial']:.2f} "
                        f"former/binom={wid['former'] / wid['binomial']:.2f}"]
                if days == 56:
                    wk = []
                    for mode in ("auto", "quasi_binomial"):
                        t = cs.rate(num, den, freq="W-SUN", dispersion=mode)
                        wk.append(f"{mode}="
                                  + fmt(float(((t["lower"] <= P) & (t["upper"] >= P)).mean()),
                                        len(t)))
                    line.append("weeks " + " ".join(wk))
                half = num.index[days // 2]
                kw = {"first": (half, num.index[-1]),
                      "second": (num.index[0], half - pd.Timedelta(days=1))}
                rej = {m: 0 for m in MODES[:2]}
                for c in num.columns[:size_reps]:
                    for m in rej:
                        rej[m] += cs.compare_periods(num[c], den[c], dispersion=m,
                                                     **kw).p_value < 0.05
                k = min(size_reps, reps)
                line.append("size " + " ".join(f"{m}={fmt(rej[m] / k, k)}" for m in rej))
                print("  ".join(line), flush=True)
    print(f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
         int(sys.argv[2]) if len(sys.argv) > 2 else 500,
         sys.argv[3] if len(sys.argv) > 3 else "both")
