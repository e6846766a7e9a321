"""ARM error bodies the emulator sends, one constructor per error code.

Raised by :mod:`lzengine.emulator.backend` and :mod:`lzengine.emulator.app`, turned into an HTTP
response by the app. Every error has the ARM shape ``{"error": {"code", "message", "target",
"details"}}`` because the hybrid-model SDK packages log a traceback on an empty error body. Message
templates follow shared/data/errors/error-catalog.json and arm-protocol.md §6.
"""

from __future__ import annotations

from typing import Any


class ArmError(Exception):
    """An ARM error response: HTTP status, code, message and optional extras."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        target: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        gateway: bool = False,
        raw: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details or []
        self.headers = dict(headers or {})
        self.raw = raw  # a complete body given by the caller (policy denials)
        if gateway:
            self.headers["x-ms-failure-cause"] = "gateway"

    def body(self) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "target": self.target,
                "details": self.details,
            }
        }


def missing_api_version() -> ArmError:
    return ArmError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
        gateway=True,
    )


def invalid_api_version(api_version: str) -> ArmError:
    return ArmError(
        400,
        "InvalidApiVersionParameter",
        f"The api-version '{api_version}' is invalid. The supported versions are dated "
        "'YYYY-MM-DD', optionally followed by a suffix such as '-preview'.",
        gateway=True,
    )


def no_registered_provider(location: str, api_version: str, type_: str, versions: list[str],
                           locations: list[str]) -> ArmError:
    return ArmError(
        400,
        "NoRegisteredProviderFound",
        f"No registered resource provider found for location '{location}' and API version "
        f"'{api_version}' for type '{type_.split('/', 1)[1] if '/' in type_ else type_}'. "
        f"The supported api-versions are '{', '.join(versions)}'. "
        f"The supported locations are '{', '.join(locations)}'.",
        gateway=True,
    )


def location_not_available(location: str, type_: str, locations: list[str]) -> ArmError:
    return ArmError(
        400,
        "LocationNotAvailableForResourceType",
        f"The provided location '{location}' is not available for resource type '{type_}'. "
        f"List of available regions for the resource type is '{','.join(locations)}'.",
        gateway=True,
    )


def authentication_failed(message: str) -> ArmError:
    return ArmError(
        401,
        "AuthenticationFailed",
        message,
        headers={"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/'
                 'common", error="invalid_token"'},
        gateway=True,
    )  # fmt: skip


def authorization_failed(object_id: str, action: str, scope: str) -> ArmError:
    return ArmError(
        403,
        "AuthorizationFailed",
        f"The client '{object_id}' with object id '{object_id}' does not have authorization to "
        f"perform action '{action}' over scope '{scope}' or the scope is invalid. If access was "
        "recently granted, please refresh your credentials.",
        gateway=True,
    )


def linked_authorization_failed(object_id: str, action: str, scope: str,
                                missing: list[tuple[str, str]]) -> ArmError:
    """403 when the caller may write a resource but lacks the ``join``-style action on a resource the
    body links (see :mod:`lzengine.emulator.linked_access`). ``missing``: (action, linked scope)."""
    actions = ",".join(sorted({a for a, _ in missing}))
    scopes = ",".join(s for _, s in missing)
    return ArmError(
        403,
        "LinkedAuthorizationFailed",
        f"The client '{object_id}' with object id '{object_id}' has permission to perform action '{action}' on "
        f"scope '{scope}'; however, it does not have permission to perform action(s) '{actions}' on the linked "
        f"scope(s) '{scopes}' (respectively) or the linked scope(s) are invalid.",
        gateway=True,
    )


def location_changed(name: str, old: str, new: str, rg: str) -> ArmError:
    """A PUT/PATCH naming another region than the resource's: 409 ``InvalidResourceLocation`` (message as
    quoted in several public reports, e.g. Azure/azure-cli extensions and terraform logs)."""
    return ArmError(
        409, "InvalidResourceLocation",
        f"The resource '{name}' already exists in location '{old}' in resource group '{rg}'. A resource with "
        f"the same name cannot be created in location '{new}'. Please select a new resource name.",
        target="location",
    )


def location_change_refused(code: str, name: str, old: str, new: str, rg: str) -> ArmError:
    """The 409 of a PUT naming another region: ``code`` is the type's (``TypeSpec.location_changed_code``)."""
    if code == "InvalidResourceGroupLocation":
        return rg_location_changed(name, old, new)
    return location_changed(name, old, new, rg)


