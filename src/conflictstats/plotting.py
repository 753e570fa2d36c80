"""Charts for reported figures: Axes-level helpers and the weekly chart.

Every helper follows one pattern, ``fn(data, *, ax=None, ..., <part>_kws=None) ->
Axes``: it draws on ``ax`` (the current Axes when none is given), returns the Axes
it drew on, never calls ``show()`` and never changes global settings.  Statistics
(rates, records, anomalies, change points) are computed before plotting and passed
in; the helpers only draw them.  The one figure-level function,
:func:`weekly_chart`, composes the helpers for one metric or a small panel.

The house style is a context manager, :func:`style`, built on
:func:`matplotlib.rc_context`: a colour-blind-safe palette (Okabe and Ito, 2008;
:data:`PALETTE`), DejaVu Sans, light horizontal grid lines, no top or right spine.
:func:`weekly_chart` draws inside it; nothing changes outside it.

Matplotlib is imported inside the functions, so ``import conflictstats.plotting``
stays fast.

References
----------
Okabe, M. and Ito, K. (2008). *Color Universal Design (CUD): how to make figures
and presentations that are friendly to colorblind people.* J*FLY.
https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ._kinds import recorded_kind, resolve_kind
from ._periods import parse_freq, parse_window
from ._validate import as_frame, as_series, as_timestamp, check_choice
from .errors import InputError, InputTypeError, MissingKeyError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "add_source",
    "mark_anomalies",
    "mark_records",
    "plot_rate",
    "plot_reconcile",
    "plot_series",
    "plot_weekly_bars",
    "shade_segments",
    "style",
    "war_day_axis",
    "weekly_chart",
]

#: The Okabe-Ito colour-blind-safe palette, by name, in the order of the style's
#: colour cycle.  ``bar`` and ``line`` are the roles used by the helpers.
PALETTE: Mapping[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#7F7F7F",
    "bar": "#56B4E9",
    "line": "#0072B2",
    "highlight": "#D55E00",
}

_CYCLE = ("blue", "orange", "green", "vermillion", "sky_blue", "reddish_purple", "black")

_STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10.0,
    "axes.titlesize": 11.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.5,
    "axes.labelcolor": "#333333",
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.7,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "figure.titlesize": 13.0,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "hatch.color": "#555555",
    "hatch.linewidth": 0.8,
}


@contextlib.contextmanager
def style(**overrides: Any) -> Iterator[None]:
    """Draw in the conflictstats house style inside a ``with`` block.

    Parameters
    ----------
    **overrides
        rcParams to set on top of the house style (use underscores or dots:
        ``style(font_size=12)`` or ``style(**{"font.size": 12})``).

    Notes
    -----
    A thin wrapper over :func:`matplotlib.rc_context`: global settings are restored
    when the block ends.  The colour cycle is the Okabe-Ito palette
    (:data:`PALETTE`); fonts are DejaVu Sans, which ships with matplotlib, so charts
    look the same on every machine.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from conflictstats.plotting import style
    >>> before = plt.rcParams["font.family"]
    >>> with style():
    ...     fig, ax = plt.subplots()   # drawn in the house style
    >>> plt.rcParams["font.family"] == before
    True
    >>> plt.close(fig)
    """
    import matplotlib as mpl
    from cycler import cycler

    rc = dict(_STYLE)
    rc["axes.prop_cycle"] = cycler(color=[PALETTE[c] for c in _CYCLE])
    for key, value in overrides.items():
        rc[key if "." in key else key.replace("_", ".", 1)] = value
    with mpl.rc_context(rc):  # type: ignore[arg-type]
        yield


# --------------------------------------------------------------------------- helpers


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.gca()


def _kws(defaults: Mapping[str, Any], user: Mapping[str, Any] | None) -> dict[str, Any]:
    out = dict(defaults)
    if user:
        out.update(user)
    return out


def _date_axis(ax: Axes) -> None:
    """Readable dates at any span: automatic ticks, concise labels."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _x(index: pd.DatetimeIndex) -> np.ndarray:
    """Dates as numpy datetime64 (matplotlib converts any unit)."""
    return np.asarray(index.to_numpy())


def _step_days(index: pd.DatetimeIndex) -> float:
    if len(index) < 2:
        return 1.0
    d = np.diff(index.to_numpy()) / np.timedelta64(1, "D")
    return float(np.median(d))


def _dated(frame: pd.DataFrame, *, name: str, required: tuple[str, ...]) -> pd.DataFrame:
    """A table with a ``date`` column or DatetimeIndex -> DatetimeIndex named date."""
    if not isinstance(frame, pd.DataFrame):
        raise InputTypeError(f"{name} must be a DataFrame; got {type(frame).__name__}")
    out = frame
    if "date" in out.columns:
        out = out.set_index("date")
    if not isinstance(out.index, pd.DatetimeIndex):
        try:
            out = out.set_axis(pd.DatetimeIndex(pd.to_datetime(out.index)), axis=0)
        except (TypeError, ValueError) as exc:
            raise InputTypeError(
                f"{name} needs a 'date' column or a DatetimeIndex; "
                f"got index of type {type(frame.index).__name__}"
            ) from exc
    missing = [c for c in required if c not in out.columns]
    if missing:
        raise MissingKeyError(
            f"{name}: column {missing[0]!r} not found; columns are {list(frame.columns)}"
        )
    return out


def _unit(series: pd.Series | pd.DataFrame, column: Any = None) -> str | None:
    attrs = series.attrs
    if column is not None and isinstance(attrs.get("units"), Mapping):
        return attrs["units"].get(column)
    unit = attrs.get("unit")
    return unit if isinstance(unit, str) else None


# --------------------------------------------------------------------------- series


