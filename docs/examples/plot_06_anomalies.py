"""
Unusual nights
==============

:func:`conflictstats.anomalies` with ``method="count"`` asks how surprising each
night's count is given the previous four weeks (a Poisson or negative-binomial tail);
``causal=True`` uses only earlier nights, as a newsroom would on the day.
:func:`~conflictstats.plotting.mark_anomalies` circles the flagged nights
(``is_anomaly``).
"""

import matplotlib.pyplot as plt

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import add_source, mark_anomalies, plot_series, style

launched = cs.to_daily(datasets.load_demo(), metric="drones_launched")
unusual = cs.anomalies(launched, method="count", causal=True)
print(unusual.loc[unusual["is_anomaly"], ["value", "expected", "p_value"]])

with style():
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    plot_series(launched, ax=ax)
    mark_anomalies(unusual, ax=ax, labels=True)
    ax.set_title("Nights with an unusual number of drones")
    add_source(ax, "conflictstats demo campaign", synthetic=True)