def rg_location_changed(name: str, old: str, new: str) -> ArmError:
    return ArmError(
        409, "InvalidResourceGroupLocation",
        f"Invalid resource group location '{new}'. The Resource group already exists in location '{old}'.",
        target="location",
    )


def subscription_not_found(subscription_id: str) -> ArmError:
    return ArmError(
        404, "SubscriptionNotFound", f"The subscription '{subscription_id}' could not be found.",
        gateway=True,
    )  # fmt: skip


def resource_group_not_found(rg: str) -> ArmError:
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.",
                    gateway=True)


def resource_not_found(type_: str, name: str, rg: str | None) -> ArmError:
    where = f" under resource group '{rg}'" if rg else ""
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{type_}/{name}'{where} was not found. For more details please go to "
        "https://aka.ms/ARMResourceNotFoundFix",
    )


def parent_not_found(parent_path: str) -> ArmError:
    return ArmError(
        404,
        "ParentResourceNotFound",
        f"Failed to perform the requested operation on nested resource. Parent resource "
        f"'{parent_path}' not found.",
    )


def not_found_path(path: str) -> ArmError:
    return ArmError(404, "NotFound", f"No route matches the path '{path}'.", gateway=True)


def operation_not_found(op_id: str) -> ArmError:
    return ArmError(404, "OperationNotFound", f"The operation '{op_id}' was not found.")


def method_not_allowed(method: str, path: str) -> ArmError:
    return ArmError(405, "MethodNotAllowed", f"The method '{method}' is not allowed on '{path}'.")


def bad_request(code: str, message: str, target: str | None = None) -> ArmError:
    return ArmError(400, code, message, target=target)


def invalid_json(reason: str) -> ArmError:
    return ArmError(
        400,
        "InvalidRequestContent",
        f"The request content could not be parsed as JSON: {reason}",
    )


def precondition_failed(etag: str | None, sent: str, header: str = "If-Match") -> ArmError:
    if header == "If-None-Match":
        detail = f"If-None-Match '{sent}' but the resource exists with ETag '{etag or ''}'."
    else:
        detail = f"If-Match '{sent}' does not match the current ETag '{etag or ''}'."
    return ArmError(412, "PreconditionFailed",
                    f"The condition specified using HTTP conditional header(s) is not met: {detail}")


def busy(code: str, status: int, resource_id: str, op_url: str | None, retry_after: float) -> ArmError:
    if code == "AnotherOperationInProgress":
        where = f" To retrieve status of the operation use uri: {op_url}." if op_url else ""
        message = f"Another operation on this or dependent resource is in progress.{where}"
    elif code == "ResourceGroupBeingDeleted":
        return rg_being_deleted(resource_id.rstrip("/").rsplit("/", 1)[-1])
    elif code == "RequestConflict":
        message = (
            f"Another operation is being performed on the parent resource '{resource_id}'. "
            "Please try again later."
        )
    else:
        message = f"The resource '{resource_id}' is busy with another operation. Retry later."
    return ArmError(status, code, message, target=resource_id)


def retryable_error(detail: str | None = None) -> dict[str, Any]:
    """The error object of an operation that ended Failed in a retryable way."""
    err: dict[str, Any] = {"code": "RetryableError", "message": "A retryable error occured."}
    if detail:
        err["details"] = [{"code": "RetryableErrorDueToAnotherOperation", "message": detail}]
    return err


def missing_registration(namespace: str) -> ArmError:
    msg = (
        f"The subscription is not registered to use namespace '{namespace}'. "
        "See https://aka.ms/rps-not-found for how to register subscriptions."
    )
    return ArmError(
        409,
        "MissingSubscriptionRegistration",
        msg,
        details=[{"code": "MissingSubscriptionRegistration", "target": namespace, "message": msg}],
        gateway=True,
    )


def rg_being_deleted(rg: str) -> ArmError:
    return ArmError(
        409,
        "ResourceGroupBeingDeleted",
        f"The resource group '{rg}' is in deprovisioning state and cannot perform this operation.",
        gateway=True,
    )


def throttled(kind: str, subscription_id: str, headers: dict[str, str]) -> ArmError:
    return ArmError(
        429,
        "SubscriptionRequestsThrottled",
        f"Number of '{kind}' requests for subscription '{subscription_id}' exceeded the limit. "
        "Retry after the time given in the Retry-After header.",
        headers=headers,
        gateway=True,
    )
