"""
Daily values and their 7-day average
====================================

:func:`~conflictstats.plotting.plot_series` draws a daily flow as bars with a
trailing mean. A night with no report is a **gap**, not a zero bar, and the mean
leaves it out rather than counting it as a quiet night.
"""

import matplotlib.pyplot as plt

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import add_source, plot_series, style

demo = datasets.load_demo()  # a seeded synthetic campaign; every row says "synthetic"
launched = cs.to_daily(demo, metric="drones_launched")  # overnight reports on their morning date
print("nights without a report:", int(launched.isna().sum()), "of", len(launched))

with style():  # the house style, for this block only
    fig, ax = plt.subplots(figsize=(8, 3.2), layout="constrained")
    plot_series(launched, window="7D", ax=ax)
    ax.set_title("Drones launched per night")
    ax.legend(loc="upper left")
    add_source(ax, "conflictstats demo campaign", synthetic=True)
