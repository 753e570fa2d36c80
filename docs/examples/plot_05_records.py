"""
Records, labelled "largest since ..."
=====================================

:func:`conflictstats.records` lists every night that beat all earlier nights of its
scope, with the record it broke and ``since``: the last earlier night, in any scope, at
least as high (none for an all-time high). Here the scope is the calendar month, and we
keep the records set after two weeks of the month. :func:`~conflictstats.plotting.mark_records`
labels an all-time high "record" and any other record "largest since" its ``since`` date.
"""

import matplotlib.pyplot as plt

import conflictstats as cs
from conflictstats import datasets
from conflictstats.plotting import add_source, mark_records, plot_series, style

launched = cs.to_daily(datasets.load_demo(), metric="drones_launched")
found = cs.records(launched, scope="month")
found = found[found["n_compared"] >= 14]
print(found[["scope", "date", "value", "previous_value", "since", "n_compared"]])

with style():
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    plot_series(launched, ax=ax)
    mark_records(found, ax=ax)
    ax.set_title("Records of the month (set after two weeks of it)")
    add_source(ax, "conflictstats demo campaign", synthetic=True)
