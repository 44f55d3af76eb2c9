"""The pure scheduling policy: priorities, ordering, the time grid, missed runs, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oltflow.coordinator import policy

T = datetime(2026, 12, 3, 10, 0, 5, tzinfo=UTC)


def test_kinds_have_one_priority_scale_and_nodes_override_it():
    assert policy.effective_priority("discovery", None) == 90
    assert policy.effective_priority("get", None) == 40
    assert policy.effective_priority("walk", None) == 30
    assert policy.effective_priority("other", None) == 50
    assert policy.effective_priority("get", 95) == 95


def test_ordering_key_sorts_the_seed_example():
    jobs = [
        (40, "GET Estado ONU-2", 1),
        (90, "Discovery Puertos", 2),
        (40, "GET Estado ONU-1", 3),
        (90, "Discovery ONUs", 4),
    ]
    ordered = sorted(jobs, key=lambda j: policy.ordering_key(*j))
    assert [name for _, name, _ in ordered] == [
        "Discovery ONUs",
        "Discovery Puertos",
        "GET Estado ONU-1",
        "GET Estado ONU-2",
    ]


def test_ordering_key_puts_run_now_requests_first_and_breaks_ties_by_id():
    assert policy.ordering_key(10, "z", 9, requested=True) < policy.ordering_key(100, "a", 1)
    assert policy.ordering_key(50, "same", 1) < policy.ordering_key(50, "same", 2)


def test_queues_per_kind():
    assert policy.queue_for("discovery", retry=False) == "discovery_main"
    assert policy.queue_for("discovery", retry=True) == "discovery_retry"
    assert policy.queue_for("get", retry=True) == "get_retry"
    assert policy.queue_for("walk", retry=False) == "get_main"


def test_grid_points_sit_on_the_kind_offset():
    assert policy.first_run_at(T, 60, 0) == T.replace(minute=1, second=0)
    assert policy.first_run_at(T, 60, 10) == T.replace(second=10)
    assert policy.next_run_after(T.replace(second=10), 60, 10) == T.replace(minute=1, second=10)
    assert policy.first_run_at(T.replace(second=10), 60, 10) == T.replace(second=10)
    assert policy.first_run_at(T, 180, 0) == T.replace(minute=3, second=0)
    # An offset larger than the interval wraps around it.
    assert policy.first_run_at(T, 5, 12) == T.replace(second=7)


def test_interval_must_be_positive():
    with pytest.raises(ValueError):
        policy.first_run_at(T, 0, 0)


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    interval=st.integers(min_value=1, max_value=7 * 86400),
    offset=st.integers(min_value=0, max_value=59),
)
def test_grid_math_is_exact_to_the_microsecond(moment, interval, offset):
    point = policy.next_run_after(moment, interval, offset)
    since_epoch = point - datetime(1970, 1, 1, tzinfo=UTC)
    assert since_epoch % timedelta(seconds=interval) == timedelta(seconds=offset % interval)
    assert moment < point <= moment + timedelta(seconds=interval)
    first = policy.first_run_at(moment, interval, offset)
    assert first == (moment if first == moment else point)


def test_advance_on_time_misses_nothing():
    step = policy.advance(T.replace(second=0), T, 60, 0)
    assert step == policy.Advance(T.replace(minute=1, second=0), 0)


def test_advance_after_an_outage_runs_once_and_counts_the_missed_periods():
    scheduled = T.replace(second=10)
    step = policy.advance(scheduled, scheduled + timedelta(hours=2, seconds=3), 60, 10)
    assert step.next_run_at == scheduled + timedelta(hours=2, minutes=1)
    assert step.missed == 120


def test_advance_counts_a_period_that_came_due_exactly_at_the_claim():
    step = policy.advance(T.replace(second=0), T.replace(minute=1, second=0), 60, 0)
    assert step == policy.Advance(T.replace(minute=2, second=0), 1)


def test_advance_for_a_run_requested_off_the_grid_keeps_the_grid():
    step = policy.advance(T, T, 60, 10)
    assert step == policy.Advance(T.replace(second=10), 0)


@given(
    late=st.integers(min_value=0, max_value=10**7),
    interval=st.integers(min_value=1, max_value=86400),
)
def test_advance_never_schedules_in_the_past_nor_skips_the_next_point(late, interval):
    scheduled = policy.first_run_at(T, interval, 0)
    now = scheduled + timedelta(milliseconds=late)
    step = policy.advance(scheduled, now, interval, 0)
    assert now < step.next_run_at <= now + timedelta(seconds=interval)
    assert step.missed == (step.next_run_at - scheduled) // timedelta(seconds=interval) - 1


def test_minimum_gap():
    assert policy.min_gap_blocks(T - timedelta(seconds=2.9), T, 3)
    assert not policy.min_gap_blocks(T - timedelta(seconds=3), T, 3)
    assert not policy.min_gap_blocks(None, T, 3)


def test_retry_backoff_doubles():
    assert [policy.retry_delay(30, n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    with pytest.raises(ValueError):
        policy.retry_delay(30, 0)


def test_retries_stop_after_max_retries_or_when_the_next_run_comes_first():
    far = T + timedelta(hours=1)
    assert policy.retry_at(attempt=1, max_retries=2, delay_seconds=30, now=T, next_run_at=far) == (
        T + timedelta(seconds=30)
    )
    assert policy.retry_at(attempt=2, max_retries=2, delay_seconds=30, now=T, next_run_at=far) == (
        T + timedelta(seconds=60)
    )
    assert (
        policy.retry_at(attempt=3, max_retries=2, delay_seconds=30, now=T, next_run_at=far) is None
    )
    soon = T + timedelta(seconds=20)
    assert (
        policy.retry_at(attempt=1, max_retries=2, delay_seconds=30, now=T, next_run_at=soon) is None
    )
    assert policy.retry_at(attempt=1, max_retries=2, delay_seconds=30, now=T, next_run_at=None)
