"""Retries, in one layer: classify an ARM error by its code, then wait and try again or stop.

Who uses it: the executor wraps every read, write and delete in ``run_with_retries``. The SDK
clients are built with ``retry_total=0`` so this is the only retry loop. Classification is one
table keyed by ARM error code (see ``CLASSIFICATION``); the HTTP status only decides for codes
the table does not know. Waits honour the server's Retry-After; otherwise exponential backoff.
A throttled request (429) is not an attempt: it waits the server's Retry-After and tries again,
bounded only by the deadline, because the request never reached the resource provider.
Sleep and clock are injectable so tests run in virtual time.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception

from lzengine.errors import ProviderError

T = TypeVar("T")


class Classification(enum.Enum):
    RETRYABLE = "retryable"
    FATAL = "fatal"


R, F = Classification.RETRYABLE, Classification.FATAL

#: ARM error code (lower case) → classification. Codes not here fall back to the HTTP status.
CLASSIFICATION: dict[str, Classification] = {
    code.lower(): cls
    for code, cls in {
        # busy parents, locks and eventual consistency: try again
        "AnotherOperationInProgress": R,
        "RetryableError": R,
        "RetryableErrorDueToAnotherOperation": R,
        "RequestConflict": R,
        "Conflict": R,
        "ReferencedResourceNotProvisioned": R,
        "AccountProvisioningStateInvalid": R,
        "FirewallPolicyUpdateFailed": R,
        "PrincipalNotFound": R,
        "InternalServerError": R,
        "ServiceUnavailable": R,
        "GatewayTimeout": R,
        "TooManyRequests": R,
        "ConnectionError": R,
        "OperationTimedOut": R,
        "ResourceNotFound": R,  # read-after-create; writes only see it for parents not yet visible
        "ParentResourceNotFound": R,
        "ResourceGroupNotFound": R,
        # a group still being deleted (a destroy just before, or another run) refuses writes with 409 until
        # ARM has finished; a create then succeeds, so wait within the deadline (skypilot-org/skypilot#3712
        # waits for exactly this after a delete; Azure/azure-cli#28679 shows the 409)
        "ResourceGroupBeingDeleted": R,
        # the request itself is wrong, or a person must decide: stop
        "InvalidParameter": F,
        "InvalidParameterValue": F,
        "InvalidRequestContent": F,
        "InvalidResourceReference": F,
        "BadRequest": F,
        "LocationRequired": F,
        "LocationNotAvailableForResourceType": F,
        "InvalidResourceType": F,
        "NoRegisteredProviderFound": F,
        "MissingApiVersionParameter": F,
        "InvalidApiVersionParameter": F,
        "PropertyChangeNotAllowed": F,
        "RequestDisallowedByPolicy": F,
        "InsufficientQuota": F,
        "QuotaExceeded": F,
        "SkuNotAvailable": F,
        "AuthorizationFailed": F,
        "AuthenticationFailed": F,
        "InvalidAuthenticationToken": F,
        "LinkedAuthorizationFailed": F,
        "SubscriptionNotFound": F,
        "FlagMustBeSetForRestore": F,
        "ServiceAlreadyExistsInSoftDeletedState": F,  # API Management
        "CustomDomainInUse": F,
        "ServiceNameUnavailable": F,
        "InvalidServiceName": F,
        "InUseSubnetCannotBeDeleted": F,
        "NetcfgSubnetRangeOutsideVnet": F,
        "NetcfgInvalidSubnet": F,
        "SubnetsHaveNoServiceEndpointsConfigured": F,
        "PreconditionFailed": F,
        "MissingSubscriptionRegistration": F,
        "UnresolvedReference": F,
        "ConflictError": F,
        "VaultAlreadyExists": F,
        "SoftDeletedVaultDoesNotExist": F,
        "StorageAccountAlreadyTaken": F,
        "AccountNameInvalid": F,
    }.items()
}

#: What to tell a person for fatal codes, keyed like CLASSIFICATION.
HINTS: dict[str, str] = {
    "requestdisallowedbypolicy": (
        "an Azure Policy assignment denies this resource; change the plan or ask the platform team for an exemption"
    ),
    "insufficientquota": "request more quota for this model/SKU in this region, or lower the capacity",
    "authorizationfailed": (
        "the identity lzengine runs as lacks a role on this scope; grant Contributor or narrow --team"
    ),
    "servicealreadyexistsinsoftdeletedstate": (
        "a soft-deleted API Management service holds this name: recover it with 'restore: true' under the "
        "ai_gateway, or purge it with 'lzengine destroy FILE --purge'"
    ),
    "flagmustbesetforrestore": (
        "a soft-deleted account holds this name: recover it with 'restore: true' under the spoke's ai, "
        "or purge it with 'lzengine destroy FILE --purge'"
    ),
    "customdomaininuse": (
        "the custom subdomain is held by another (possibly soft-deleted) account; purge it or pick another name"
    ),
    "conflicterror": (
        "a soft-deleted Key Vault may hold this name: recover it with 'restore: true' under the key_vault, or "
        "purge it with 'lzengine destroy FILE --purge' (not possible under purge protection before its purge date)"
    ),
    "softdeletedvaultdoesnotexist": "no soft-deleted vault of this name is left to recover: remove 'restore: true'",
    "vaultalreadyexists": (
        "Key Vault names are global: another vault holds this one, or a soft-deleted vault does (yours after a "
        "destroy: 'restore: true' under the key_vault recovers it, 'lzengine destroy FILE --purge' frees it); "
        "else give the key_vault another 'name'"
    ),
    "accountnameinvalid": "storage account names are 3-24 lower-case letters and digits: fix the storage 'name'",
    "storageaccountalreadytaken": "storage account names are global and this one is taken: give storage a 'name'",
    "missingsubscriptionregistration": "register the resource provider on the subscription (az provider register)",
    "subscriptionnotfound": "check --subscription / AZURE_SUBSCRIPTION_ID",
    "authenticationfailed": "sign in (az login) or configure a managed/workload identity; see DefaultAzureCredential",
    "noregisteredproviderfound": "the api-version or location is not supported for this type",
    "inusesubnetcannotbedeleted": "delete the resources inside the subnet first",
    "unresolvedreference": "the referenced resource does not return that field; check the path in the plan",
}


def classify(error: BaseException) -> Classification:
    """Retryable or fatal, by ARM code first, then HTTP status (unknown 400 fatal, else retry)."""
    if not isinstance(error, ProviderError):
        return F
    known = CLASSIFICATION.get(error.code.lower())
    if known is not None:
        return known
    if error.code.lower().startswith("retryable"):
        return R
    if error.status in (400, 401, 403, 405, 409, 412, 422):
        return F
    return R


#: ARM codes of a request refused by throttling (ARM's own, and providers' variants)
THROTTLE_CODES = frozenset(c.lower() for c in ("TooManyRequests", "SubscriptionRequestsThrottled",
                                                "TenantRequestsThrottled", "ResourceRequestsThrottled"))


def is_throttled(error: BaseException | None) -> bool:
    """True for a 429: the request was turned away before the provider saw it."""
    if not isinstance(error, ProviderError):
        return False
    code = error.code.lower()
    if code in THROTTLE_CODES:
        return True
    # a provider's own 429 with a code we know (RetryableErrorDueToAnotherOperation ...) is a busy
    # resource, not throttling: it costs an attempt like any conflict
    return error.status == 429 and code not in CLASSIFICATION and not code.startswith("retryable")


def hint_for(error: ProviderError) -> str:
    return HINTS.get(error.code.lower(), "")


@dataclass
class RetryPolicy:
    """How long and how often to retry one operation.

    ``backoff_scale`` multiplies lzengine's own backoff (not the server's Retry-After): the
    local target sets it to the emulator's time scale so a fault test waits milliseconds.
    """

    max_attempts: int = 30
    base_delay_s: float = 2.0
    max_delay_s: float = 60.0
    backoff_scale: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def delay(self, attempt: int, error: BaseException | None) -> float:
        """Seconds to wait before attempt ``attempt + 1``."""
        if isinstance(error, ProviderError) and error.retry_after:
            return min(error.retry_after, self.max_delay_s * 10)
        backoff = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return backoff * (0.5 + self.rng.random() / 2) * self.backoff_scale


@dataclass
class Attempts:
    """Counts attempts of one operation, for the report (throttled requests apart: they are not
    attempts)."""

    count: int = 0
    last_error: BaseException | None = None
    throttled: int = 0


def run_with_retries(
    operation: Callable[[], T],
    policy: RetryPolicy,
    *,
    deadline_s: float,
    attempts: Attempts,
    on_retry: Callable[[BaseException, float], None] | None = None,
) -> T:
    """Run ``operation`` until it succeeds, fails fatally, or runs out of attempts or time.

    A throttled try (429) waits the server's Retry-After and does not count as an attempt."""
    start = policy.clock()
    free: set[int] = set()  # numbers of the tries that were throttled: not attempts

    def note_throttled(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if is_throttled(error) and state.attempt_number not in free:
            free.add(state.attempt_number)
            attempts.throttled += 1
            attempts.count -= 1
    planned: dict[int, float] = {}  # attempt number -> the delay chosen for it, computed once

    def delay_after(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        return planned.setdefault(state.attempt_number, policy.delay(state.attempt_number, error))

    def counted() -> T:
        attempts.count += 1
        return operation()

    def stop(state: RetryCallState) -> bool:
        note_throttled(state)
        out_of_attempts = state.attempt_number - len(free) >= policy.max_attempts
        return out_of_attempts or policy.clock() - start + delay_after(state) > deadline_s

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        attempts.last_error = error
        note_throttled(state)
        delay = delay_after(state)
        if on_retry is not None and error is not None:
            on_retry(error, delay)
        return delay

    retrying = Retrying(
        retry=retry_if_exception(lambda e: classify(e) is Classification.RETRYABLE),
        stop=stop,
        wait=wait,
        sleep=policy.sleep,
        reraise=True,
    )
    return retrying(counted)