def plot_series(
    series: pd.Series,
    *,
    window: str | int | None = "7D",
    kind: str | None = None,
    ax: Axes | None = None,
    label: str | None = None,
    bar_kws: Mapping[str, Any] | None = None,
    line_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """Daily (or weekly) values as bars with a trailing rolling-mean line.

    Parameters
    ----------
    series : Series
        Values on a sorted DatetimeIndex (usually daily from
        :func:`conflictstats.to_daily`).  NaN (no report) is drawn as a gap, never
        as a zero bar.
    window : str, int or None, default "7D"
        Window of the trailing mean line, in whole days; None for no line.
    kind : {"flow", "level"}, optional
        ``flow`` draws bars and the rolling mean; ``level`` draws the reported
        levels as points joined by a line (no bars, no mean).  Default: the
        series' ``attrs["kind"]``, else ``flow``.
    ax : Axes, optional
        Where to draw; the current Axes by default.
    label : str, optional
        Legend label of the bars (default: the series name).
    bar_kws, line_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.bar` and
        :meth:`~matplotlib.axes.Axes.plot`.

    Returns
    -------
    Axes
        The Axes drawn on: one bar per non-missing value and, with ``window``,
        one line.

    Notes
    -----
    The line at day :math:`t` is the mean of the values reported in the
    ``window`` days ending on :math:`t`, :math:`\\bar x_t = \\frac{1}{n_t}
    \\sum_{s \\in (t-w, t],\\, x_s \\ne \\mathrm{NaN}} x_s`, shown only where at
    least half the window (rounded up) was reported.  Missing days are left out of
    the mean, not counted as zeros.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from conflictstats.plotting import plot_series
    >>> s = pd.Series([5.0, 8, None, 7, 9, 12, 10, 11],
    ...               index=pd.date_range("2024-11-01", periods=8), name="drones_launched")
    >>> fig, ax = plt.subplots()
    >>> ax = plot_series(s, window="3D")
    >>> len(ax.patches), len(ax.lines)     # the missing day has no bar
    (7, 1)
    >>> plt.close(fig)
    """
    s = as_series(series, name="series")
    ax = _axes(ax)
    kind = resolve_kind(series, kind, default="flow", what="plot_series")
    x = pd.DatetimeIndex(s.index)
    ok = s.notna().to_numpy()
    name = label if label is not None else (str(s.name) if s.name is not None else None)
    if kind == "level":
        ax.plot(
            _x(x[ok]),
            s.to_numpy()[ok],
            **_kws({"color": PALETTE["line"], "marker": "o", "markersize": 2.5,
                    "linewidth": 1.4, "label": name}, line_kws),
        )
        _date_axis(ax)
        return ax
    width = 0.8 * _step_days(x)
    ax.bar(
        _x(x[ok]),
        s.to_numpy()[ok],
        **_kws({"width": width, "color": PALETTE["bar"], "linewidth": 0, "label": name},
               bar_kws),
    )
    if window is not None:
        _mean_line(s, window, ax=ax, line_kws=line_kws)
    _date_axis(ax)
    return ax


def _mean_line(s: pd.Series, window: str | int, *, ax: Axes,
               line_kws: Mapping[str, Any] | None = None) -> None:
    """The trailing mean line of :func:`plot_series` (NaN days left out of the mean)."""
    x = pd.DatetimeIndex(s.index)
    days = parse_window(window).days or 1
    # on a daily grid the line needs half the window reported; coarser data, one value
    need = math.ceil(days / 2) if _step_days(x) <= 1 else 1
    mean = s.rolling(f"{days}D", min_periods=need).mean()
    ax.plot(
        _x(x),
        mean.to_numpy(),
        **_kws({"color": PALETTE["line"], "linewidth": 2.0,
                "label": f"{days}-day average"}, line_kws),
    )


# --------------------------------------------------------------------------- weekly


def _period_totals(series: pd.Series, anchor: str) -> pd.DataFrame:
    """Weekly totals of a daily flow, by :func:`conflictstats.trends.period_totals`."""
    from .trends import period_totals

    return period_totals(series, freq=anchor, kind="flow")


def plot_weekly_bars(
    totals: pd.DataFrame | pd.Series,
    *,
    complete: Any = None,
    ax: Axes | None = None,
    label: str | None = None,
    label_incomplete: bool = True,
    bar_kws: Mapping[str, Any] | None = None,
    incomplete_kws: Mapping[str, Any] | None = None,
    text_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """Weekly (or other period) totals as bars, incomplete periods hatched and labelled.

    Parameters
    ----------
    totals : DataFrame or Series
        Period totals indexed by the period's last day (or with a ``date``
        column).  A DataFrame has a column ``total`` and optionally ``complete``
        (bool), ``start`` and ``end`` (the period's first and last day) and
        ``n_reported`` (days reported), as
        :func:`conflictstats.trends.period_totals` returns.  A Series holds the
        totals themselves.
    complete : array of bool, optional
        Which periods are complete (overrides a ``complete`` column; default: all).
    ax : Axes, optional
        Where to draw; the current Axes by default.
    label : str, optional
        Legend label of the complete bars.
    label_incomplete : bool, default True
        Write the days reported out of the period's length ("5/7 days", from an
        ``n_reported`` column) or else "partial" above each incomplete bar.
    bar_kws, incomplete_kws, text_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.bar` for complete and incomplete
        periods, and to :meth:`~matplotlib.axes.Axes.annotate` for the labels.

    Returns
    -------
    Axes
        One bar per period with a total; incomplete ones hatched (``//``) and paler.

    See Also
    --------
    weekly_chart : The full figure.
    conflictstats.period_totals : The totals drawn.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from conflictstats.plotting import plot_weekly_bars
    >>> weeks = pd.Series([310.0, 402, 95],
    ...                   index=pd.date_range("2024-11-17", periods=3, freq="W-SUN"))
    >>> fig, ax = plt.subplots()
    >>> ax = plot_weekly_bars(weeks, complete=[True, True, False])
    >>> [p.get_hatch() == "//" for p in ax.patches]
    [False, False, True]
    >>> plt.close(fig)
    """
    if isinstance(totals, pd.Series):
        frame = pd.DataFrame({"total": totals})
    else:
        frame = _dated(totals, name="totals", required=("total",))
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise InputTypeError(f"totals must have a DatetimeIndex; got {type(frame.index).__name__}")
    index = pd.DatetimeIndex(frame.index)
    if complete is not None:
        done = np.asarray(complete, dtype=bool)
        if done.shape != (len(frame),):
            raise InputError(
                f"complete must have one entry per period ({len(frame)}); got shape {done.shape}"
            )
    elif "complete" in frame.columns:
        done = frame["complete"].fillna(False).to_numpy(dtype=bool)
    else:
        done = np.ones(len(frame), dtype=bool)
    ax = _axes(ax)
    if "start" in frame.columns and "end" in frame.columns:
        start = pd.DatetimeIndex(frame["start"]).normalize()
        end = pd.DatetimeIndex(frame["end"]).normalize() + pd.Timedelta(days=1)
    else:
        step = pd.Timedelta(days=_step_days(index) if len(frame) > 1 else 7)
        end = index.normalize() + pd.Timedelta(days=1)
        start = end - step
    centre = start + (end - start) / 2
    width = 0.85 * ((end - start) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    values = frame["total"].to_numpy(dtype=float)
    has = ~np.isnan(values)
    ax.bar(
        _x(centre[done & has]), values[done & has], width=width[done & has],
        **_kws({"color": PALETTE["blue"], "linewidth": 0,
                "label": label if label is not None else "weekly total"}, bar_kws),
    )
    part = ~done & has
    if part.any():
        ax.bar(
            _x(centre[part]), values[part], width=width[part],
            **_kws({"color": PALETTE["sky_blue"], "alpha": 0.55, "hatch": "//",
                    "edgecolor": "#555555", "linewidth": 0.6, "label": "incomplete week"},
                   incomplete_kws),
        )
        if label_incomplete:
            n_rep = frame["n_reported"].to_numpy() if "n_reported" in frame.columns else None
            length = ((end - start) / pd.Timedelta(days=1)).to_numpy()
            for i in np.flatnonzero(part):
                text = "partial"
                if n_rep is not None and not pd.isna(n_rep[i]):
                    text = f"{int(n_rep[i])}/{int(length[i])}\ndays"
                ax.annotate(
                    text, xy=(_x(centre[i : i + 1])[0], values[i]), xytext=(0, 2),
                    textcoords="offset points",
                    **_kws({"ha": "center", "va": "bottom", "linespacing": 1.0,
                            "fontsize": 7, "color": "#333333"}, text_kws),
                )
            ax.margins(y=0.15)
    _date_axis(ax)
    return ax


# --------------------------------------------------------------------------- rate


def plot_rate(
    rate: pd.DataFrame,
    *,
    ax: Axes | None = None,
    scale: float = 1.0,
    label: str | None = None,
    line_kws: Mapping[str, Any] | None = None,
    band_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """A rate as a line with its interval as a ribbon, y axis in percent.

    Parameters
    ----------
    rate : DataFrame
        Indexed by date (or with a ``date`` column), with columns ``rate``,
        ``lower`` and ``upper``, as the rate functions of :mod:`conflictstats.rates`
        return.  NaN leaves a gap in both line and ribbon.
    ax : Axes, optional
        Where to draw; the current Axes by default.
    scale : float, default 1.0
        The value that means 100% (1.0 for proportions, 100 for percentages).
    label : str, optional
        Legend label of the line (default "rate").
    line_kws, band_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.plot` and
        :meth:`~matplotlib.axes.Axes.fill_between`.

    Returns
    -------
    Axes
        One line and one filled ribbon (a collection) for the interval.

    See Also
    --------
    conflictstats.rate : The rate drawn.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from conflictstats.plotting import plot_rate
    >>> r = pd.DataFrame({"rate": [0.4, 0.5, 0.45], "lower": [0.3, 0.42, 0.36],
    ...                   "upper": [0.5, 0.58, 0.54]},
    ...                  index=pd.date_range("2024-11-24", periods=3))
    >>> fig, ax = plt.subplots()
    >>> ax = plot_rate(r)
    >>> len(ax.lines), len(ax.collections), ax.yaxis.get_major_formatter()(0.5)
    (1, 1, '50%')
    >>> plt.close(fig)
    """
    from matplotlib.ticker import PercentFormatter

    frame = _dated(rate, name="rate", required=("rate", "lower", "upper"))
    frame = frame.sort_index()
    ax = _axes(ax)
    x = _x(pd.DatetimeIndex(frame.index))
    ax.fill_between(
        x, frame["lower"].to_numpy(dtype=float), frame["upper"].to_numpy(dtype=float),
        **_kws({"color": PALETTE["orange"], "alpha": 0.3, "linewidth": 0,
                "label": "interval"}, band_kws),
    )
    ax.plot(
        x, frame["rate"].to_numpy(dtype=float),
        **_kws({"color": PALETTE["vermillion"], "linewidth": 1.8,
                "label": label if label is not None else "rate"}, line_kws),
    )
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=scale, decimals=0))
    _date_axis(ax)
    return ax


# --------------------------------------------------------------------------- marks


def _since_text(date: pd.Timestamp, previous: Any, direction: str) -> str:
    word = "smallest" if direction in ("low", "min") else "largest"
    if previous is None or pd.isna(previous):
        return "record"
    prev = pd.Timestamp(previous)
    if (date - prev) < pd.Timedelta(days=62):
        when = f"{prev.day} {prev.month_name()[:3]}"
        if prev.year != date.year:
            when += f" {prev.year}"
    else:
        when = f"{prev.month_name()} {prev.year}"
    return f"{word} since {when}"


def _place_labels(ax: Axes, x: pd.DatetimeIndex, y: np.ndarray, texts: list[str],
                  text_kws: Mapping[str, Any] | None, color: str) -> None:
    """Annotate points, staggering labels that would collide horizontally."""
    import matplotlib.dates as mdates

    if len(x) == 0:
        return
    xn = np.asarray(mdates.date2num(x.to_pydatetime()))
    lo, hi = ax.get_xlim()
    span = max(hi - lo, float(np.ptp(xn)) or 1.0)
    level = np.zeros(len(xn), dtype=int)
    order = np.argsort(xn)
    placed: list[tuple[float, int]] = []
    for i in order:
        used = {lv for px, lv in placed if abs(xn[i] - px) < 0.12 * span}
        lv = 0
        while lv in used:
            lv += 1
        level[i] = lv
        placed.append((xn[i], lv))
    for i in range(len(xn)):
        frac = (xn[i] - lo) / (hi - lo) if hi > lo else 0.5
        ha = "right" if frac > 0.85 else ("left" if frac < 0.15 else "center")
        ax.annotate(
            texts[i], xy=(xn[i], y[i]), xytext=(0, 6 + 11 * level[i]),
            textcoords="offset points",
            **_kws({"ha": ha, "va": "bottom", "fontsize": 7.5, "color": color,
                    "arrowprops": {"arrowstyle": "-", "color": color, "linewidth": 0.6,
                                   "shrinkA": 0, "shrinkB": 2} if level[i] else None},
                   text_kws),
        )
    ax.margins(y=0.22 + 0.08 * int(level.max()))


def mark_records(
    records: pd.DataFrame,
    *,
    ax: Axes | None = None,
    labels: bool = True,
    scatter_kws: Mapping[str, Any] | None = None,
    text_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """Mark records as points labelled "record" or "largest since March 2024".

    Parameters
    ----------
    records : DataFrame
        One row per record, dated by a ``date`` column or the index, with columns
        ``value`` and ``since`` (the last earlier date with a value at least as
        extreme; NaT for a record over all the data), as
        :func:`conflictstats.records.records` returns; ``previous_date`` is used
        when there is no ``since``.  Optional columns: ``label`` (used verbatim),
        ``direction`` (``"max"``/``"high"`` or ``"min"``/``"low"``) and
        ``n_compared`` (rows with 0, the trivial first value of a scope, are not
        drawn).
    ax : Axes, optional
        Where to draw; the current Axes by default.
    labels : bool, default True
        Write the labels; False draws the points only.
    scatter_kws, text_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.scatter` and
        :meth:`~matplotlib.axes.Axes.annotate`.

    Returns
    -------
    Axes
        One scatter collection and, with ``labels``, one annotation per record.

    See Also
    --------
    conflictstats.records : The records marked.

    Notes
    -----
    The label is ``"record"`` when ``since`` is missing, else "largest since"
    that date, written as month and year, or as day and month when
    it is less than two months before.  Labels close together are staggered.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from conflictstats.plotting import mark_records
    >>> rec = pd.DataFrame({"date": pd.to_datetime(["2024-11-10", "2024-11-26"]),
    ...                     "value": [145, 188],
    ...                     "since": pd.to_datetime(["2024-03-02", None])})
    >>> fig, ax = plt.subplots()
    >>> ax = mark_records(rec)
    >>> [t.get_text() for t in ax.texts]
    ['largest since March 2024', 'record']
    >>> plt.close(fig)
    """
    frame = _dated(records, name="records", required=("value",))
    if "n_compared" in frame.columns:  # the first value of a scope is a record trivially
        frame = frame[frame["n_compared"].fillna(0).to_numpy() > 0]
    ax = _axes(ax)
    color = PALETTE["highlight"]
    y = frame["value"].to_numpy(dtype=float)
    ax.scatter(
        _x(pd.DatetimeIndex(frame.index)), y,
        **_kws({"s": 28, "color": color, "edgecolor": "white", "linewidth": 0.8,
                "zorder": 4, "label": "record"}, scatter_kws),
    )
    if labels:
        if "label" in frame.columns:
            texts = [str(t) for t in frame["label"]]
        else:
            since = "since" if "since" in frame.columns else "previous_date"
            if since not in frame.columns:
                raise MissingKeyError(
                    "records: column 'since' or 'previous_date' (or 'label') not found; "
                    f"columns are {list(records.columns)}"
                )
            direction = (frame["direction"] if "direction" in frame.columns
                         else pd.Series("high", index=frame.index))
            texts = [_since_text(d, p, str(k)) for d, p, k in
                     zip(frame.index, frame[since], direction, strict=True)]
        _place_labels(ax, pd.DatetimeIndex(frame.index), y, texts, text_kws, "#222222")
    _date_axis(ax)
    return ax


def mark_anomalies(
    anomalies: pd.DataFrame | pd.Series,
    *,
    ax: Axes | None = None,
    labels: bool = False,
    scatter_kws: Mapping[str, Any] | None = None,
    text_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """Mark anomalous days as open circles, optionally labelled.

    Parameters
    ----------
    anomalies : DataFrame or Series
        A DataFrame dated by a ``date`` column or the index, with a ``value``
        column, optionally a boolean ``is_anomaly`` (or ``anomaly``) column, as
        :func:`conflictstats.anomalies.anomalies` returns (only True rows are
        drawn), and a ``label`` column; or a Series whose non-missing values are
        the anomalous days' values.
    ax : Axes, optional
        Where to draw; the current Axes by default.
    labels : bool, default False
        Write each point's ``label`` (or "unusual") above it.
    scatter_kws, text_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.scatter` and
        :meth:`~matplotlib.axes.Axes.annotate`.

    Returns
    -------
    Axes
        One scatter collection (and one annotation per point with ``labels``).

    See Also
    --------
    conflictstats.anomalies : The anomalies marked.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from conflictstats.plotting import mark_anomalies
    >>> flags = pd.DataFrame({"value": [12.0, 90, 14], "anomaly": [False, True, False]},
    ...                      index=pd.date_range("2024-11-01", periods=3))
    >>> fig, ax = plt.subplots()
    >>> ax = mark_anomalies(flags, labels=True)
    >>> len(ax.collections[0].get_offsets()), ax.texts[0].get_text()
    (1, 'unusual')
    >>> plt.close(fig)
    """
    if isinstance(anomalies, pd.Series):
        s = anomalies.dropna()
        frame = pd.DataFrame({"value": s.to_numpy(dtype=float)},
                             index=pd.DatetimeIndex(s.index))
    else:
        frame = _dated(anomalies, name="anomalies", required=("value",))
        flag = next((c for c in ("is_anomaly", "anomaly") if c in frame.columns), None)
        if flag is not None:
            frame = frame[frame[flag].fillna(False).to_numpy(dtype=bool)]
        frame = frame[frame["value"].notna()]
    ax = _axes(ax)
    y = frame["value"].to_numpy(dtype=float)
    ax.scatter(
        _x(pd.DatetimeIndex(frame.index)), y,
        **_kws({"s": 60, "facecolor": "none", "edgecolor": PALETTE["reddish_purple"],
                "linewidth": 1.5, "zorder": 5, "label": "unusual"}, scatter_kws),
    )
    if labels:
        texts = ([str(t) for t in frame["label"]] if "label" in frame.columns
                 else ["unusual"] * len(frame))
        _place_labels(ax, pd.DatetimeIndex(frame.index), y, texts, text_kws,
                      PALETTE["reddish_purple"])
    _date_axis(ax)
    return ax


def shade_segments(
    changepoints: pd.DataFrame,
    *,
    ax: Axes | None = None,
    span: tuple[Any, Any] | None = None,
    span_kws: Mapping[str, Any] | None = None,
    line_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """Show change points as alternately shaded segments with each segment's mean.

    Parameters
    ----------
    changepoints : DataFrame
        One row per change point, dated by a ``date`` column or the index (the
        first day of the new segment), with columns ``mean_before`` and
        ``mean_after``.
    ax : Axes, optional
        Where to draw; the current Axes by default.
    span : (date, date), optional
        First and last day of the data.  Default: the Axes' current x limits
        (the Axes must already show dated data).
    span_kws, line_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.axvspan` (every other segment) and
        :meth:`~matplotlib.axes.Axes.hlines` (segment means).

    Returns
    -------
    Axes
        With ``k`` change points: ``k + 1`` mean lines (one collection) and
        ``(k + 1) // 2`` shaded spans.

    See Also
    --------
    conflictstats.changepoints : The segments shaded.

    Notes
    -----
    Segment :math:`j` runs from change point :math:`j` to the day before change
    point :math:`j+1`; its mean is ``mean_before`` of the change point that ends
    it (``mean_after`` of the last change point for the last segment).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from conflictstats.plotting import shade_segments
    >>> cps = pd.DataFrame({"date": pd.to_datetime(["2024-09-09"]),
    ...                     "mean_before": [38.0], "mean_after": [70.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = shade_segments(cps, span=("2024-06-01", "2024-11-30"))
    >>> len(ax.patches), len(ax.collections[0].get_segments())
    (1, 2)
    >>> plt.close(fig)
    """
    import matplotlib.dates as mdates

    frame = _dated(changepoints, name="changepoints",
                   required=("mean_before", "mean_after")).sort_index()
    ax = _axes(ax)
    if span is not None:
        lo = as_timestamp(span[0], name="span[0]")
        hi = as_timestamp(span[1], name="span[1]") + pd.Timedelta(days=1)
    else:
        if not ax.has_data():
            raise InputError(
                "shade_segments: the Axes show no data yet; draw the series first or "
                "give span=(first_day, last_day)"
            )
        xlo, xhi = ax.get_xlim()
        lo = pd.Timestamp(mdates.num2date(xlo)).tz_localize(None)
        hi = pd.Timestamp(mdates.num2date(xhi)).tz_localize(None)
    bounds = pd.DatetimeIndex([lo, *frame.index, hi])
    means = np.append(frame["mean_before"].to_numpy(dtype=float),
                      frame["mean_after"].to_numpy(dtype=float)[-1:])
    starts, ends = _x(bounds[:-1]), _x(bounds[1:])
    for j in range(1, len(means), 2):
        ax.axvspan(starts[j], ends[j],
                   **_kws({"color": PALETTE["grey"], "alpha": 0.12, "linewidth": 0,
                           "zorder": 0}, span_kws))
    ax.hlines(means, starts, ends,
              **_kws({"colors": PALETTE["black"], "linestyles": "--", "linewidth": 1.1,
                      "label": "segment mean", "zorder": 3}, line_kws))
    _date_axis(ax)
    return ax


# --------------------------------------------------------------------------- decorations


def add_source(
    ax: Axes,
    text: str,
    *,
    synthetic: bool = False,
    text_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """Write a source line under the Axes, below its tick labels.

    Parameters
    ----------
    ax : Axes
        The Axes to caption (usually the bottom one of a figure).
    text : str
        The source, e.g. ``"Source: Ukrainian Air Force via Telegram"``.
    synthetic : bool, default False
        Prefix ``"Synthetic data — "``: every chart of made-up data says so.
    text_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.annotate`.

    Returns
    -------
    Axes
        The Axes, with one more text (a footnote anchored below its x axis, which
        constrained layout and ``bbox_inches="tight"`` make room for).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from conflictstats.plotting import add_source
    >>> fig, ax = plt.subplots()
    >>> ax = add_source(ax, "Source: made up", synthetic=True)
    >>> ax.texts[-1].get_text()
    'Synthetic data — Source: made up'
    >>> plt.close(fig)
    """
    caption = f"Synthetic data — {text}" if synthetic else str(text)

    def below_axis(renderer: Any) -> Any:
        # the Axes with its tick labels and axis label, but without this footnote
        return ax.get_tightbbox(renderer, bbox_extra_artists=[])

    ax.annotate(
        caption, xy=(0, 0), xycoords=below_axis, xytext=(0, -4),
        textcoords="offset points",
        **_kws({"ha": "left", "va": "top", "fontsize": 7.5, "color": "#555555",
                "annotation_clip": False}, text_kws),
    )
    return ax


def war_day_axis(ax: Axes, *, day_one: Any = "2022-02-24",
                 location: Literal["top", "bottom"] = "top",
                 label: str | None = "day of the full-scale war") -> Axes:
    """Add a secondary x axis counting war days (24 February 2022 is day 1).

    Parameters
    ----------
    ax : Axes
        An Axes with dates on its x axis.
    day_one : date-like, default "2022-02-24"
        The date counted as day 1.
    location : {"top", "bottom"}, default "top"
        Where the secondary axis goes.
    label : str or None
        Axis label.

    Returns
    -------
    Axes
        The secondary axis (a :class:`matplotlib.axes.Axes` subclass).

    Notes
    -----
    Day number :math:`n = (d - d_1) + 1` in days, so the day of 27 November 2024
    is 1,008 counting 24 February 2022 as day 1.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from conflictstats.plotting import war_day_axis
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.date_range("2024-11-20", periods=10), range(10))
    >>> sec = war_day_axis(ax)
    >>> fig.canvas.draw()          # 20-29 Nov 2024 are days 1,001-1,010
    >>> [t.get_text() for t in sec.get_xticklabels()][1:-1]
    ['1,002', '1,004', '1,006', '1,008', '1,010']
    >>> plt.close(fig)
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    check_choice("location", location, ("top", "bottom"))
    origin = float(mdates.date2num(as_timestamp(day_one, name="day_one").to_pydatetime())) - 1.0

    def to_day(x: Any) -> Any:
        return np.asarray(x, dtype=float) - origin

    def to_date(n: Any) -> Any:
        return np.asarray(n, dtype=float) + origin

    sec = ax.secondary_xaxis(location, functions=(to_day, to_date))
    sec.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    sec.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    sec.tick_params(labelsize=7.5, colors="#555555")
    if label:
        sec.set_xlabel(label, fontsize=7.5, color="#555555")
    return sec  # type: ignore[return-value]  # SecondaryAxis is an Axes subclass


# --------------------------------------------------------------------------- figure


#: How units are written on charts: the text's units, not file codes.
_UNIT_TEXT = {"km2": "km²", "sq_mi": "sq mi", "percent": "%", "count": ""}


def _unit_text(unit: str | None) -> str:
    return _UNIT_TEXT.get(unit, unit) if unit else ""


def _title_for(metric: Any, unit: str | None) -> str:
    """Sentence case with the unit: "Occupied area (km²)"."""
    text = str(metric).replace("_", " ")
    text = text[:1].upper() + text[1:]
    u = _unit_text(unit)
    return f"{text} ({u})" if u else text


def _for_metric(obj: Any, metric: Any, n_metrics: int, name: str) -> Any:
    """Pick a metric's part of records/anomalies/changepoints/rate arguments."""
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(metric)
    if isinstance(obj, pd.DataFrame) and isinstance(obj.columns, pd.MultiIndex):
        return obj[metric] if metric in obj.columns.get_level_values(0) else None
    key = next((c for c in ("metric", "series") if isinstance(obj, pd.DataFrame)
                and c in obj.columns), None)
    if key is not None:
        part = obj[obj[key] == metric]
        return part if len(part) else None
    if n_metrics > 1:
        raise InputError(
            f"{name}: with several metrics, give a dict keyed by metric or a frame with a "
            "'metric' or 'series' column"
        )
    return obj


def weekly_chart(
    daily: pd.Series | pd.DataFrame,
    *,
    metric: Any = None,
    rate: pd.DataFrame | None = None,
    records: Any = None,
    anomalies: Any = None,
    changepoints: Any = None,
    title: str | None = None,
    source: str | None = None,
    synthetic: bool = False,
    freq: str = "W-SUN",
    window: str | int | None = "7D",
    war_day: bool = False,
    rate_label: str | None = None,
    highlight: tuple[Any, Any] | None = None,
    spread: Any = None,
    flagged: Any = None,
    figsize: tuple[float, float] | None = None,
    dpi: float | None = None,
) -> Figure:
    """The weekly chart of one metric (or a small panel of up to four).

    For each metric: the daily values (bars with their rolling mean for a flow,
    the reported levels for a level) with records labelled and anomalies circled,
    change points shaded; beside or below it the weekly totals (a level: its weekly
    change), incomplete weeks hatched.  With ``rate``, a panel with the rate and its
    interval.  A footer gives the source and the week definition.

    Parameters
    ----------
    daily : Series or DataFrame
        Daily flows or levels (from :func:`conflictstats.to_daily`): a Series, or a
        DataFrame with one column per metric.  The kind is read from ``attrs``.
    metric : label or list of labels, optional
        Column(s) of ``daily`` to draw (default: all, at most four).
    rate : DataFrame, optional
        Columns ``rate``, ``lower``, ``upper`` by date (e.g. the weekly share shot
        down, from :func:`conflictstats.rate` with ``freq=``), drawn in its own panel.
    records, anomalies, changepoints : DataFrame or dict, optional
        Computed beforehand (:mod:`conflictstats.records`,
        :mod:`conflictstats.anomalies`) in the forms that :func:`mark_records`,
        :func:`mark_anomalies` and :func:`shade_segments` take; a ``label`` column
        is written beside each mark.  Records of windows (``start`` before
        ``date``) go on the weekly panel.  With several metrics, a dict keyed by
        metric or a frame with a ``metric`` column.
    title : str, optional
        Figure title.
    source : str, optional
        Source line under the figure.
    synthetic : bool, default False
        Label the figure as synthetic data.
    freq : str, default "W-SUN"
        The calendar week of the weekly panel: ``"W-SUN"`` for Monday to
        Sunday, ``"W-WED"`` for weeks ending on Wednesday...  The first bar is a
        whole week: days before the first week that starts inside the data are
        not drawn.
    window : str, int or None, default "7D"
        Window of the rolling-mean line of a flow (None for none).
    war_day : bool, default False
        Add a war-day axis on top of the first daily panel.
    rate_label : str, optional
        Title and legend label of the rate panel.
    highlight : (date, date), optional
        First and last day of the week to highlight on every panel.
    spread, flagged : DatetimeIndex or list of dates, optional
        Days whose value was spread from a report over several days, and days the
        source flags as artefacts: their daily bars are hatched, not solid.
    figsize, dpi : optional
        Figure size in inches and resolution.

    Returns
    -------
    Figure
        A :class:`matplotlib.figure.Figure` not registered with pyplot (save it with
        ``fig.savefig``; it needs no closing).  Daily panels come first in
        ``fig.axes``, then weekly panels, then the rate panel.

    See Also
    --------
    plot_weekly_bars : The weekly bars alone, on an Axes.
    conflictstats.weekly_report : The weekly report with its chart.

    Notes
    -----
    The only statistics computed here are the weekly totals, by
    :func:`conflictstats.trends.period_totals` (a week is complete when every one
    of its days lies within the data and was reported; a level's week when the
    level is reported on its last day and the day before it starts), and the
    rolling mean of :func:`plot_series`.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from conflictstats.plotting import weekly_chart
    >>> rng = np.random.default_rng(1)
    >>> s = pd.Series(rng.poisson(40, 60).astype(float), name="drones_launched",
    ...               index=pd.date_range("2024-10-01", periods=60))
    >>> fig = weekly_chart(s, source="made up", synthetic=True)
    >>> len(fig.axes)
    2
    """
    week = parse_freq(freq)
    frame, metrics, kinds, units = _chart_input(daily, metric)
    cut = _first_whole_week(frame, week)
    marks = {"spread": _days(spread, "spread"), "flagged": _days(flagged, "flagged")}
    with style():
        fig, day_axes, week_axes, rate_ax = _chart_layout(len(metrics), rate is not None,
                                                          figsize, dpi)
        single = len(metrics) == 1
        partial = False
        for m, dax, wax in zip(metrics, day_axes, week_axes, strict=True):
            partial |= _draw_metric(
                frame[m], kinds[m], units[m], dax, wax, cut=cut, week=week, window=window,
                single=single, records=_for_metric(records, m, len(metrics), "records"),
                anomalies=_for_metric(anomalies, m, len(metrics), "anomalies"),
                changepoints=_for_metric(changepoints, m, len(metrics), "changepoints"),
                marks=marks)
        if rate is not None and rate_ax is not None:
            _draw_rate(rate, rate_ax, rate_label)
        _decorate(fig, day_axes, week_axes, rate_ax, title=title, source=source,
                  synthetic=synthetic, week=week, partial=partial, war_day=war_day,
                  highlight=highlight, levels=any(k == "level" for k in kinds.values()),
                  marked=any(len(v) and v.isin(frame.loc[cut:].index).any()
                             for v in marks.values()))
    return fig


def _chart_input(daily: pd.Series | pd.DataFrame, metric: Any,
                 ) -> tuple[pd.DataFrame, list[Any], dict[Any, str], dict[Any, str | None]]:
    """Step 1: the columns to draw, their kinds and units."""
    frame, was_series = as_frame(daily, name="daily")
    if metric is not None:
        wanted = list(metric) if isinstance(metric, list | tuple) else [metric]
        missing = [m for m in wanted if m not in frame.columns]
        if missing:
            raise MissingKeyError(
                f"metric {missing[0]!r} not in daily; columns are {list(frame.columns)}"
            )
        frame = frame[wanted]
    metrics = list(frame.columns)
    if len(metrics) > 4:
        raise InputError(
            f"weekly_chart draws at most 4 metrics; got {len(metrics)} (choose with metric=)"
        )
    kinds = {m: recorded_kind(daily, None if was_series else m) or "flow" for m in metrics}
    shares = [m for m in metrics if kinds[m] == "share"]
    if shares:
        raise InputError(
            f"weekly_chart draws flows and levels; {shares[0]!r} is a share, whose weekly "
            "total means nothing (draw it with plot_series(kind='level'))"
        )
    kinds = {m: "flow" if k == "cumulative" else k for m, k in kinds.items()}
    units = {m: (_unit(daily) if was_series else _unit(daily, m)) for m in metrics}
    return frame, metrics, kinds, units


def _first_whole_week(frame: pd.DataFrame, week: Any) -> pd.Timestamp:
    """Step 2: the first day drawn: the start of the first whole week in the data.

    A level's first week also needs the level of the day before it, so a series
    that starts on a week's last day draws from the next day on.
    """
    first = frame.first_valid_index()
    if first is None:
        raise InputError("weekly_chart: the data hold no value to draw")
    first = pd.Timestamp(first)
    if week.bounds(first)[0] < first or week.end_of(first) == first:
        cut = week.end_of(first) + pd.Timedelta(days=1)
        if frame.loc[cut:].notna().any().any():
            return cut
    return first


def _days(days: Any, name: str) -> pd.DatetimeIndex:
    if days is None:
        return pd.DatetimeIndex([])
    try:
        return pd.DatetimeIndex(pd.to_datetime(list(days))).normalize()
    except (TypeError, ValueError) as exc:
        raise InputTypeError(f"{name} must be a list of dates; got {days!r}") from exc


def _chart_layout(n: int, has_rate: bool, figsize: Any, dpi: Any,
                  ) -> tuple[Figure, list[Axes], list[Axes], Axes | None]:
    """Step 3: the figure and its panels."""
    from matplotlib.figure import Figure

    if n == 1:
        heights = [2.2, 1.5] + ([1.2] if has_rate else [])
        size = figsize or (8.0, 2.3 + 1.7 * len(heights))
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
        day_axes = [fig.add_subplot(grid[0, 0])]
        week_axes = [fig.add_subplot(grid[1, 0], sharex=day_axes[0])]
        rate_ax = fig.add_subplot(grid[2, 0], sharex=day_axes[0]) if has_rate else None
        return fig, day_axes, week_axes, rate_ax
    rows = n + (1 if has_rate else 0)
    size = figsize or (10.0, 1.3 + 2.4 * rows)
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    grid = fig.add_gridspec(rows, 2, width_ratios=[2.2, 1.0])
    day_axes, week_axes = [], []
    for i in range(n):  # daily panels first in fig.axes, then the weekly ones
        day_axes.append(fig.add_subplot(grid[i, 0], sharex=day_axes[0] if day_axes else None))
    for i in range(n):
        week_axes.append(fig.add_subplot(grid[i, 1],
                                         sharex=week_axes[0] if week_axes else None))
    rate_ax = fig.add_subplot(grid[n, :]) if has_rate else None
    return fig, day_axes, week_axes, rate_ax


def _draws_something(handle: Any) -> bool:
    """False for a line with no finite point or a bar set with no bar."""
    from matplotlib.container import BarContainer
    from matplotlib.lines import Line2D

    if isinstance(handle, Line2D):
        y = np.asarray(handle.get_ydata(), dtype=float)
        return bool(np.isfinite(y).any())
    if isinstance(handle, BarContainer):
        return len(handle.patches) > 0
    return True


def _legend_above(ax: Axes, ncols: int = 4, lift: float = 0.0) -> None:
    """The legend on the line above the panel, right-aligned: it never covers data.

    ``lift`` (points) raises it above a secondary axis drawn on top of the panel.
    """
    from matplotlib.transforms import offset_copy

    handles: list[Any]
    handles, labels = ax.get_legend_handles_labels()
    shown = [_draws_something(h) for h in handles]  # no swatch for what is not drawn
    handles = [h for h, ok in zip(handles, shown, strict=True) if ok]
    labels = [lab for lab, ok in zip(labels, shown, strict=True) if ok]
    for extra in getattr(ax, "_conflictstats_handles", []):  # proxies of hatched bars
        handles.append(extra)
        labels.append(extra.get_label())
    if handles:
        # the panel title goes on the line above the legend, so that a long title and a
        # wide legend never overprint each other
        rows = -(-len(handles) // ncols)
        for loc in ("left", "center"):
            title = ax.get_title(loc=loc)
            if title:
                ax.set_title(title, loc=loc, fontsize=9.5, pad=6 + 12 * rows + lift,
                             fontweight=ax.title.get_fontweight() if loc == "center"
                             else ax._left_title.get_fontweight())  # type: ignore[attr-defined]
        ax.legend(handles, labels, loc="lower right", bbox_to_anchor=(1.0, 1.0),
                  bbox_transform=offset_copy(ax.transAxes, fig=ax.get_figure(root=True),
                                             y=lift, units="points"),
                  ncols=ncols, fontsize=7.5, handlelength=1.2, borderaxespad=0.3,
                  columnspacing=1.0)


def _thousands(ax: Axes) -> None:
    from matplotlib.ticker import StrMethodFormatter

    lo, hi = ax.get_ylim()
    ax.yaxis.set_major_formatter(StrMethodFormatter(
        "{x:,.0f}" if max(abs(lo), abs(hi)) >= 10 else "{x:,.1f}"))


def _draw_metric(full: pd.Series, kind: str, unit: str | None, dax: Axes, wax: Axes, *,
                 cut: pd.Timestamp, week: Any, window: Any, single: bool, records: Any,
                 anomalies: Any, changepoints: Any,
                 marks: Mapping[str, pd.DatetimeIndex]) -> bool:
    """Step 4: one metric's daily and weekly panels; True when a week is incomplete."""
    from matplotlib.patches import Patch

    from .trends import period_totals

    s = full.loc[cut:]
    name = _title_for(s.name, unit)
    u = _unit_text(unit)
    if kind == "level":
        plot_series(s, kind="level", ax=dax, label="reported level")
        day_title = f"{name}: reported level" if single else f"{name}, level"
    else:
        # a day spread from a report over many days is no measurement: the average line
        # is drawn over measured days only (the hatched bars show the spread share)
        plot_series(s, window=None, kind="flow", ax=dax, label="daily")
        if window is not None:
            _mean_line(s.where(~pd.DatetimeIndex(s.index).isin(marks["spread"])), window,
                       ax=dax)
        bars = dax.containers[0] if dax.containers else None
        dates = pd.DatetimeIndex(s.index[s.notna().to_numpy()])
        if bars is not None and (dates.isin(marks["spread"]).any()
                                 or dates.isin(marks["flagged"]).any()):
            # the legend's "daily" swatch must stay solid when some bars are hatched
            bars.set_label("_daily")
            dax._conflictstats_handles = [  # type: ignore[attr-defined]
                Patch(facecolor=PALETTE["bar"], label="daily, as reported")]
        for key, hatch, text in (("spread", "////", "spread from a multi-day report"),
                                 ("flagged", "xxx", "flagged by the source")):
            hit = dates.isin(marks[key])
            if bars is not None and hit.any():
                for i in np.flatnonzero(hit):
                    bars[i].set_facecolor("white")
                    bars[i].set_edgecolor(PALETTE["grey"])
                    bars[i].set_hatch(hatch)
                    bars[i].set_linewidth(0.4)
                extra = getattr(dax, "_conflictstats_handles", [])
                extra.append(Patch(facecolor="white", edgecolor=PALETTE["grey"], hatch=hatch,
                                   label=text))
                dax._conflictstats_handles = extra  # type: ignore[attr-defined]
        day_title = f"{name}: daily" if single else f"{name}, daily"
    if changepoints is not None and len(changepoints):
        shade_segments(changepoints, ax=dax, span=(s.index[0], s.index[-1]))
    if anomalies is not None and len(anomalies):
        mark_anomalies(anomalies, ax=dax, labels="label" in getattr(anomalies, "columns", ()))
    windowed = records is not None and {"start", "date"} <= set(records.columns)
    if windowed:
        st, dt = pd.to_datetime(records["start"]), pd.to_datetime(records["date"])
        week_recs, day_recs = records[(st != dt).to_numpy()], records[(st == dt).to_numpy()]
    else:
        week_recs, day_recs = None, records
    if day_recs is not None and len(day_recs):
        mark_records(day_recs, ax=dax)
    dax.set_title(day_title, fontsize=9.5)
    _thousands(dax)
    _legend_above(dax)

    totals = period_totals(full, freq=week.code, kind=kind)
    totals = totals.loc[totals["start"] >= cut]
    plot_weekly_bars(totals, ax=wax, label_incomplete=False,
                     label="weekly change" if kind == "level" else "weekly total",
                     incomplete_kws={"label": "incomplete week"})
    if kind == "level":
        wax.axhline(0, color="#555555", linewidth=0.8)
    if week_recs is not None and len(week_recs):
        mark_records(week_recs, ax=wax, scatter_kws={"label": "record or high"})
    what = "weekly change" if kind == "level" else "weekly total"
    wax.set_title(f"{what[:1].upper()}{what[1:]}" + (f" ({u})" if u else ""), fontsize=9.5)
    _thousands(wax)
    if single:  # a narrow panel column has no room: the footer explains the hatching
        _legend_above(wax, ncols=3)
    if single:  # share the daily x range so bars line up
        lo = min(s.index[0], totals["start"].min())
        hi = max(s.index[-1], totals["end"].max())
        pad = pd.Timedelta(days=1)
        dax.set_xlim(tuple(_x(pd.DatetimeIndex([lo - pad, hi + 2 * pad]))))  # type: ignore[arg-type]
    return not bool(totals["complete"].all())


def _draw_rate(rate: pd.DataFrame, ax: Axes, label: str | None) -> None:
    """Step 5: the rate panel, its points marked."""
    frame = _dated(rate, name="rate", required=("rate", "lower", "upper"))
    sparse = _step_days(pd.DatetimeIndex(frame.index)) >= 7  # weekly points: mark each
    plot_rate(frame, ax=ax, label="share" if sparse else "rate",
              line_kws={"marker": "o", "markersize": 3} if sparse else None,
              band_kws={"label": "interval"})
    ax.set_title(label or "Rate, with 95% interval", fontsize=9.5)
    _legend_above(ax, ncols=2)


def _decorate(fig: Figure, day_axes: list[Axes], week_axes: list[Axes], rate_ax: Axes | None,
              *, title: str | None, source: str | None, synthetic: bool, week: Any,
              partial: bool, war_day: bool, highlight: tuple[Any, Any] | None, levels: bool,
              marked: bool) -> None:
    """Step 6: the highlighted week, shared dates, title and footer."""
    single = len(day_axes) == 1
    if highlight is not None:
        lo = as_timestamp(highlight[0], name="highlight[0]")
        hi = as_timestamp(highlight[1], name="highlight[1]") + pd.Timedelta(days=1)
        for i, a in enumerate([*day_axes, *week_axes, *([rate_ax] if rate_ax else [])]):
            a.axvspan(_x(pd.DatetimeIndex([lo]))[0], _x(pd.DatetimeIndex([hi]))[0],
                      color=PALETTE["yellow"], alpha=0.25, linewidth=0, zorder=0,
                      label="report week" if i == 0 else None)
        _legend_above(day_axes[0])
    if war_day:
        from matplotlib.ticker import StrMethodFormatter

        sec = war_day_axis(day_axes[0], label=None)
        sec.xaxis.set_major_formatter(StrMethodFormatter("day {x:,.0f}"))
        day_axes[0].set_title(day_axes[0].get_title(loc="left"), loc="left", fontsize=9.5,
                              pad=16)
        _legend_above(day_axes[0], lift=12)
    # dates only under the bottom panel of each column
    hide = (day_axes + (week_axes if rate_ax is not None else [])) if single else (
        day_axes[:-1] + week_axes[:-1])
    for a in hide:
        a.tick_params(labelbottom=False)
        a.xaxis.offsetText.set_visible(False)
    if title:
        fig.suptitle(title, x=0.01, ha="left")
    bottom = rate_ax if rate_ax is not None else (week_axes[-1] if single else day_axes[-1])
    notes = []
    if source or synthetic:
        notes.append(f"Synthetic data — {source}" if synthetic and source
                     else (source or "Synthetic data"))
    what = "changes" if levels else "totals"
    weeks = f"Weekly {what} over {week.label}"
    if partial:
        weeks += ("; hatched bars are incomplete weeks (a day not reported or outside the "
                  "data" + ("; for a level, no level reported on the week's last day or the "
                            "day before it" if levels else "") + ")")
    notes.append(weeks + ".")
    if marked:
        notes.append("Hatched daily bars: spread evenly from a report covering several days,"
                     " or flagged by the source as an artefact.")
    import textwrap

    width = int(fig.get_figwidth() * 15.5)  # characters of the 7.5 pt footnote per line
    # "Chart: conflictstats." is one word for wrapping (a no-break space): it stays whole
    add_source(bottom, "\n".join(textwrap.fill(n.replace("Chart: ", "Chart:\u00a0"), width)
                                  for n in notes))


# --------------------------------------------------------------------------- reconcile


def plot_reconcile(
    result: Any,
    *,
    ax: Axes | None = None,
    band: bool = True,
    episodes: bool = True,
    a_kws: Mapping[str, Any] | None = None,
    b_kws: Mapping[str, Any] | None = None,
    band_kws: Mapping[str, Any] | None = None,
    episode_kws: Mapping[str, Any] | None = None,
) -> Axes:
    """Two sources of one metric per period, the usual band and their divergences.

    Parameters
    ----------
    result : Reconciliation
        The result of :func:`conflictstats.reconcile`; its ``table`` gives the
        values per period, its band and ``episodes`` what is shaded.
    ax : Axes, optional
        Where to draw; the current Axes by default.
    band : bool, default True
        Shade the usual band: where ``b`` lies in a usual period given ``a``,
        from ``band_lower * a`` to ``band_upper * a``.
    episodes : bool, default True
        Shade the divergence episodes (``result.episodes``) across the Axes.
    a_kws, b_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.plot` for the two sources.
    band_kws, episode_kws : dict, optional
        Passed to :meth:`~matplotlib.axes.Axes.fill_between` (band) and
        :meth:`~matplotlib.axes.Axes.axvspan` (each episode).

    Returns
    -------
    Axes
        Two lines (``a`` then ``b``, labelled with the sources' names, drawn
        literally), one band, one shaded span per episode, and hollow markers on
        the periods where ``b`` is outside its usual band.

    See Also
    --------
    conflictstats.reconcile : The comparison drawn.

    Notes
    -----
    Each point is a period of ``result.table`` (a flow's total, a level's last
    value), dated by the period's last day; periods not complete in a source are
    drawn as hollow points. The band at a period is :math:`[q_{10}\\,a_t,
    q_{90}\\,a_t]`, with :math:`q_{10}` and :math:`q_{90}` the 10th and 90th
    percentiles of the ratio :math:`b_t / a_t` over complete periods. An episode
    runs from its first day to the end of its last day.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import pandas as pd
    >>> import conflictstats as cs
    >>> from conflictstats.plotting import plot_reconcile
    >>> rng = np.random.default_rng(1)
    >>> days = pd.date_range("2024-01-01", periods=120)
    >>> a = pd.Series(rng.poisson(40, 120).astype(float), index=days, name="tracker A")
    >>> b = pd.Series(rng.binomial(40, 0.6, 120).astype(float), index=days, name="tracker B")
    >>> r = cs.reconcile(a, b, kind="flow")
    >>> fig, ax = plt.subplots()
    >>> ax = plot_reconcile(r)
    >>> [line.get_label() for line in ax.lines]
    ['tracker A', 'tracker B']
    >>> plt.close(fig)
    """
    needed = ("names", "table", "episodes", "band_lower", "band_upper")
    if not all(hasattr(result, k) for k in needed):
        raise InputTypeError("plot_reconcile: result must be a Reconciliation (from "
                             f"conflictstats.reconcile); got {type(result).__name__}")
    table = result.table
    missing = [c for c in ("a", "b", "a_complete", "b_complete") if c not in table.columns]
    if missing:
        raise MissingKeyError(f"plot_reconcile: result.table has no column {missing[0]!r}; "
                              f"columns are {list(table.columns)}")
    ax = _axes(ax)
    x = pd.DatetimeIndex(table.index)
    name_a, name_b = (str(n) for n in result.names)
    # names come from data: drawn as written, never as mathtext or TeX
    plain = {"parse_math": False, "usetex": False}
    lo, hi = float(result.band_lower), float(result.band_upper)
    va = table["a"].to_numpy(dtype=float)
    if band and np.isfinite(lo) and np.isfinite(hi):
        ok = np.isfinite(va)
        ax.fill_between(
            _x(x), lo * va, hi * va, where=ok, interpolate=False,
            **_kws({"color": PALETTE["orange"], "alpha": 0.2, "linewidth": 0,
                    "label": f"usual range of {name_b} ({lo:.3g} to {hi:.3g} × {name_a})",
                    "zorder": 1}, band_kws))
    styles = (("a", name_a, PALETTE["blue"], a_kws), ("b", name_b, PALETTE["vermillion"], b_kws))
    for col, name, colour, user in styles:
        values = table[col].to_numpy(dtype=float)
        ax.plot(_x(x), values, **_kws({"color": colour, "linewidth": 1.6, "marker": "o",
                                       "markersize": 3, "label": name, "zorder": 3}, user))
        partial = ~table[f"{col}_complete"].fillna(False).to_numpy(dtype=bool) & np.isfinite(
            values)
        if partial.any():
            ax.scatter(_x(x[partial]), values[partial], s=22, facecolors="white",
                       edgecolors=colour, linewidths=1.0, zorder=4)
    if "outside_band" in table.columns:
        out = table["outside_band"].fillna(False).to_numpy(dtype=bool)
        if out.any():
            ax.scatter(_x(x[out]), table["b"].to_numpy(dtype=float)[out], s=60,
                       facecolors="none", edgecolors=PALETTE["black"], linewidths=0.9,
                       label="outside the usual range", zorder=5)
    if episodes and len(result.episodes):
        eps = result.episodes
        for j, (start, end) in enumerate(zip(pd.DatetimeIndex(eps["start"]),
                                             pd.DatetimeIndex(eps["end"]), strict=True)):
            ax.axvspan(_x(pd.DatetimeIndex([start]))[0],
                       _x(pd.DatetimeIndex([end + pd.Timedelta(days=1)]))[0],
                       **_kws({"color": PALETTE["grey"], "alpha": 0.18, "linewidth": 0,
                               "zorder": 0, "label": "divergence" if j == 0 else None},
                              episode_kws))
    legend = ax.legend(loc="best")
    for text in legend.get_texts():
        text.set(**plain)
    _date_axis(ax)
    return ax
