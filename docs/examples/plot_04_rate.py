"""
A pooled rate with its interval
===============================

The share of drones shot down over the last 7 days, pooled as the sum shot down over
the sum launched (not the mean of nightly shares), with a 95% Wilson interval:
:func:`conflictstats.rate` with ``window="7D"``. :func:`~conflictstats.plotting.plot_rate`
draws the rate as a line and the interval as a ribbon, in percent.
"""

import matplotlib.pyplot as plt

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import add_source, plot_rate, style

daily = cs.to_daily(datasets.load_demo(), metric=["drones_launched", "drones_shot_down"])
share = cs.rate(daily["drones_shot_down"], daily["drones_launched"], window="7D")
print(share.tail(3))

with style():
    fig, ax = plt.subplots(figsize=(8, 3.2), layout="constrained")
    plot_rate(share, ax=ax, label="shot down / launched, 7 days pooled")
    ax.set_ylim(0, 1)
    ax.set_title("Share of drones shot down")
    ax.legend(loc="lower left")
    add_source(ax, "conflictstats demo campaign", synthetic=True)
