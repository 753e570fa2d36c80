"""The report's stated thresholds and the columns of ``facts.csv``."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

#: Reported days a metric needs to be treated as a series rather than single figures.
MIN_SERIES_DAYS = 14


#: Without a reader's declaration, flows of up to this many entities are reported
#: entity by entity; more (donors) are summed.
MAX_ENTITIES_APART = 3


#: A count series whose week total is below this gets no sentence of its own.
MIN_WEEK_COUNT = 10


#: A rate needs at least this many trials (its denominator) in the week.
MIN_RATE_BASE = 30


#: A series that began fewer than this many days before the week's end is "short": its
#: "on record" sentences say when it began.
SHORT_SERIES_DAYS = 2 * 365


#: A percentage change is printed only on a previous total at least this large
#: (below it the sentence says "up from 7 to 123").
MIN_PCT_BASE = 20


#: A per-reported-day comparison needs at least this many reported days in each week.
MIN_DAYS_PER_DAY_COMPARISON = 4


#: "A record for 2025" needs this many earlier weeks of that year to compare with.
MIN_YEAR_WEEKS = 4


#: "Highest since" is said only when the last higher week is more than this many days back.
SINCE_MIN_DAYS = 28


#: Outcome metrics whose share of a ``*launched`` metric is reported as a rate
#: (observation tables without a reader's declaration).
OUTCOMES = ("shot_down", "destroyed", "lost_track", "not_reach_goal", "intercepted",
            "suppressed")


#: Metrics of a launched metric's family that get no sentence or chart of their own
#: without a reader's declaration (they appear in the rate lines).
SECONDARY = ("still_attacking", "border_crossing", "unaccounted")


#: Currency all money is converted to (ECB reference rate of each report's end date).
REPORT_CURRENCY = "EUR"


#: Columns of the facts table (``facts.csv``).
FACT_COLUMNS = (
    "dataset", "series", "metric", "group", "fact", "week", "date", "value", "unit",
    "lower", "upper", "numerator", "denominator", "previous_value", "previous_date",
    "change", "pct_change", "comparison", "completeness", "n_reported", "n_days",
    "complete", "method", "source", "caveats", "synthetic", "text",
)


Progress = Callable[[str], None]


_DAY = pd.Timedelta(days=1)


#: A daily flow reported on fewer than this share of the days of its last half year is
#: too sparse to chart (cruise and ballistic missiles, reported on attack days only).
MIN_CHART_DAY_SHARE = 0.5
