"""
The weekly chart
================

:func:`~conflictstats.plotting.weekly_chart` is the figure that goes into the article:
the nights as bars with their 7-day mean, records labelled and anomalies circled,
the weekly totals beside them (the unfinished week hatched) and, with ``rate=``, the
pooled share shot down with its interval. It draws in the house style and returns
a Figure (save it with ``fig.savefig``).
"""

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import weekly_chart

daily = cs.to_daily(datasets.load_demo(), metric=["drones_launched", "drones_shot_down"])
launched = daily["drones_launched"]
share = cs.rate(daily["drones_shot_down"], launched, window="7D")
found = cs.records(launched, scope="year")
unusual = cs.anomalies(launched, method="count", causal=True)

fig = weekly_chart(
    launched,
    rate=share,
    rate_label="share shot down (7-day pooled)",
    records=found[found["n_compared"] >= 28],
    anomalies=unusual,
    title="Drones launched per night",
    source="conflictstats demo campaign (data/make_demo.py)",
    synthetic=True,
    war_day=True,
)
