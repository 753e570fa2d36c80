"""
Two sources of one metric: lag, scale and divergence
=====================================================

Two seeded synthetic trackers count the same nightly launches. Tracker B confirms
about 60% of what tracker A reports, three days later, except for three weeks
(5-25 September) in which it confirms 90%. :func:`conflictstats.reconcile` finds the
lag from the day-to-day changes, the scale with its interval, the usual band of the
weekly ratio and the divergence episode;
:func:`~conflictstats.plotting.plot_reconcile` draws both per week, the band in which
B usually lies given A, and the episode shaded.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import conflictstats as cs
from conflictstats.plotting import add_source, plot_reconcile, style

rng = np.random.default_rng(11)
days = pd.date_range("2024-06-01", "2024-11-30", freq="D", name="date")
a = pd.Series(rng.poisson(50, len(days)).astype(float), index=days, name="tracker A")
a.attrs = {"kind": "flow", "unit": "count"}
share = np.where((days >= "2024-09-05") & (days <= "2024-09-25"), 0.9, 0.6)
# B confirms a share of A's launches of three days before (its first three days unknown)
confirmed = rng.binomial(a.shift(3).fillna(0).astype(int), share).astype(float)
b = pd.Series(confirmed, index=days, name="tracker B").iloc[3:]
b.attrs = {"kind": "flow", "unit": "count"}

result = cs.reconcile(a, b)
print(result.summary())
print(result.episodes)

with style():
    fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
    plot_reconcile(result, ax=ax)
    ax.get_legend().set_loc("upper left")
    ax.get_legend().set_bbox_to_anchor((1.01, 1.0))  # beside the Axes, clear of the data
    ax.set_title("Launches per week, as two trackers count them")
    add_source(ax, "seeded random numbers (true lag 3 days, scale 0.6; 0.9 from 5 to 25 "
                   "Sep)", synthetic=True)
