"""Result objects in a notebook: a compact HTML table, ``summary()``, short reprs."""

from __future__ import annotations

import dataclasses
import html
import importlib
import pkgutil
import typing
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pandas as pd
import pytest

import conflictstats as cs
from conflictstats.results import Result

SCRIPT = "<script>alert('x')</script>"


def _public_result_classes() -> dict[str, type[Result]]:
    """Every dataclass subclass of Result named in ``conflictstats.__all__`` or a
    public submodule's ``__all__`` (the base class itself left out)."""
    modules = [cs] + [importlib.import_module(f"conflictstats.{m.name}")
                      for m in pkgutil.iter_modules(cs.__path__) if not m.name.startswith("_")]
    found: dict[str, type[Result]] = {}
    for mod in modules:
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if (isinstance(obj, type) and issubclass(obj, Result) and obj is not Result
                    and dataclasses.is_dataclass(obj)):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def _days(values: list[float], start: str = "2024-11-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values)), name="drones")


def _obs(values: list[float]) -> pd.DataFrame:
    days = pd.date_range("2024-11-01", periods=len(values)).strftime("%Y-%m-%d")
    return cs.read_observations(pd.DataFrame({
        "metric": "drones_launched", "value": values, "unit": "count", "kind": "flow",
        "start": days, "end": days}))


def _weekly_report() -> Any:
    # weekly_report() itself takes seconds on the demo data; the class is built directly
    from conflictstats.report import WeeklyReport

    return WeeklyReport(
        week_start=pd.Timestamp("2024-11-18"), week_end=pd.Timestamp("2024-11-24"),
        summary="# Weekly report\n\nDrones launched: 1,200.",
        facts=pd.DataFrame({"fact": ["week_total"], "value": [1200.0]}),
        table=pd.DataFrame({"series": ["drones launched"], "week_total": [1200.0]}),
        problems=pd.DataFrame(columns=["dataset", "row", "metric", "reason"]))


def _reconciliation() -> Any:
    rng = np.random.default_rng(1)
    a = pd.Series(rng.poisson(40, 60).astype(float),
                  index=pd.date_range("2024-01-01", periods=60), name="tracker A")
    b = (a * 0.6).rename("tracker B")
    return cs.reconcile(a, b, kind="flow", n_boot=20)


def _revisions() -> Any:
    old = _obs([10.0, 20.0, 15.0])
    new = old.copy()
    new.loc[2, "value"] = 30.0
    return cs.revisions(old, new)


#: One way to make each public result class from the public function that returns it.
FACTORIES = {
    "RateResult": lambda: cs.rate(76, 188),
    "RateComparison": lambda: cs.compare_rates(76, 188, 60, 190),
    "PaceResult": lambda: cs.pace(_days([120.0, 145.0, 90.0, 188.0]), kind="flow"),
    "PaceRatio": lambda: cs.pace_ratio(30, 10, 20, 10),
    "TrendTest": lambda: cs.mann_kendall(_days([1.0, 3.0, 2.0, 5.0, 4.0, 6.0])),
    "TheilSenFit": lambda: cs.theil_sen(_days([1.0, 3.0, 2.0, 5.0, 4.0, 6.0])),
    "GeneralizedESDResult": lambda: cs.generalized_esd(
        _days([10.0, 11, 9, 10, 12, 10, 11, 9, 60, 10]), max_anomalies=2),
    "RecordTestResult": lambda: cs.record_test(_days([1.0, 3.0, 2.0, 5.0, 4.0, 6.0])),
    "ClaimCheck": lambda: cs.check_claim(_days([120.0, 145.0, 90.0, 188.0]), "largest ever",
                                         date="2024-11-04"),
    "DailyTrace": lambda: cs.daily_trace(_obs([188.0, 190.0]), metric="drones_launched"),
    "ObservationTable": lambda: cs.screen_observations(_obs([188.0, 190.0])),
    "Quantity": lambda: cs.parse_quantity("almost 235sq kilometres (91sq miles)"),
    "Reconciliation": _reconciliation,
    "Revisions": _revisions,
    "WeeklyReport": _weekly_report,
}

CLASSES = _public_result_classes()


class _Tables(HTMLParser):
    """Counts tables and collects the text, to check the markup parses as one table."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []
        self.tables = 0
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        if tag == "table":
            self.tables += 1
        self.opened.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.opened and self.opened[-1] == tag, f"</{tag}> closes {self.opened[-1:]}"
        self.opened.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(markup: str) -> _Tables:
    parser = _Tables()
    parser.feed(markup)
    parser.close()
    assert parser.opened == [], f"unclosed tags: {parser.opened}"
    return parser


def _text_field(obj: Result) -> str | None:
    """The first field typed plain ``str`` (``summary`` excepted: see below)."""
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        if hints[f.name] is str and f.name != "summary":
            return f.name
    return None


def test_every_public_result_class_has_a_factory_here():
    # a new result class must be added to FACTORIES, so the tests below cover it
    assert {cls.__name__ for cls in CLASSES.values()} == set(FACTORIES)
    assert len(CLASSES) >= 15


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_each_result_renders_as_one_html_table_of_its_fields(name):
    obj = FACTORIES[name]()
    assert type(obj).__name__ == name
    markup = obj._repr_html_()
    parsed = _parse(markup)
    assert parsed.tables == 1
    if callable(obj.summary):  # the summary follows the table
        assert html.escape(obj.summary()) in markup.split("</table>")[1]
    if type(obj)._repr_html_ is not Result._repr_html_:
        return  # reconcile's two results word their own rows
    # one row per field, each named in a header cell
    assert parsed.tags.count("tr") == len(dataclasses.fields(obj))
    text = "".join(parsed.text)
    for f in dataclasses.fields(obj):
        assert f.name in text
    # a frame is summarised by its shape, never dumped as its own table
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, pd.DataFrame):
            assert f"DataFrame, {len(value):,} rows × {value.shape[1]} columns" in text


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_a_script_in_a_text_field_is_escaped_in_the_html(name):
    obj = FACTORIES[name]()
    field = _text_field(obj)
    if field is None:
        # no text field: a frame holding the script is summarised by its shape, not shown
        frames = [f.name for f in dataclasses.fields(obj)
                  if isinstance(getattr(obj, f.name), pd.DataFrame)]
        if not frames:
            assert name == "TheilSenFit"  # numbers only: nothing to escape
            return
        frame = getattr(obj, frames[0]).assign(**{SCRIPT: SCRIPT})
        bad = dataclasses.replace(obj, **{frames[0]: frame})
        assert "<script" not in bad._repr_html_()
        return
    bad = dataclasses.replace(obj, **{field: SCRIPT})
    markup = bad._repr_html_()
    assert "<script" not in markup
    assert "&lt;script&gt;" in markup
    assert _parse(markup).tables == 1


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_each_result_has_a_summary_in_words(name):
    obj = FACTORIES[name]()
    if name == "WeeklyReport":
        # WeeklyReport has a field named ``summary`` (the Markdown of summary.md),
        # which hides the method on the instance; it is the report's summary.
        assert isinstance(obj.summary, str) and obj.summary
        assert "Drones launched" in obj._repr_html_()
        return
    text = obj.summary()
    assert isinstance(text, str) and text.strip()
    assert "\n" not in text
    assert "DataFrame" not in text and "(" + name not in text  # words, not a repr


def test_the_claim_check_summary_is_its_sentence_and_str_is_unchanged():
    check = FACTORIES["ClaimCheck"]()
    assert check.summary() == check.sentence == str(check)


def test_the_claim_check_repr_is_short_and_names_the_verdict():
    check = FACTORIES["ClaimCheck"]()
    text = repr(check)
    # the dataclass repr printed the sentence and the whole alternatives frame (~1,000 chars)
    assert len(text) < 200
    assert text.startswith("ClaimCheck(claim='record', date=2024-11-04, verdict='true'")
    assert f"<{len(check.alternatives)} definitions>" in text


def test_a_trend_summary_says_the_trend_and_the_p_value():
    res = FACTORIES["TrendTest"]()
    text = res.summary()
    assert text.startswith(res.trend.capitalize() + ": p = ")
    assert f"p = {res.p_value:.3g}" in text
    assert f"n = {res.n}" in text


def test_a_rate_summary_gives_the_rate_and_its_interval():
    res = cs.rate(76, 188)
    # Wilson interval of 76/188 at 95%: statsmodels proportion_confint(76, 188,
    # method="wilson") = (0.33669, 0.47556); the rate 76 / 188 = 0.40426
    assert res.summary() == "Rate 0.4043 (76 of 188); 95% wilson interval 0.3367 to 0.4756."


def test_outlier_dates_are_named_in_the_esd_summary():
    res = FACTORIES["GeneralizedESDResult"]()
    assert res.n_anomalies == 1  # the 60 among values near 10
    assert res.summary().endswith(": 2024-11-09.")


def test_missing_values_and_long_text_stay_compact_in_the_table():
    res = dataclasses.replace(cs.rate(76, 188), rate=float("nan"), method="x" * 500)
    table = res._repr_html_().split("</table>")[0]
    assert ">nan<" in table
    assert "x" * 500 not in table and "x" * 119 + "…" in table


def test_a_result_class_without_its_own_summary_gets_the_default_one():
    @dataclasses.dataclass(frozen=True)
    class Toy(Result):
        n_days: int
        share: float
        table: pd.DataFrame

    toy = Toy(n_days=7, share=0.25, table=pd.DataFrame({"a": [1, 2]}))
    assert toy.summary() == "Toy: n days 7, share 0.25."
    assert "DataFrame, 2 rows × 1 columns" in toy._repr_html_()
