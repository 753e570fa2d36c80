"""
The house style and its palette
===============================

:func:`~conflictstats.plotting.style` is a ``with`` block that draws in the house
style: the colour-blind-safe Okabe–Ito palette (:data:`~conflictstats.plotting.PALETTE`),
DejaVu Sans, light horizontal grid lines and no top or right spine. Settings return
to what they were when the block ends. The helpers never change global settings.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from conflictstats.plotting import PALETTE, add_source, style

rng = np.random.default_rng(7)
days = pd.date_range("2024-09-01", periods=90, freq="D")

with style():
    fig, (swatches, lines) = plt.subplots(
        1, 2, figsize=(9, 3.2), layout="constrained", width_ratios=[1, 2]
    )
    names = list(PALETTE)
    swatches.barh(names, [1] * len(names), color=[PALETTE[n] for n in names])
    swatches.invert_yaxis()
    swatches.set_xticks([])
    swatches.grid(False)
    swatches.set_title("PALETTE")
    for k in range(5):  # the colour cycle, in order
        lines.plot(days, np.cumsum(rng.normal(0.3, 1, len(days))) + 8 * k, label=f"series {k + 1}")
    lines.set_title("The colour cycle")
    lines.legend(ncols=5, loc="upper left", fontsize=7)
    add_source(lines, "seeded random walks", synthetic=True)
