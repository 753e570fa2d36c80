"""
A level with gaps, on a war-day axis
====================================

A **level** (the occupied area, a stock as of the day it was reported) is known only
on the days it was reported. ``plot_series(kind="level")`` draws the reported values
as points joined by a line, with no bars and no mean;
:func:`~conflictstats.plotting.war_day_axis` adds the count of days since 24 February
2022 on top, as war reporting dates things ("day 1,000").
"""

import matplotlib.pyplot as plt

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import add_source, plot_series, style, war_day_axis

area = cs.to_daily(datasets.load_demo(), metric="occupied_area")
print(area.attrs)  # to_daily records the kind and unit
print("days with a reported level:", int(area.notna().sum()), "of", len(area))

with style():
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    plot_series(area, ax=ax)  # the kind comes from area.attrs["kind"] == "level"
    war_day_axis(ax)
    ax.set_ylabel("km²")
    ax.set_title("Occupied area (a level: known only where reported)", pad=28)
    add_source(ax, "conflictstats demo campaign", synthetic=True)
