"""Benchmark: the acceptance simulation of issue 21 for reconcile().

Run:  python benchmarks/bench_reconcile.py [--reps N] [--n-boot B] [--days D]

Synthetic pairs as in tests/test_reconcile.py: source A counts events a day
(Poisson around a slowly wandering mean, or over-dispersed: negative binomial with
shape 5); source B counts a thinned share of what A counted L days earlier,
``b_t ~ Binomial(a_{t-L}, s * e_t)``, with ``e_t`` a day-to-day noise factor
(lognormal with mean one, sd 0, 0.2 or 0.4 on the log scale; ``s * e_t`` is clipped
at 1, so the true scale is ``E[min(s e_t, 1)]``, computed by Monte Carlo);
5% of each source's days are missing. Lags 0-10 and scales 0.3, 0.5, 0.7, 1.0
cycle over the replicates.

Acceptance (issue 21): lag exact in >= 95% of pairs, scale interval covering the
truth >= 93% of the time, each planted episode found within 3 days.

Printed per noise setting (``reps`` pairs each, standard errors beside):

* steady pairs: share of exact lags, scale-interval coverage, false episodes per pair;
* pairs with one planted episode (B's share times 0.4, 0.5, 0.6 or 1.6 over 21 to 50
  days somewhere in the middle): share of exact lags, and share of episodes found with
  start and end both within 3 days (exactly one episode reported);
* seconds per call (default ``n_boot=200``).
"""

from __future__ import annotations

import argparse
import functools
import math
import time

import numpy as np
import pandas as pd

import conflictstats as cs

SCALES = (0.3, 0.5, 0.7, 1.0)
FACTORS = (0.5, 1.6, 0.4, 0.6)
NOISE = (("poisson A, thinning only", False, 0.0),
         ("poisson A, B noise sd 0.2", False, 0.2),
         ("poisson A, B noise sd 0.4", False, 0.4),
         ("over-dispersed A (NB k=5), sd 0.2", True, 0.2))


def pair(seed: int, lag: int, scale: float, *, n: int, overdispersed: bool, noise: float,
         episode: tuple[int, int, float] | None = None, missing: float = 0.05
         ) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-01", periods=n + lag)
    lam = np.clip(np.exp(np.log(60) + np.cumsum(rng.normal(0, 0.05, n + lag))), 5, 500)
    if overdispersed:
        k = 5.0
        a = rng.negative_binomial(k, k / (k + lam)).astype(float)
    else:
        a = rng.poisson(lam).astype(float)
    # a mean-one factor: B's share is ``scale`` on average (before clipping at 1)
    p = (scale * np.exp(rng.normal(-noise ** 2 / 2, noise, n + lag)) if noise
         else np.full(n + lag, scale))
    if episode is not None:
        start, stop, factor = episode
        p[lag + start:lag + stop] *= factor
    source = np.r_[np.zeros(lag), a[:n]] if lag else a
    b = rng.binomial(source.astype(int), np.clip(p, 0, 1)).astype(float)
    sa = pd.Series(a, index=days, name="A")
    sb = pd.Series(b, index=days, name="B").iloc[lag:]
    sa[rng.random(len(sa)) < missing] = np.nan
    sb[rng.random(len(sb)) < missing] = np.nan
    return sa, sb


@functools.lru_cache
def truth(scale: float, noise: float) -> float:
    """B per unit of A in expectation: ``E[min(scale * e, 1)]`` (Monte Carlo, 10^6 draws)."""
    if not noise:
        return scale
    e = np.exp(np.random.default_rng(0).normal(-noise ** 2 / 2, noise, 1_000_000))
    return float(np.minimum(scale * e, 1.0).mean())


def _share(x: list[float]) -> str:
    v = np.asarray(x, dtype=float)
    p = v.mean()
    return f"{100 * p:5.1f}% ± {100 * math.sqrt(p * (1 - p) / len(v)):.1f}"


def _mean(x: list[float], fmt: str = ".3f") -> str:
    v = np.asarray(x, dtype=float)
    return f"{v.mean():{fmt}} ± {v.std(ddof=1) / math.sqrt(len(v)):{fmt}}"


def run(reps: int, n_boot: int, n: int) -> None:
    print(f"reconcile acceptance: {reps} pairs per setting and design, {n} days, "
          f"n_boot={n_boot}; share ± binomial SE, mean ± SE")
    for label, od, noise in NOISE:
        lag_ok, cover, false_eps, secs = [], [], [], []
        for r in range(reps):
            lag, scale = r % 11, SCALES[r % 4]
            a, b = pair(1000 + r, lag, scale, n=n, overdispersed=od, noise=noise)
            t = time.perf_counter()
            res = cs.reconcile(a, b, kind="flow", n_boot=n_boot)
            secs.append(time.perf_counter() - t)
            lag_ok.append(res.lag == lag)
            cover.append(res.scale_lower <= truth(scale, noise) <= res.scale_upper)
            false_eps.append(len(res.episodes))
        ep_lag, found = [], []
        for r in range(reps):
            lag, scale = r % 11, SCALES[(r + 1) % 4]
            rng = np.random.default_rng(5000 + r)
            length = int(rng.integers(21, 51))
            start = int(rng.integers(30, n - length - 30))
            factor = FACTORS[r % 4]
            a, b = pair(5000 + r, lag, scale, n=n, overdispersed=od, noise=noise,
                        episode=(start, start + length, factor))
            t = time.perf_counter()
            res = cs.reconcile(a, b, kind="flow", n_boot=n_boot)
            secs.append(time.perf_counter() - t)
            ep_lag.append(res.lag == lag)
            first = b.index[0] + pd.Timedelta(days=start)
            last = b.index[0] + pd.Timedelta(days=start + length - 1)
            hit = len(res.episodes) == 1 and (
                abs((res.episodes["start"].iloc[0] - first).days) <= 3
                and abs((res.episodes["end"].iloc[0] - last).days) <= 3)
            found.append(hit)
        print(f"\n{label}")
        print(f"  steady:   lag exact {_share(lag_ok)}   scale coverage {_share(cover)}   "
              f"false episodes/pair {_mean(false_eps)}")
        print(f"  episode:  lag exact {_share(ep_lag)}   episode within 3 days "
              f"{_share(found)}")
        print(f"  time per call {_mean(secs, '.4f')} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200, help="pairs per setting and design")
    ap.add_argument("--n-boot", type=int, default=200, help="bootstrap resamples (lag)")
    ap.add_argument("--days", type=int, default=365, help="days per pair")
    args = ap.parse_args()
    run(args.reps, args.n_boot, args.days)


if __name__ == "__main__":
    main()
