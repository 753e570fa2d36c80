"""conflictstats: honest daily series and statistics from the figures of war reporting.

Reported figures ("Of 188 drones used overnight, Ukraine shot down 76") become a
tidy table of observations (:func:`read_observations`), then daily series
(:func:`to_daily`), then rates with their uncertainty, trends, anomalies, change
points and records, and finally the weekly chart.

Public names are loaded on first use, so ``import conflictstats`` stays fast:
statsmodels, scipy.stats and matplotlib are imported only by the functions that
need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it.  One line per public name, grouped by module.
_EXPORTS: dict[str, str] = {
    # errors and warnings
    "ConflictStatsError": "errors",
    "InputError": "errors",
    "InputTypeError": "errors",
    "MissingKeyError": "errors",
    "KindError": "errors",
    "PeriodError": "errors",
    "ObservationError": "errors",
    "DataWarning": "errors",
    # observations.py
    "OBSERVATION_COLUMNS": "observations",
    "OPTIONAL_COLUMNS": "observations",
    "read_observations": "observations",
    "ObservationTable": "observations",
    "screen_observations": "observations",
    # quantities.py
    "parse_quantity": "quantities",
    "Quantity": "quantities",
    "convert_units": "quantities",
    "convert_currency": "quantities",
    # calendar.py
    "war_day": "calendar",
    "war_date": "calendar",
    # daily.py
    "to_daily": "daily",
    "daily_trace": "daily",
    "DailyTrace": "daily",
    "level_changes": "daily",
    "flag_reasons": "daily",
    # rates.py
    "rate": "rates",
    "outcome_shares": "rates",
    "compare_rates": "rates",
    "compare_periods": "rates",
    "pace": "rates",
    "pace_ratio": "rates",
    "RateResult": "results",
    "RateComparison": "results",
    "PaceResult": "results",
    "PaceRatio": "results",
    # trends.py
    "period_totals": "trends",
    "period_change": "trends",
    "rolling": "trends",
    "mann_kendall": "trends",
    "theil_sen": "trends",
    "decompose": "trends",
    "lowess": "trends",
    "TrendTest": "results",
    "TheilSenFit": "results",
    # anomalies.py
    "anomalies": "anomalies",
    "changepoints": "anomalies",
    "generalized_esd": "anomalies",
    "GeneralizedESDResult": "results",
    # records.py
    "records": "records",
    "RECORD_COLUMNS": "records",
    "highest_since": "records",
    "lowest_since": "records",
    "period_flags": "records",
    "record_indicators": "records",
    "record_counts": "records",
    "record_test": "records",
    "RecordTestResult": "results",
    # report.py
    "weekly_report": "report",
    "WeeklyReport": "report",
    # claims.py
    "check_claim": "claims",
    "ClaimCheck": "results",
    # reconcile.py
    "reconcile": "reconcile",
    "Reconciliation": "reconcile",
    "revisions": "reconcile",
    "Revisions": "reconcile",
}

# Submodules reachable as attributes: conflictstats.sources, conflictstats.plotting ...
_SUBMODULES = {
    "datasets", "sources", "plotting", "report", "results",
    "observations", "quantities", "calendar", "daily", "rates", "trends",
    "claims", "errors", "dask",
}

__all__ = sorted(_EXPORTS)

# ``records`` and ``anomalies`` are functions named like the modules that define
# them. Importing them here, once, makes the package attribute the function: the
# import system binds a submodule to its package only when it first loads it.
from .anomalies import anomalies  # noqa: E402
from .reconcile import reconcile  # noqa: E402
from .records import records  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .anomalies import anomalies, changepoints, generalized_esd
    from .calendar import war_date, war_day
    from .claims import check_claim
    from .daily import DailyTrace, daily_trace, flag_reasons, level_changes, to_daily
    from .errors import (
        ConflictStatsError,
        DataWarning,
        InputError,
        InputTypeError,
        KindError,
        MissingKeyError,
        ObservationError,
        PeriodError,
    )
    from .observations import (
        OBSERVATION_COLUMNS,
        OPTIONAL_COLUMNS,
        ObservationTable,
        read_observations,
        screen_observations,
    )
    from .quantities import Quantity, convert_currency, convert_units, parse_quantity
    from .rates import (
        compare_periods,
        compare_rates,
        outcome_shares,
        pace,
        pace_ratio,
        rate,
    )
    from .reconcile import Reconciliation, Revisions, reconcile, revisions
    from .records import (
        RECORD_COLUMNS,
        highest_since,
        lowest_since,
        period_flags,
        record_counts,
        record_indicators,
        record_test,
        records,
    )
    from .report import WeeklyReport, weekly_report
    from .results import (
        ClaimCheck,
        GeneralizedESDResult,
        PaceRatio,
        PaceResult,
        RateComparison,
        RateResult,
        RecordTestResult,
        TheilSenFit,
        TrendTest,
    )
    from .trends import (
        decompose,
        lowess,
        mann_kendall,
        period_change,
        period_totals,
        rolling,
        theil_sen,
    )


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'conflictstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | _SUBMODULES)
