"""
A panel of several metrics
==========================

Given a DataFrame, :func:`~conflictstats.plotting.weekly_chart` draws up to four
metrics, each with its daily and weekly panels; records, anomalies and change points
are then passed as dicts keyed by metric.
"""

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import weekly_chart

daily = cs.to_daily(
    datasets.load_demo(), metric=["drones_launched", "drones_shot_down", "drones_lost_track"]
)
last_months = daily.loc["2024-09-01":]
unusual = {m: cs.anomalies(last_months[m], method="count", causal=True) for m in last_months}

fig = weekly_chart(
    last_months,
    anomalies=unusual,
    title="Drones launched, shot down and lost track of",
    source="conflictstats demo campaign",
    synthetic=True,
)
