"""war_day, war_date and report_dates."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictstats import war_date, war_day
from conflictstats.calendar import report_dates


def test_the_invasion_day_is_day_one_and_19_november_2024_day_1000():
    # the General Staff's count: 25 Feb 2022 is day 2 (its "day" column)
    assert war_day("2022-02-24") == 1
    assert war_day("2022-02-25") == 2
    assert war_day("2024-11-19") == 1000


def test_the_seed_articles_day_1007_is_reproduced_with_elapsed_days():
    assert war_day("2024-11-27", base=0) == 1007
    assert war_day("2024-11-26") == 1007  # the day whose events that list reports
    assert war_date(1007, base=0) == pd.Timestamp("2024-11-27")


def test_clock_times_do_not_change_the_day_number():
    assert war_day("2024-11-19 23:59") == 1000


@given(st.integers(-500, 5000), st.sampled_from([0, 1]))
def test_war_date_inverts_war_day(day, base):
    assert war_day(war_date(day, base=base), base=base) == day


def test_vector_inputs_keep_their_shape():
    s = pd.Series(pd.to_datetime(["2022-02-24", "2024-11-19"]), index=["a", "b"])
    out = war_day(s)
    assert out.tolist() == [1, 1000] and list(out.index) == ["a", "b"]
    assert war_day(["2022-02-24", "2022-02-26"]).tolist() == [1, 3]
    assert list(war_date([1, 1000])) == [pd.Timestamp("2022-02-24"), pd.Timestamp("2024-11-19")]


def test_bad_base_and_bad_dates_raise():
    with pytest.raises(ValueError, match="base must be one of 0, 1; got 2"):
        war_day("2024-11-19", base=2)
    with pytest.raises(ValueError, match="date must be a date such as"):
        war_day("the day after")
    with pytest.raises(TypeError, match="day must be a whole number"):
        war_date(3.5)


def test_report_dates_follow_the_overnight_rule():
    first, last = report_dates(["2024-11-25 19:30"], ["2024-11-26 09:00"], overnight="start")
    assert first[0] == last[0] == pd.Timestamp("2024-11-25")
