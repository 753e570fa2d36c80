"""Frozen result dataclasses shared by the statistics modules.

Every summary result (a test, a fit, a verdict) is a frozen dataclass with
typed fields and a ``to_frame()`` that gives a one-row tidy DataFrame, so a
notebook can stack results from many series with :func:`pandas.concat`.
Related tests share field names (``statistic``, ``p_value`` ...), as
pyMannKendall's results do.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

__all__ = ["Result"]


@dataclasses.dataclass(frozen=True)
class Result:
    """Base class of the summary results: frozen fields and ``to_frame()``."""

    def to_dict(self) -> dict[str, Any]:
        """Fields as a plain dict (nested frames and series are kept as they are)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar fields, with snake_case column names."""
        scalars = {
            k: v
            for k, v in self.to_dict().items()
            if not isinstance(v, (pd.Series, pd.DataFrame, list, tuple, dict))
        }
        return pd.DataFrame([scalars])
