"""Due times in working hours: the arithmetic behind ticket SLAs."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switchboard.core.sla import (
    NaiveDatetime,
    NoWorkingHours,
    WorkingHours,
    add_working_time,
    is_breached,
    is_open,
    next_opening,
    working_time_between,
)

DHAKA = ZoneInfo("Asia/Dhaka")
# Sunday to Thursday 09:00-13:00 and 14:00-18:00; Saturday 10:00-14:00; Friday closed.
OFFICE = WorkingHours(
    {
        6: [(540, 780), (840, 1080)],
        0: [(540, 780), (840, 1080)],
        1: [(540, 780), (840, 1080)],
        2: [(540, 780), (840, 1080)],
        3: [(540, 780), (840, 1080)],
        5: [(600, 840)],
    },
    DHAKA,
)


def dhaka(*args) -> datetime:
    return datetime(*args, tzinfo=DHAKA)


def test_time_within_one_period_is_plain_addition():
    assert add_working_time(dhaka(2026, 11, 30, 9, 30), timedelta(hours=2), OFFICE) == dhaka(
        2026, 11, 30, 11, 30
    )


def test_the_lunch_break_does_not_count():
    # Monday 12:00 + 2 h: one hour before lunch, one after it.
    assert add_working_time(dhaka(2026, 11, 30, 12, 0), timedelta(hours=2), OFFICE) == dhaka(
        2026, 11, 30, 15, 0
    )


def test_a_complaint_filed_on_thursday_evening_is_due_after_the_weekend():
    # Thursday 17:00 + 8 h: 1 h on Thursday, Friday closed, 4 h on Saturday, 3 h on Sunday.
    due = add_working_time(dhaka(2026, 12, 3, 17, 0), timedelta(hours=8), OFFICE)
    assert due == dhaka(2026, 12, 6, 12, 0)
    assert due.tzinfo == UTC


def test_time_filed_while_closed_starts_at_the_next_opening():
    assert next_opening(dhaka(2026, 12, 4, 11, 0), OFFICE) == dhaka(2026, 12, 5, 10, 0)
    assert add_working_time(dhaka(2026, 12, 4, 11, 0), timedelta(minutes=30), OFFICE) == dhaka(
        2026, 12, 5, 10, 30
    )


def test_the_department_is_open_inside_its_hours_only():
    assert is_open(dhaka(2026, 11, 30, 9, 0), OFFICE)
    assert not is_open(dhaka(2026, 11, 30, 13, 30), OFFICE)
    assert not is_open(dhaka(2026, 11, 30, 18, 0), OFFICE)
    assert not is_open(dhaka(2026, 12, 4, 11, 0), OFFICE)  # Friday


def test_hours_are_read_in_the_departments_time_zone():
    # 03:30 UTC is 09:30 in Dhaka.
    assert is_open(datetime(2026, 11, 30, 3, 30, tzinfo=UTC), OFFICE)
    assert not is_open(datetime(2026, 11, 30, 13, 0, tzinfo=UTC), OFFICE)  # 19:00


def test_a_day_lost_to_daylight_saving_counts_its_wall_clock_hours():
    berlin = ZoneInfo("Europe/Berlin")
    night = WorkingHours({d: [(0, 1440)] for d in range(7)}, berlin)
    start = datetime(2026, 3, 29, 0, 0, tzinfo=berlin)  # clocks jump 02:00 -> 03:00
    assert add_working_time(start, timedelta(hours=23), night) == datetime(
        2026, 3, 30, 0, 0, tzinfo=berlin
    )


def test_an_empty_schedule_and_a_naive_time_are_refused():
    with pytest.raises(NoWorkingHours):
        add_working_time(dhaka(2026, 11, 30, 9), timedelta(hours=1), WorkingHours({}, DHAKA))
    with pytest.raises(NaiveDatetime):
        add_working_time(datetime(2026, 11, 30, 9), timedelta(hours=1), OFFICE)
    with pytest.raises(ValueError):
        WorkingHours({1: [(600, 500)]}, DHAKA)
    with pytest.raises(ValueError):
        WorkingHours({1: [(500, 700), (600, 800)]}, DHAKA)


def test_only_unfinished_items_past_their_due_time_are_breached():
    now = dhaka(2026, 11, 30, 12)
    assert is_breached(dhaka(2026, 11, 30, 11), now, finished=False)
    assert not is_breached(dhaka(2026, 11, 30, 11), now, finished=True)
    assert not is_breached(dhaka(2026, 11, 30, 13), now, finished=False)
    assert not is_breached(None, now, finished=False)


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))
spans = st.lists(
    st.tuples(st.integers(0, 1439), st.integers(1, 720)).map(lambda p: (p[0], min(1440, sum(p)))),
    max_size=3,
)


def _schedules():
    def build(days):
        periods = {}
        for weekday, raw in days.items():
            kept, last = [], -1
            for start, end in sorted(raw):
                if start >= last:
                    kept.append((start, end))
                    last = end
            periods[weekday] = kept
        return WorkingHours(periods, DHAKA)

    return (
        st.dictionaries(st.integers(0, 6), spans, min_size=1)
        .map(build)
        .filter(lambda h: not h.is_empty)
    )


@settings(max_examples=80, deadline=None)
@given(start=instants, duration=durations, hours=_schedules())
def test_the_working_time_up_to_the_due_time_is_the_duration(start, duration, hours):
    due = add_working_time(start, duration, hours)
    assert due >= start
    assert working_time_between(start, due, hours) == duration


@settings(max_examples=80, deadline=None)
@given(start=instants, a=durations, b=durations, hours=_schedules())
def test_a_longer_duration_is_never_due_sooner(start, a, b, hours):
    short, long = sorted([a, b])
    assert add_working_time(start, short, hours) <= add_working_time(start, long, hours)


@settings(max_examples=50, deadline=None)
@given(start=instants, duration=durations)
def test_around_the_clock_working_time_is_calendar_time(start, duration):
    assert add_working_time(start, duration, WorkingHours.always(DHAKA)) == start + duration


@settings(max_examples=80, deadline=None)
@given(start=instants, duration=durations.filter(bool), hours=_schedules())
def test_a_positive_due_time_falls_inside_or_at_the_end_of_a_period(start, duration, hours):
    due = add_working_time(start, duration, hours)
    assert is_open(due - timedelta(microseconds=1), hours)
