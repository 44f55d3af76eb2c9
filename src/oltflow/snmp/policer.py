"""A request-rate cap for one SNMP client: a token bucket.

OLT agents are slow and CPU-bound; a cap keeps one poller from starving the agent's other
users. The bucket holds up to ``burst`` tokens and gains ``rate`` tokens per second; each
request takes one token and waits when none is left. The cap holds inside one client; the
coordinator's "one execution per OLT" rule is what keeps clients from adding up.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """Blocks ``acquire()`` callers so that at most ``rate`` requests per second pass.

    ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate {rate} must be positive")
        if burst < 1:
            raise ValueError(f"burst {burst} must be at least 1")
        self.rate = float(rate)
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self.waited_s = 0.0

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._stamp)
        self._stamp = now
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; return the seconds slept."""
        self._refill()
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        pause = (1.0 - self._tokens) / self.rate
        self._sleep(pause)
        self._refill()
        # The pause paid for this token; do not spin on rounding errors.
        self._tokens = max(0.0, self._tokens - 1.0)
        self.waited_s += pause
        return pause
