"""
Records, labelled "largest since ..."
=====================================

:func:`conflictstats.records` lists every night that beat all earlier nights of its
scope (here each calendar year), with the record it broke and ``since``: the last
earlier night at least as high. :func:`~conflictstats.plotting.mark_records` marks
them on the daily chart; the first nights of the data are records only trivially,
so we keep those compared with at least four weeks of history.
"""

import matplotlib.pyplot as plt

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import add_source, mark_records, plot_series, style

launched = cs.to_daily(datasets.load_demo(), metric="drones_launched")
found = cs.records(launched, scope="year")
found = found[found["n_compared"] >= 28]
print(found[["date", "value", "previous_value", "previous_date", "n_compared"]])

with style():
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    plot_series(launched, ax=ax)
    mark_records(found, ax=ax)
    ax.set_title("Record nights of 2024")
    add_source(ax, "conflictstats demo campaign", synthetic=True)
