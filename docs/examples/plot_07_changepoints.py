"""
Change points as shaded segments
================================

A seeded synthetic series with two known changes of level (40 a night, then 70 from
1 August, then 55 from 1 October). :func:`conflictstats.changepoints` (PELT with a
Poisson cost) finds where the level changed;
:func:`~conflictstats.plotting.shade_segments` shades every other segment and draws
each segment's mean.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import conflictstats as cs
from conflictstats.plotting import add_source, plot_series, shade_segments, style

rng = np.random.default_rng(2024)
days = pd.date_range("2024-06-01", "2024-11-30", freq="D", name="date")
mean = np.select([days < "2024-08-01", days < "2024-10-01"], [40.0, 70.0], 55.0)
nightly = pd.Series(rng.poisson(mean).astype(float), index=days, name="drones_launched")
nightly.attrs = {"kind": "flow", "unit": "count"}

found = cs.changepoints(nightly, model="poisson")
print(found)

with style():
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    plot_series(nightly, window=None, ax=ax)
    shade_segments(found, ax=ax, span=(days[0], days[-1]))
    ax.set_title("Drones launched per night, with the regimes found")
    add_source(ax, "seeded random numbers (true changes on 1 Aug and 1 Oct)", synthetic=True)
