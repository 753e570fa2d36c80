"""Benchmark: conflictstats.changepoints -- speed against ruptures, and its defaults.

Run:  .venv/bin/python benchmarks/bench_changepoints.py [replicates]

1. Speed: a 1,500-day series with known level shifts.  Both detectors get the
   same penalty (a float: the BIC value ``2 sigma^2 log n``, sigma from
   Hall-Kay-Titterington differences), ``min_size=2`` and ``jump=1``; the
   breakpoints must be identical.  Target: at least 10x faster.
2. Defaults on seeded simulations (``replicates`` series each, default 200),
   with standard errors: changes found per 500 days with no change (white,
   AR(1), trend); an escalation of five 180-day levels (15, 25, 82, 150, 229 a
   day, as the drone launches' half-years) found within 5 days; single
   ten-sd spikes (no regime of their own).
3. The public war series in ../shared/data (run from the repository root),
   when present: the dates found with the defaults.
The figures in the Notes of ``changepoints`` come from this script.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import lfilter

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


def speed() -> None:
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


def daily(x: np.ndarray) -> pd.Series:
    return pd.Series(x, index=pd.date_range("2024-01-01", periods=len(x), name="date"))


def found_at(x: np.ndarray) -> np.ndarray:
    s = daily(x)
    return np.array([s.index.get_loc(d) for d in changepoints(s)["date"]], dtype=int)


def mean_se(v: list[float]) -> str:
    a = np.asarray(v, dtype=float)
    return f"{a.mean():.3f} (se {a.std(ddof=1) / np.sqrt(len(a)):.3f})"


def no_change(reps: int) -> None:
    print(f"\nchanges per 500 days with no change ({reps} series each)")
    t = np.arange(500)
    for kind in ("white", "ar_0.5", "ar_0.9", "trend", "trend_ar_0.5"):
        rng = np.random.default_rng(11)
        counts = []
        for _ in range(reps):
            if kind == "white":
                x = rng.normal(0, 1, 500)
            elif kind.startswith("ar"):
                x = lfilter([1], [1, -float(kind.split("_")[1])], rng.normal(0, 1, 700))[200:]
            elif kind == "trend":
                x = 0.02 * t + rng.normal(0, 1, 500)
            else:
                x = 0.02 * t + lfilter([1], [1, -0.5], rng.normal(0, 1, 700))[200:]
            counts.append(len(found_at(x)))
        print(f"  {kind:13s} {mean_se(counts)}")


def escalation(reps: int) -> None:
    print(f"\nescalation 15 -> 25 -> 82 -> 150 -> 229 a day, 180 days each ({reps} series)")
    truth = np.array([180, 360, 540, 720])
    level = np.repeat([15.0, 25.0, 82.0, 150.0, 229.0], 180)
    for law in ("poisson", "negative binomial (size 5)"):
        rng = np.random.default_rng(12)
        recall, precision, n_found = [], [], []
        for _ in range(reps):
            x = (rng.poisson(level) if law == "poisson"
                 else rng.negative_binomial(5, 5 / (5 + level))).astype(float)
            f = found_at(x)
            hit_t = [bool(len(f)) and np.abs(f - c).min() <= 5 for c in truth]
            hit_f = [np.abs(truth - c).min() <= 5 for c in f]
            recall.append(np.mean(hit_t))
            precision.append(np.mean(hit_f) if len(f) else 1.0)
            n_found.append(len(f))
        print(f"  {law:27s} steps found within 5 days {mean_se(recall)}; "
              f"precision {mean_se(precision)}; changes {mean_se(n_found)}")


def spikes(reps: int) -> None:
    print(f"\nfive single spikes of 10 sd in 600 days of N(100, 15) ({reps} series)")
    rng = np.random.default_rng(13)
    none, shortest = [], []
    for _ in range(reps):
        x = rng.normal(100, 15, 600)
        x[rng.choice(np.arange(20, 580), 5, replace=False)] += 150
        f = found_at(x)
        none.append(float(len(f) == 0))
        shortest.append(np.diff(np.r_[0, f, 600]).min())
    print(f"  no change: {mean_se(none)}; shortest segment: min {min(shortest)} days")


def real_series() -> None:
    data = Path("../shared/data")
    attacks = data / "massive_missile_attacks" / "missile_attacks_daily.csv"
    if not attacks.exists():
        print(f"\n{data}: not found, the real series are skipped")
        return
    import conflictstats as cs
    from conflictstats.sources import read_deepstate_area, read_missile_attacks
    from conflictstats.sources._liveuamap import read_liveuamap_territory

    cols = ["date", "before_start", "after_end", "mean_before", "mean_after"]
    obs = read_missile_attacks(attacks)
    drones = cs.to_daily(obs[obs["category"] == "drone"], metric=["launched", "destroyed"],
                         conflict="sum")
    launched = drones["launched"]
    print("\ndrones launched per night, half-year means:",
          launched.resample("6MS").mean().round(0).tolist())
    for model in ("l2", "poisson"):
        print(f"  model={model!r}:")
        print(cs.changepoints(launched, model=model)[cols].round({"mean_before": 1, "mean_after": 1}).to_string())
    share = (drones["destroyed"] / drones["launched"]).rename("share_destroyed")
    print("  share destroyed:")
    print(cs.changepoints(share)[cols].round({"mean_before": 3, "mean_after": 3}).to_string())
    area_file = data / "deepstate_area" / "deepstate_occupied_area_daily.csv"
    if area_file.exists():
        obs = read_deepstate_area(area_file)
        area = cs.to_daily(obs[obs["metric"] == "occupied_area"], metric="occupied_area")
        cp = cs.changepoints(area)
        print(f"\nDeepState occupied area (a level: its daily change), {cp.attrs['noise']}")
        print(cp[cols].round({"mean_before": 1, "mean_after": 1}).to_string())
    live_file = data / "liveuamap_territory" / "territory.csv"
    if live_file.exists():
        live = cs.to_daily(read_liveuamap_territory(live_file), metric="occupied_area")
        cp = cs.changepoints(live)
        print(f"\nLiveuamap area (a level: its daily change): {len(cp)} changes")
        print(cp[cols].round({"mean_before": 1, "mean_after": 1}).to_string())


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    speed()
    no_change(reps)
    escalation(reps)
    spikes(reps)
    real_series()


if __name__ == "__main__":
    main()
