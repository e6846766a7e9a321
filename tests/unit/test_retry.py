"""Retries are classified by ARM code and run in virtual time."""

from __future__ import annotations

import pytest

from lzengine.errors import ProviderError
from lzengine.retry import Attempts, Classification, RetryPolicy, classify, run_with_retries


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("AnotherOperationInProgress", 409, Classification.RETRYABLE),
        ("RequestConflict", 409, Classification.RETRYABLE),
        ("RetryableErrorDueToAnotherOperation", 429, Classification.RETRYABLE),
        ("SomethingNew", 429, Classification.RETRYABLE),
        ("SomethingNew", 503, Classification.RETRYABLE),
        ("SomethingNew", 400, Classification.FATAL),
        ("InvalidParameter", 400, Classification.FATAL),
        ("RequestDisallowedByPolicy", 403, Classification.FATAL),
        ("InsufficientQuota", 400, Classification.FATAL),
        ("FlagMustBeSetForRestore", 409, Classification.FATAL),
        ("PrincipalNotFound", 400, Classification.RETRYABLE),
        ("Failed", 200, Classification.RETRYABLE),
    ],
)
def test_classification_table(code: str, status: int, expected: Classification) -> None:
    assert classify(ProviderError(code, "m", status=status)) is expected


def test_conflict_then_success_takes_two_attempts_in_zero_wall_time() -> None:
    clock = VirtualTime()
    calls = iter([ProviderError("AnotherOperationInProgress", "busy", status=409, retry_after=7), "done"])

    def operation() -> str:
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    attempts = Attempts()
    policy = RetryPolicy(sleep=clock.sleep, clock=clock.clock)
    assert run_with_retries(operation, policy, deadline_s=60, attempts=attempts) == "done"
    assert attempts.count == 2
    assert clock.sleeps == [7]  # Retry-After honoured


def test_fatal_error_is_not_retried() -> None:
    clock = VirtualTime()
    attempts = Attempts()

    def operation() -> None:
        raise ProviderError("InvalidParameter", "no", status=400)

    with pytest.raises(ProviderError):
        run_with_retries(operation, RetryPolicy(sleep=clock.sleep, clock=clock.clock), deadline_s=60,
                         attempts=attempts)
    assert attempts.count == 1 and clock.sleeps == []


def test_deadline_stops_retrying() -> None:
    clock = VirtualTime()
    attempts = Attempts()

    def operation() -> None:
        raise ProviderError("InternalServerError", "boom", status=500, retry_after=30)

    with pytest.raises(ProviderError):
        run_with_retries(operation, RetryPolicy(sleep=clock.sleep, clock=clock.clock), deadline_s=100,
                         attempts=attempts)
    assert attempts.count == 4 and clock.now <= 100


def test_backoff_grows_and_scales() -> None:
    policy = RetryPolicy(base_delay_s=1, max_delay_s=8, backoff_scale=0.5)
    delays = [policy.delay(n, None) for n in range(1, 7)]
    assert all(d <= 8 * 0.5 for d in delays)
    assert delays[3] > delays[0]


def test_a_missing_credential_is_fatal_not_retried() -> None:
    from azure.identity import CredentialUnavailableError

    from lzengine.adapters.azure_sdk import to_provider_error
    from lzengine.retry import hint_for

    error = to_provider_error(CredentialUnavailableError("no az login"), "/subscriptions/s", "read")
    assert (error.code, error.status) == ("AuthenticationFailed", 401)
    assert classify(error) is Classification.FATAL and "az login" in hint_for(error)


def test_throttled_tries_cost_no_attempt_and_wait_the_servers_retry_after() -> None:
    clock = VirtualTime()
    throttled = [ProviderError("SubscriptionRequestsThrottled", "slow down", status=429, retry_after=0.5)] * 45
    calls = iter([*throttled, ProviderError("InternalServerError", "boom", status=500, retry_after=1), "done"])

    def operation() -> str:
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    attempts = Attempts()
    policy = RetryPolicy(max_attempts=30, sleep=clock.sleep, clock=clock.clock)
    assert run_with_retries(operation, policy, deadline_s=600, attempts=attempts) == "done"
    assert attempts.count == 2 and attempts.throttled == 45  # 45 > max_attempts: none of them counted
    assert clock.sleeps == [0.5] * 45 + [1]


def test_only_the_deadline_bounds_throttling() -> None:
    clock = VirtualTime()
    attempts = Attempts()

    def operation() -> None:
        raise ProviderError("SubscriptionRequestsThrottled", "slow down", status=429, retry_after=10)

    with pytest.raises(ProviderError):
        run_with_retries(operation, RetryPolicy(max_attempts=3, sleep=clock.sleep, clock=clock.clock),
                         deadline_s=95, attempts=attempts)
    assert len(clock.sleeps) == 9 and attempts.throttled == 10 and attempts.count == 0


def test_a_providers_busy_429_is_an_attempt() -> None:
    clock = VirtualTime()
    attempts = Attempts()

    def operation() -> None:
        raise ProviderError("RetryableErrorDueToAnotherOperation", "busy", status=429, retry_after=1)

    with pytest.raises(ProviderError):
        run_with_retries(operation, RetryPolicy(max_attempts=3, sleep=clock.sleep, clock=clock.clock),
                         deadline_s=600, attempts=attempts)
    assert attempts.count == 3 and attempts.throttled == 0
