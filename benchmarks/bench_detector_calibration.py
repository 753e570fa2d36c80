"""Calibration of the detectors' defaults on simulated noise (issue 11).

Run:  .venv/bin/python benchmarks/bench_detector_calibration.py [REPS]

(REPS replicates of the false-alarm panels, seeds 0 .. REPS-1; default 1,
whose standard error is 0.1 per 1,000 -- the figures in the docstring of
``anomalies`` are from 4, standard error 0.05.)

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
  nights with no change (the nominal level is 5%);
- ``anomalies`` on seasonal counts (issue 20): two years of daily counts at
  mean 100 with a weekly profile (+-10%), a yearly term (+-10%) and a trend
  (up to +-30% over the two years), Poisson noise; the share of one-day
  spikes of 5 sd (``ceil(5 sqrt(mu))``) and of 10 sd spread over 3 days
  that are flagged, and the false alarms on the same series without spikes,
  for the default (day profile and trend) and the count model without them
  (``period=1, trend=False``, the previous release), next to the Poisson
  test that knows the true mean (the bound any detector can reach);
- constant and near-constant series: the days flagged by each method (0);
- ``robust_z`` on Poisson counts (the rates behind its refusal of counts
  with median below 100).

Run ``... bench_detector_calibration.py REPS seasonal`` for the seasonal
part alone (the docstring's detection figures are from 10 replicates).

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


#: A weekly profile of +-10% (Monday first), normalised to mean 1.
WEEK = np.array([1.12, 1.05, 1.0, 0.97, 0.95, 0.9, 1.0]) / np.mean(
    [1.12, 1.05, 1.0, 0.97, 0.95, 0.9, 1.0])
SEASONAL_DAYS, SEASONAL_SERIES = 730, 100


def seasonal_counts(rng, n_series=SEASONAL_SERIES, n_days=SEASONAL_DAYS):
    """Poisson counts at mean 100 x weekly profile x yearly term x trend; returns (x, mu)."""
    t = np.arange(n_days)[:, None]
    year = 1.0 + 0.1 * np.sin(2 * np.pi * (t / 365.25 + rng.uniform(0, 1, n_series)))
    trend = 1.0 + rng.uniform(-0.3, 0.3, n_series) * t / n_days
    mu = 100.0 * WEEK[t % 7] * year * trend
    return rng.poisson(mu).astype(float), mu


def add_spikes(rng, x, mu, *, sd, days):
    """Four spikes per series (from day 100, 150 days apart, jittered) of ``sd`` sds a day.

    Returns the spiked counts and the first day of each spike (rows, cols).
    """
    y = x.copy()
    n_days, n_series = x.shape
    starts = np.arange(100, n_days - 130, 150)[:, None] + rng.integers(
        0, 100, (len(np.arange(100, n_days - 130, 150)), n_series))
    cols = np.broadcast_to(np.arange(n_series), starts.shape).ravel()
    rows = starts.ravel()
    for k in range(days):  # a few days of a spike
        y[rows + k, cols] += np.ceil(sd * np.sqrt(mu[rows + k, cols]))
    return y, rows, cols


def flagged(out):
    return (out.xs("is_anomaly", axis=1, level="field")
            | out.xs("continuing", axis=1, level="field")).to_numpy()


def seasonal_detection(reps: int = 1) -> None:
    """Detection of spikes and false alarms on seasonal counts (replicate r: seed 100 + r)."""
    from scipy import stats

    idx = pd.date_range("2022-01-01", periods=SEASONAL_DAYS, freq="D")
    settings = [(w, causal) for w in (7, 28, 90) for causal in (False, True)]
    models = {"default": {}, "no profile, no trend": {"period": 1, "trend": False}}
    res = {(m, s, k): [] for m in models for s in settings for k in ("fa", "one", "three")}
    oracle = {"one": [], "three": []}
    for r in range(reps):
        rng = np.random.default_rng(100 + r)
        x, mu = seasonal_counts(rng)
        one, r1, c1 = add_spikes(rng, x, mu, sd=5.0, days=1)
        three, r3, c3 = add_spikes(rng, x, mu, sd=10.0 / 3.0, days=3)
        # the bound: the Poisson test with the true mean, P(X >= x) < 0.001
        oracle["one"].append((stats.poisson.sf(one[r1, c1] - 1, mu[r1, c1]) < 0.001).mean())
        hit = np.zeros(len(r3), dtype=bool)
        for k in range(3):
            hit |= stats.poisson.sf(three[r3 + k, c3] - 1, mu[r3 + k, c3]) < 0.001
        oracle["three"].append(hit.mean())
        for m, kw in models.items():
            for s in settings:
                w, causal = s
                run = {k: flagged(cs.anomalies(pd.DataFrame(v, index=idx), window=w,
                                               causal=causal, **kw))
                       for k, v in (("fa", x), ("one", one), ("three", three))}
                res[(m, s, "fa")].append(1000 * run["fa"][100:].mean())
                res[(m, s, "one")].append(run["one"][r1, c1].mean())
                hit = np.zeros(len(r3), dtype=bool)
                for k in range(3):
                    hit |= run["three"][r3 + k, c3]
                res[(m, s, "three")].append(hit.mean())

    def fmt(v, scale=100.0):
        v = scale * np.asarray(v)
        se = v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else np.nan
        return f"{v.mean():6.1f} ({se:4.1f})"

    print(f"anomalies on seasonal counts at mean 100 ({reps} x {SEASONAL_SERIES} series x "
          f"{SEASONAL_DAYS} days; 4 spikes per series; mean over replicates (standard error))")
    print(f"  Poisson test with the true mean: one-day 5 sd {fmt(oracle['one'])}%, "
          f"10 sd over 3 days {fmt(oracle['three'])}%")
    print(f"  {'model':22s}{'window':>8s}{'mode':>9s}{'false alarms /1,000':>22s}"
          f"{'1 day, 5 sd %':>16s}{'3 days, 10 sd %':>17s}")
    for m in models:
        for s in settings:
            w, causal = s
            print(f"  {m:22s}{w:8d}{'causal' if causal else 'centred':>9s}"
                  f"{fmt(res[(m, s, 'fa')], 1.0):>22s}{fmt(res[(m, s, 'one')]):>16s}"
                  f"{fmt(res[(m, s, 'three')]):>17s}")


def constant_series() -> None:
    idx = pd.date_range("2024-01-01", periods=365, freq="D")
    cases = {
        "constant 50": np.full(365, 50.0),
        "constant 0.3 (0.1 + 0.2)": np.full(365, 0.1 + 0.2),
        "1e9 with 1e-6 wiggles": 1e9 + np.where(np.arange(365) % 5 == 0, 1e-6, 0.0),
        "12 with one 13": np.r_[np.full(200, 12.0), 13.0, np.full(164, 12.0)],
    }
    print("constant and near-constant series (365 days): days flagged")
    for name, v in cases.items():
        row = []
        for m in ("auto", "robust_z", "count", "seasonal", "esd"):
            try:
                n = int(cs.anomalies(pd.Series(v, index=idx), method=m)["is_anomaly"].sum())
                row.append(f"{m} {n}")
            except ValueError:
                row.append(f"{m} refused")
        print(f"  {name:26s}" + ", ".join(row))


def robust_z_on_counts() -> None:
    """robust_z's own false alarms on Poisson counts (called past its refusal)."""
    from conflictstats.anomalies import _robust_z

    print("robust_z on Poisson counts (30 x 1,000 days): days flagged per 1,000, "
          "windows 7/28/90 centred and causal")
    for mean in (0.3, 2, 5, 10, 40, 100):
        x = np.random.default_rng(1).poisson(mean, (1000, 30)).astype(float)
        rates = [1000 * _robust_z(x, w, causal=c, min_periods=max(3, (w + 1) // 2),
                                  threshold=None, alpha=0.001)["is_anomaly"].mean()
                 for w in (7, 28, 90) for c in (False, True)]
        print(f"  mean {mean:5g}: " + " ".join(f"{v:6.2f}" for v in rates))


def main() -> None:
    t0 = time.perf_counter()
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if sys.argv[2:] == ["seasonal"]:
        seasonal_detection(reps)
        print(f"({time.perf_counter() - t0:.0f} s)")
        return
    false_alarms(reps)
    change_counts()
    period_level()
    seasonal_detection(reps)
    constant_series()
    robust_z_on_counts()
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
