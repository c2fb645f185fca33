"""Projection of a campaign's completion date: pure arithmetic on daily outcomes."""

from __future__ import annotations

import datetime as dt

from sil.campaigns.dashboard import (
    DailyPoint,
    Dashboard,
    Figures,
    ProjectionStatus,
    add_working_days,
    progress_chart,
    project,
    working_days,
)
from sil.campaigns.models import Campaign

D = dt.date


def _daily(days: list[dt.date], closed: int) -> list[DailyPoint]:
    return [DailyPoint(day, closed, closed) for day in days]


def test_working_days_skip_weekends_and_national_holidays():
    # Christmas Eve is a working day; 25 and 26 December are holidays, the 27th a Sunday.
    assert working_days(D(2026, 12, 24), D(2026, 12, 27)) == 1
    assert working_days(D(2026, 12, 28), D(2026, 12, 24)) == 0
    # 8 December (Immacolata) is skipped.
    assert add_working_days(D(2026, 12, 4), 2) == D(2026, 12, 9)
    assert add_working_days(D(2026, 12, 4), 0) == D(2026, 12, 4)
    # Far away: weeks are jumped, never a weekend as a result.
    assert add_working_days(D(2026, 1, 1), 5000).weekday() < 5


WEEKS = [D(2026, 11, d) for d in (16, 17, 18, 19, 20, 23, 24)]  # seven working days


def test_pace_of_the_recent_days_reaches_the_deadline():
    projection = project(100, _daily(WEEKS, 10), today=D(2026, 11, 25), deadline=D(2026, 12, 31))
    assert projection.rate == 10.0
    assert projection.window_days == 7 and projection.window_end == D(2026, 11, 24)
    # Ten working days after the 24th, skipping weekends and the 8th of December.
    assert projection.projected_on == D(2026, 12, 9)
    assert projection.status == ProjectionStatus.ON_TIME and projection.on_time
    assert "9 dicembre 2026" in projection.sentence.lower()
    assert "entro il termine" in projection.sentence
    left = working_days(D(2026, 11, 25), D(2026, 12, 31))
    assert projection.working_days_left == left
    assert projection.required_rate == 100 / left


def test_late_when_the_pace_is_too_slow():
    projection = project(100, _daily(WEEKS, 10), today=D(2026, 11, 25), deadline=D(2026, 12, 4))
    assert projection.status == ProjectionStatus.LATE and not projection.on_time
    assert projection.days_late == 2  # the 7th and the 9th
    assert "2 giorni lavorativi dopo il termine" in projection.sentence


def test_only_the_last_window_counts():
    early = [D(2026, 10, d) for d in (26, 27, 28, 29, 30)]
    recent = [D(2026, 11, d) for d in (9, 10, 11, 12, 13, 16, 17, 18, 19, 20)]
    daily = _daily(early, 50) + _daily(recent, 5)
    projection = project(50, daily, today=D(2026, 11, 23), deadline=D(2027, 3, 1))
    assert projection.window_days == 10 and projection.rate == 5.0
    assert projection.projected_on == add_working_days(D(2026, 11, 20), 10)


def test_days_without_outcomes_slow_the_pace_down():
    # Outcomes on Monday only; by Friday the window holds four working days.
    projection = project(
        10, _daily([D(2026, 11, 16)], 8), today=D(2026, 11, 20), deadline=D(2026, 12, 31)
    )
    assert projection.window_days == 4 and projection.rate == 2.0
    assert projection.projected_on == D(2026, 11, 26)


def test_today_alone_when_nothing_happened_before():
    projection = project(
        9, _daily([D(2026, 11, 25)], 3), today=D(2026, 11, 25), deadline=D(2026, 12, 31)
    )
    assert (projection.rate, projection.window_days) == (3.0, 1)
    assert projection.projected_on == D(2026, 11, 30)


def test_no_outcomes_no_projection_and_done_when_nothing_remains():
    none = project(10, [], today=D(2026, 11, 25), deadline=D(2026, 12, 31))
    assert none.status == ProjectionStatus.NO_DATA and none.projected_on is None
    assert "non è possibile stimare" in none.sentence
    done = project(0, _daily(WEEKS, 10), today=D(2026, 11, 25), deadline=D(2026, 12, 31))
    assert done.status == ProjectionStatus.DONE and done.projected_on == D(2026, 11, 24)


def test_a_crawl_is_late_without_running_out_of_calendar():
    projection = project(
        1_000_000, _daily([D(2026, 11, 24)], 1), today=D(2026, 11, 25), deadline=D(2026, 12, 31)
    )
    assert projection.status == ProjectionStatus.LATE
    assert projection.projected_on is not None and projection.projected_on.year < 2100


def test_progress_chart_draws_actual_projection_and_target():
    campaign = Campaign(pk=1, slug="c", name="C", deadline=D(2026, 12, 31))
    today = D(2026, 11, 25)
    daily = _daily(WEEKS, 10)
    totals = Figures(total=170, closed=70, remaining=100)
    projection = project(100, daily, today=today, deadline=campaign.deadline)
    dashboard = Dashboard(campaign, today, totals, projection, daily)
    chart = progress_chart(dashboard)
    labels = chart["config"]["data"]["labels"]
    actual, projected, target, seen = (d["data"] for d in chart["config"]["data"]["datasets"])
    assert labels[0] == "16/11/2026" and labels[-1] == "31/12/2026"
    today_index = labels.index("25/11/2026")
    assert actual[today_index] == 70 and actual[today_index + 1] is None
    assert projected[today_index] == 70 and projected[labels.index("09/12/2026")] == 170
    assert projected[today_index - 1] is None
    assert target[0] == 0 and target[-1] == 170
    assert seen[0] == 10 and seen[-1] is None
    assert chart["table"]["rows"][-1] == ["24/11/2026", 10, 10, 70]
