"""The token bucket behind a client's request-rate cap, on a fake clock."""

from __future__ import annotations

import pytest

from oltflow.snmp.policer import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_requests_beyond_the_burst_wait_for_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10.0, burst=2, clock=clock, sleep=clock.sleep)

    waits = [bucket.acquire() for _ in range(6)]

    assert waits[:2] == [0.0, 0.0]
    assert waits[2:] == pytest.approx([0.1, 0.1, 0.1, 0.1])
    assert clock.now == pytest.approx(100.4)
    assert bucket.waited_s == pytest.approx(0.4)


def test_idle_time_refills_up_to_the_burst_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5.0, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        bucket.acquire()

    clock.now += 60.0

    assert [bucket.acquire() for _ in range(4)] == pytest.approx([0.0, 0.0, 0.0, 0.2])


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-1, 1), (1, 0)])
def test_invalid_rates_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="rate|burst"):
        TokenBucket(rate, burst=burst)
