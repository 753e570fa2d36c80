"""read_observations and screen_observations: the table, and every bad input named."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import conflictstats as cs
from conflictstats import DataWarning, ObservationError


def _frame(**over):
    base = {
        "metric": ["drones_launched", "drones_shot_down"],
        "value": [188, 76],
        "unit": "count",
        "kind": "flow",
        "start": "2024-11-25 19:30",
        "end": "2024-11-26 09:00",
    }
    base.update(over)
    return pd.DataFrame(base)


def test_valid_rows_give_the_standard_columns_in_order():
    obs = cs.read_observations(_frame())
    assert list(obs.columns) == list(cs.OBSERVATION_COLUMNS)
    assert obs["value"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(obs["start"])
    assert obs.loc[0, "end"] == pd.Timestamp("2024-11-26 09:00")
    assert obs["qualifier"].tolist() == ["exact", "exact"]


def test_extra_columns_are_kept_after_the_standard_ones():
    obs = cs.read_observations(_frame(region=["south", "north"]))
    assert list(obs.columns)[-1] == "region"
    assert obs["region"].tolist() == ["south", "north"]


def test_a_date_column_stands_for_start_and_end():
    df = _frame().drop(columns=["start", "end"]).assign(date="2024-11-26")
    obs = cs.read_observations(df)
    assert (obs["start"] == obs["end"]).all()


def test_csv_errors_name_the_file_line(tmp_path):
    path = tmp_path / "obs.csv"
    _frame(kind=["flow", "flux"]).to_csv(path, index=False)
    with pytest.raises(ObservationError, match=r"row 1 \(line 3 of obs.csv\), column 'kind'"):
        cs.read_observations(path)


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"kind": ["flow", "flux"]}, "kind", r"unknown kind .*got 'flux'"),
        ({"unit": ["count", "parsecs per drone"]}, "unit", r"unknown unit"),
        ({"end": ["2024-11-26 09:00", "2024-11-24"]}, "end", r"end is before start"),
        ({"value": [188, -76]}, "value", r"a count cannot be negative; got -76"),
        ({"value": [188, "about 76"]}, "value", r"not a number .*got 'about 76'"),
        ({"metric": ["drones_launched", None]}, "metric", r"metric is missing"),
        ({"metric": ["drones_launched", "Drones Shot"]}, "metric", r"snake_case"),
        ({"start": ["2024-11-25 19:30", "yesterday"]}, "start", r"not a date"),
        ({"qualifier": ["exact", "probably"]}, "qualifier", r"unknown qualifier"),
        ({"value": [188, float("inf")]}, "value", r"must be finite"),
    ],
)
def test_each_bad_input_raises_naming_row_column_and_value(change, column, message):
    with pytest.raises(ObservationError, match=rf"row 1, column '{column}': .*") as err:
        cs.read_observations(_frame(**change))
    assert err.value.row == 1
    assert err.value.column == column
    with pytest.raises(ObservationError, match=message):
        cs.read_observations(_frame(**change))


def test_a_share_outside_its_range_is_refused():
    df = pd.DataFrame({"metric": ["power_cut_share"], "value": [170], "unit": "percent",
                       "kind": "share", "end": "2024-11-26"})
    with pytest.raises(ObservationError, match=r"\[0, 100\]; got 170"):
        cs.read_observations(df)


def test_a_missing_required_column_is_named_with_what_was_found():
    with pytest.raises(ObservationError, match=r"required column 'kind' not found.*found metric"):
        cs.read_observations(_frame().drop(columns="kind"))


def test_non_unique_row_labels_are_refused():
    df = _frame()
    df.index = [3, 3]
    with pytest.raises(ObservationError, match="unique"):
        cs.read_observations(df)


def test_units_are_normalised_to_the_closed_list():
    obs = cs.read_observations(_frame(unit=" Hectare "))
    assert obs["unit"].tolist() == ["ha", "ha"]


@pytest.mark.parametrize("unit", ["k", "units", "parsec"])
def test_a_unit_pint_knows_but_the_closed_list_does_not_is_refused(unit):
    with pytest.raises(cs.ObservationError, match="unknown unit; accepted units are"):
        cs.read_observations(_frame(unit=unit))


def test_screening_sets_bad_rows_aside_with_every_reason_and_loses_none():
    df = _frame(value=[188, "n/a"], kind=["flow", "flux"])
    df = pd.concat([df, _frame()], ignore_index=True)
    with pytest.warns(DataWarning, match="1 of 4 observation rows set aside"):
        table = cs.screen_observations(df)
    assert table.n_read == 4
    assert list(table.set_aside.index) == [1]
    reason = table.set_aside.loc[1, "reason"]
    assert "not a number" in reason and "unknown kind" in reason
    assert sorted(table.observations.index) == [0, 2, 3]
    assert table.to_frame().iloc[0].tolist() == [4, 3, 1]


def test_screening_clean_input_warns_nothing_and_sets_nothing_aside():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = cs.screen_observations(_frame())
    assert table.set_aside.empty and len(table.observations) == 2


def test_a_missing_file_is_reported_with_its_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        cs.read_observations(tmp_path / "nope.csv")


def test_optional_flag_and_reported_columns_are_normalised_and_checked():
    import warnings

    import conflictstats as cs

    raw = pd.DataFrame({"metric": ["a", "a", "a"], "value": [1, 2, 3], "unit": "count",
                        "kind": "flow", "end": ["2024-01-01", "2024-01-02", "2024-01-03"],
                        "flag": ["", "  map_redraw ", None],
                        "reported": ["2024-01-05", None, "2024-01-06"]})
    obs = cs.read_observations(raw)
    assert obs["flag"].isna().tolist() == [True, False, True]  # blank means not flagged
    assert obs["flag"].iloc[1] == "map_redraw"
    assert str(obs["reported"].iloc[0].date()) == "2024-01-05" and pd.isna(obs["reported"].iloc[1])
    assert set(cs.OPTIONAL_COLUMNS) == {"flag", "reported"}
    bad = raw.assign(reported=["2024-01-05", "soon", None])
    with pytest.raises(cs.ObservationError, match="row 1, column 'reported': reported is not"):
        cs.read_observations(bad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = cs.screen_observations(bad)
    assert list(table.set_aside.index) == [1]


def test_text_columns_are_checked_once_per_distinct_value(monkeypatch):
    import importlib

    module = importlib.import_module("conflictstats.observations")
    seen = []
    real = module.normalise_unit
    monkeypatch.setattr(module, "normalise_unit", lambda u: seen.append(u) or real(u))
    n = 3000
    frame = pd.DataFrame({
        "metric": ["drones_launched", "occupied_area", "Bad Metric"] * (n // 3),
        "value": [1.0, 2.0, 3.0] * (n // 3),
        "unit": ["count", "km2", " COUNT "] * (n // 3),
        "kind": ["flow", "level", "flow"] * (n // 3),
        "end": "2024-11-26",
    })
    with pytest.warns(DataWarning, match="1000 of 3000 observation rows set aside"):
        table = cs.screen_observations(frame)
    assert sorted(seen) == [" COUNT ", "count", "km2"]  # 3,000 rows, three units
    # the answers reach every row: the bad metric sets aside its 1,000 rows, no more
    assert table.n_read - len(table.observations) == n // 3
    assert set(table.observations["unit"]) == {"count", "km2"}


def test_equal_python_values_of_different_types_stay_apart_as_text():
    # 1 and True are equal in Python (one hash-table slot); read as text, "1" is a number
    # and "True" is not
    frame = _frame(value=pd.Series([1, True], dtype=object))
    with pytest.raises(ObservationError, match="row 1, column 'value': value is not a number"):
        cs.read_observations(frame)
    with pytest.warns(DataWarning, match="1 of 2"):
        table = cs.screen_observations(frame)
    assert list(table.set_aside.index) == [1]
    assert table.observations["value"].tolist() == [1.0]
