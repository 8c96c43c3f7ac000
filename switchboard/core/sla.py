"""Due times counted in working hours: "8 working hours after 17:30 on Thursday".

Pure Python (stdlib `datetime` and `zoneinfo` only). A schedule is a list of opening
periods per weekday in the department's own time zone; durations are added by walking
those periods forward. Wall-clock periods are turned into instants through the time
zone, so a day that loses or gains an hour to daylight saving counts what the clock on
the wall of the department shows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

MINUTES_PER_DAY = 24 * 60


class NoWorkingHours(ValueError):
    """The schedule has no opening period at all, so no working time can pass."""


class NaiveDatetime(ValueError):
    """A datetime without a time zone: it could mean any instant."""


@dataclass(frozen=True)
class WorkingHours:
    """Opening periods per weekday (0 = Monday) as (start, end) minutes after midnight.

    `end` may be 1440 (midnight at the end of the day); periods of a day must not overlap.
    """

    periods: Mapping[int, Sequence[tuple[int, int]]]
    tz: tzinfo

    def __post_init__(self) -> None:
        for weekday, spans in self.periods.items():
            if weekday not in range(7):
                raise ValueError(f"weekday {weekday} is not 0..6")
            last_end = -1
            for start, end in sorted(spans):
                if not 0 <= start < end <= MINUTES_PER_DAY:
                    raise ValueError(f"period {start}-{end} is not within one day")
                if start < last_end:
                    raise ValueError(f"periods overlap on weekday {weekday}")
                last_end = end

    @classmethod
    def always(cls, tz: tzinfo = UTC) -> WorkingHours:
        """Open around the clock: working time is calendar time."""
        return cls({d: [(0, MINUTES_PER_DAY)] for d in range(7)}, tz)

    @property
    def is_empty(self) -> bool:
        return not any(self.periods.get(d) for d in range(7))


def minutes(at: time) -> int:
    """Minutes after midnight of a wall-clock time (seconds are dropped)."""
    return at.hour * 60 + at.minute


def _check_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetime("give a datetime with its time zone")


def _instant(day: date, minute: int, tz: tzinfo) -> datetime:
    if minute >= MINUTES_PER_DAY:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
    return wall.astimezone(UTC)


def _periods_from(at: datetime, hours: WorkingHours) -> Iterator[tuple[datetime, datetime]]:
    """Open periods as UTC (start, end) pairs, from the one holding `at` onwards, clipped to `at`."""
    # A non-empty schedule opens at least once a week, so the walk below always ends.
    if hours.is_empty:
        raise NoWorkingHours("the schedule has no opening hours")
    at = at.astimezone(UTC)
    day = at.astimezone(hours.tz).date() - timedelta(days=1)  # a period may start the day before
    while True:
        for start_min, end_min in sorted(hours.periods.get(day.weekday(), ())):
            start = _instant(day, start_min, hours.tz)
            end = _instant(day, end_min, hours.tz)
            if end <= at or end <= start:
                continue
            yield max(start, at), end
        day += timedelta(days=1)


def add_working_time(start: datetime, duration: timedelta, hours: WorkingHours) -> datetime:
    """The instant at which `duration` of working time has passed since `start`.

    A zero duration gives the first working instant at or after `start`. The answer is
    in UTC. Raises NoWorkingHours for an empty schedule, NaiveDatetime for a naive start.
    """
    _check_aware(start)
    if duration < timedelta(0):
        raise ValueError("the duration must not be negative")
    left = duration
    for period_start, period_end in _periods_from(start, hours):
        length = period_end - period_start
        if left <= length:
            return period_start + left
        left -= length
    raise AssertionError("unreachable: _periods_from never ends")  # pragma: no cover


def working_time_between(start: datetime, end: datetime, hours: WorkingHours) -> timedelta:
    """How much working time lies between two instants (zero if `end` is not after `start`)."""
    _check_aware(start)
    _check_aware(end)
    total = timedelta(0)
    if end <= start:
        return total
    for period_start, period_end in _periods_from(start, hours):
        if period_start >= end:
            break
        total += min(period_end, end) - period_start
    return total


def is_open(at: datetime, hours: WorkingHours) -> bool:
    """Whether `at` falls inside an opening period (start included, end excluded)."""
    _check_aware(at)
    if hours.is_empty:
        return False
    local = at.astimezone(hours.tz)
    for day in (local.date() - timedelta(days=1), local.date()):
        for start_min, end_min in hours.periods.get(day.weekday(), ()):
            if _instant(day, start_min, hours.tz) <= at < _instant(day, end_min, hours.tz):
                return True
    return False


def next_opening(at: datetime, hours: WorkingHours) -> datetime:
    """`at` itself if open, else the start of the next opening period (UTC)."""
    return add_working_time(at, timedelta(0), hours)


def is_breached(due: datetime | None, now: datetime, finished: bool) -> bool:
    """An open item whose due time has passed; a finished one is never in breach."""
    return due is not None and not finished and now > due


__all__ = [
    "NaiveDatetime",
    "NoWorkingHours",
    "WorkingHours",
    "add_working_time",
    "is_breached",
    "is_open",
    "minutes",
    "next_opening",
    "working_time_between",
]
