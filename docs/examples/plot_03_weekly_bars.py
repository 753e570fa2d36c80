"""
Weekly totals, the unfinished week hatched
==========================================

:func:`conflictstats.period_totals` sums a daily flow over calendar weeks
(``freq="W-SUN"``: Monday to Sunday, labelled by the Sunday) and says whether each
week is complete: every day inside the data and reported.
:func:`~conflictstats.plotting.plot_weekly_bars` hatches the incomplete ones and
writes how many days they hold, so a short week is not read as a quiet one.
"""

import matplotlib.pyplot as plt

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import add_source, plot_weekly_bars, style

launched = cs.to_daily(datasets.load_demo(), metric="drones_launched")
weekly = cs.period_totals(launched, freq="W-SUN")
print(weekly.tail(4))

with style():
    fig, ax = plt.subplots(figsize=(8, 3.2), layout="constrained")
    plot_weekly_bars(weekly.tail(12), ax=ax, label="Monday–Sunday total")
    ax.set_title("Drones launched per week (last 12 weeks)")
    ax.legend(loc="upper left")
    add_source(ax, "conflictstats demo campaign", synthetic=True)
