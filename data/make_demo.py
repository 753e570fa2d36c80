"""Write the seeded synthetic demonstration campaign, ``data/demo_campaign.csv``.

Every number in the file is made up.  It exists so that the bundled data shows
every feature of conflictstats without a network: nightly drone attacks with
interceptions and a regime change, a territory level series with gaps, and
monthly aid in several currencies.  Every row carries the source
``synthetic demo (conflictstats)`` so that charts and summaries can label it.

Run from the repository root (the output is identical byte for byte on every run)::

    python data/make_demo.py            # writes data/demo_campaign.csv
    python data/make_demo.py --out x.csv

What is in it (ground truth, so that tests and notebooks can check the methods):

``drones_launched``, ``drones_shot_down``, ``drones_lost_track`` (count, flow)
    One row each per overnight window, 19:00 to 08:00 the next morning, for the
    nights ending 2024-06-01 to 2024-11-30.  Launches are negative binomial
    (dispersion ``NB_SIZE``) around a mean rising linearly from 30 to 60 a night,
    multiplied by ``REGIME_FACTOR`` from the night ending ``REGIME_DATE`` on.  A few
    nights are set to successive records (``RECORD_NIGHTS``); the last, 188
    launched, 76 shot down and 96 lost track on the night ending 2024-11-26,
    mirrors the figures reported that day.  Shot down is binomial out of launched,
    lost track binomial out of the rest, so shot down <= launched and
    lost track <= launched - shot down.  About 3% of nights have no report at all
    and about 5% more have no lost-track figure.
``occupied_area`` (km2, level)
    The area held by the attacker as of 10:00, reported on about 85% of days
    (single missing days and a few runs of missing days).  The daily gain is gamma
    distributed with a mean rising from 5 to 31 km2 a day (tens to about 200 km2
    a week), rounded to 0.1 km2.
``aid_allocated`` (currency, flow)
    One row per donor and month (start on the first, end on the last day of the
    month), in the donor's currency; a donor does not allocate every month.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SEED", "SOURCE", "build", "main"]

SEED = 20241126
SOURCE = "synthetic demo (conflictstats)"
FIRST_NIGHT = "2024-06-01"  # the morning (end) date of the first overnight window
LAST_NIGHT = "2024-11-30"
NB_SIZE = 6.0
REGIME_DATE = "2024-09-09"
REGIME_FACTOR = 1.5
#: morning date -> (launched, shot down, lost track); each launch count is a record.
RECORD_NIGHTS: dict[str, tuple[int, int, int]] = {
    "2024-07-21": (112, 61, 38),
    "2024-09-10": (131, 70, 45),
    "2024-11-10": (145, 62, 67),
    "2024-11-26": (188, 76, 96),
}
AREA_START = 108_350.0  # km2 held on the day before the first report
#: donor -> (entity, currency, typical monthly amount, chance of an allocation in a month)
DONORS: dict[str, tuple[str, str, float, float]] = {
    "norway": ("Norway", "NOK", 1.4e9, 0.85),
    "germany": ("Germany", "EUR", 6.5e8, 0.9),
    "united_states": ("United States", "USD", 2.1e9, 0.8),
    "united_kingdom": ("United Kingdom", "GBP", 2.5e8, 0.75),
    "european_union": ("European Union", "EUR", 1.5e9, 0.7),
}

COLUMNS = ["metric", "value", "unit", "start", "end", "kind", "qualifier", "entity", "source"]


def _nights(rng: np.random.Generator) -> pd.DataFrame:
    mornings = pd.date_range(FIRST_NIGHT, LAST_NIGHT, freq="D")
    n = len(mornings)
    t = np.linspace(0.0, 1.0, n)
    mean = 30.0 + 30.0 * t
    mean = np.where(mornings >= pd.Timestamp(REGIME_DATE), mean * REGIME_FACTOR, mean)
    p = NB_SIZE / (NB_SIZE + mean)
    launched = rng.negative_binomial(NB_SIZE, p).astype(np.int64)
    # interceptions fall and losses to electronic warfare rise over the campaign
    p_down = 0.62 - 0.2 * t
    shot = rng.binomial(launched, p_down)
    p_lost = 0.25 + 0.45 * t
    lost = rng.binomial(launched - shot, p_lost)

    # the record nights: every other night stays below the last record before it
    rec_dates = pd.DatetimeIndex(list(RECORD_NIGHTS))
    rec_values = np.array(list(RECORD_NIGHTS.values()), dtype=np.int64)
    pos = mornings.get_indexer(rec_dates)
    # ceiling for each night: the latest record at or before it (minus one), or the first record
    prior = np.searchsorted(pos, np.arange(n), side="right") - 1
    ceiling = np.where(prior >= 0, rec_values[np.maximum(prior, 0), 0] - 1, rec_values[0, 0] - 1)
    scale = np.minimum(1.0, ceiling / np.maximum(launched, 1))
    launched = np.floor(launched * scale).astype(np.int64)
    shot = np.minimum(np.floor(shot * scale).astype(np.int64), launched)
    lost = np.minimum(np.floor(lost * scale).astype(np.int64), launched - shot)
    launched[pos], shot[pos], lost[pos] = rec_values[:, 0], rec_values[:, 1], rec_values[:, 2]

    no_report = rng.random(n) < 0.03
    no_lost = (rng.random(n) < 0.05) & ~no_report
    # record nights and the first and last nights are always reported
    for mask in (no_report, no_lost):
        mask[pos] = False
        mask[[0, -1]] = False

    starts = (mornings - pd.Timedelta(days=1) + pd.Timedelta(hours=19)).strftime("%Y-%m-%d %H:%M")
    ends = (mornings + pd.Timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    frames = []
    for metric, values, skip in (
        ("drones_launched", launched, no_report),
        ("drones_shot_down", shot, no_report),
        ("drones_lost_track", lost, no_report | no_lost),
    ):
        keep = ~skip
        frames.append(pd.DataFrame({
            "metric": metric,
            "value": values[keep].astype(str),
            "unit": "count",
            "start": starts[keep],
            "end": ends[keep],
            "kind": "flow",
            "qualifier": "exact",
            "entity": "Ukraine",
            "source": SOURCE,
            "_order": np.flatnonzero(keep),
        }))
    return pd.concat(frames, ignore_index=True)


def _area(rng: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range(FIRST_NIGHT, LAST_NIGHT, freq="D")
    n = len(days)
    t = np.linspace(0.0, 1.0, n)
    mean_gain = 5.0 + 26.0 * t**1.5
    shape = 2.0
    gain = rng.gamma(shape, mean_gain / shape)
    level = np.round(AREA_START + np.cumsum(gain), 1)
    reported = rng.random(n) < 0.88
    for run_start in rng.choice(np.arange(10, n - 10), size=3, replace=False):
        reported[run_start: run_start + int(rng.integers(3, 7))] = False
    reported[-1] = True
    stamps = (days + pd.Timedelta(hours=10)).strftime("%Y-%m-%d %H:%M")
    return pd.DataFrame({
        "metric": "occupied_area",
        "value": [f"{v:.1f}" for v in level[reported]],
        "unit": "km2",
        "start": stamps[reported],
        "end": stamps[reported],
        "kind": "level",
        "qualifier": "exact",
        "entity": "Ukraine",
        "source": SOURCE,
        "_order": np.flatnonzero(reported),
    })


def _aid(rng: np.random.Generator) -> pd.DataFrame:
    months = pd.date_range(FIRST_NIGHT, LAST_NIGHT, freq="MS")
    rows = []
    for i, first in enumerate(months):
        last = first + pd.offsets.MonthEnd(0)
        for entity, currency, typical, chance in DONORS.values():
            if rng.random() >= chance:
                continue
            amount = typical * rng.lognormal(0.0, 0.5)
            value = int(round(amount, -6))  # reported to the million
            rows.append({
                "metric": "aid_allocated",
                "value": str(value),
                "unit": currency,
                "start": first.strftime("%Y-%m-%d"),
                "end": last.strftime("%Y-%m-%d"),
                "kind": "flow",
                "qualifier": "about" if rng.random() < 0.2 else "exact",
                "entity": entity,
                "source": SOURCE,
                "_order": i,
            })
    return pd.DataFrame(rows)


def build(seed: int = SEED) -> pd.DataFrame:
    """The demonstration campaign as an observation table of strings, in file order."""
    rng = np.random.default_rng(seed)
    nights = _nights(rng)
    area = _area(rng)
    aid = _aid(rng)
    out = pd.concat([nights, area, aid], ignore_index=True)
    # chronological by end, then a fixed metric order: the file reads like a log
    order = {"drones_launched": 0, "drones_shot_down": 1, "drones_lost_track": 2,
             "occupied_area": 3, "aid_allocated": 4}
    out["_metric_order"] = out["metric"].map(order)
    out = out.sort_values(["end", "_metric_order", "entity"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)


def main(argv: list[str] | None = None) -> Path:
    """Write the CSV (``--out``, default ``demo_campaign.csv`` beside this script)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("demo_campaign.csv"))
    args = parser.parse_args(argv)
    table = build()
    os.makedirs(args.out.parent, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        table.to_csv(fh, index=False, lineterminator="\n")
    return Path(args.out)


if __name__ == "__main__":
    main()
