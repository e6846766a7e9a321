"""The adapter that converges resources through the typed Azure management SDK clients.

Who uses it: built by the CLI (the composition root) and handed to the engine. It interprets
the kinds' data (client class, operation group, method names, id arguments, api-version), so
LRO waiting and error mapping exist once for every service. Azure SDK modules are imported
lazily, on first use, so ``lzengine --help``, ``validate`` and ``graph`` never pay for them.

The SDK's own retries are off (``retry_total=0``): lzengine.retry owns retries. Bodies go out
and come back as plain REST JSON dicts (the ``cls`` hook returns the raw response JSON), so the
engine never depends on a package's model classes.
"""

from __future__ import annotations

import copy
import importlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lzengine import ids
from lzengine.adapters.listing import INLINE_IN, LISTS
from lzengine.adapters.pacing import Pacer, pacing_policy, retry_after_from
from lzengine.errors import ProviderError
from lzengine.kinds import kind_for_type
from lzengine.kinds.base import ResourceKind

MANAGEMENT_SCOPE = "https://management.azure.com/.default"
RESOURCES_CLIENT = "azure.mgmt.resource.resources:ResourceManagementClient"
POLICY_CLIENT = "azure.mgmt.resource.policy:PolicyClient"
MANAGEMENT_GROUPS_CLIENT = "azure.mgmt.managementgroups:ManagementGroupsMgmtClient"
PRIVATE_DNS_CLIENT = "azure.mgmt.privatedns:PrivateDnsManagementClient"
COGNITIVE_CLIENT = "azure.mgmt.cognitiveservices:CognitiveServicesManagementClient"
MONITOR_CLIENT = "azure.mgmt.monitor:MonitorManagementClient"
#: what observation needs of an Activity Log event (``$select`` keeps the pages small)
ACTIVITY_FIELDS = "resourceId,operationName,status,correlationId,eventTimestamp,submissionTimestamp"
#: how many times to re-read a provider that is still registering (x 10 polling intervals)
REGISTRATION_POLLS = 60



def _raw_pages() -> tuple[list[Any], Callable[[Any], None]]:
    """A list and a ``raw_response_hook`` that appends each page's raw JSON to it (before the SDK
    turns it into models, which drop fields lzengine compares), for the paged list operations."""
    pages: list[Any] = []

    def keep_page(response: Any) -> None:
        try:
            pages.append(json.loads(response.http_response.text()))
        except ValueError:
            pages.append({})

    return pages, keep_page


#: errors of a poll request itself (not of the operation it watches): resuming the poll is right
POLL_TRANSIENT = frozenset({"connectionerror", "serviceunavailable", "gatewaytimeout", "toomanyrequests",
                            "subscriptionrequeststhrottled"})


class StaticTokenCredential:
    """A credential that always presents one bearer token (emulator or external endpoint)."""

    def __init__(self, token: str):
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, int(time.time()) + 24 * 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo(self._token, int(time.time()) + 24 * 3600)


def default_credential() -> Any:
    """``DefaultAzureCredential``: az login, managed identity, environment, workload identity."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


@dataclass
class Connection:
    """Where and as whom to call ARM."""

    subscription_id: str
    credential: Any
    base_url: str | None = None  # None: public Azure
    ca_file: str | None = None
    polling_interval: float = 5.0
    pool_size: int = 64
    #: how many times faster than Azure the target refills its rate-limit buckets (the local
    #: emulator's "scaled" throttling: 1 / time scale; math.inf: it never throttles)
    pacing_speedup: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)


def _raw_json(pipeline_response: Any, deserialized: Any, headers: Any) -> Any:
    """``cls`` hook of the typed operations: the response's REST JSON, whatever the model style."""
    response = pipeline_response.http_response
    try:
        text = response.text()
    except Exception:  # noqa: BLE001 - a body that was never read or is not text
        return None
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


@dataclass
class _Shared:
    """What every subscription's view of one adapter shares: the clients (one set per
    subscription, built lazily), the HTTP transport (one connection pool) and their lock."""

    clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    transport: Any = None
    #: the Entra tenant of the subscriptions (read once, for kinds with ``tenant_paths``)
    tenant: str | None = None


class AzureSdkAdapter:
    """Reads, writes and deletes by ARM id through the typed client each kind names.

    One adapter serves every subscription of a plan: an operation on a resource goes through
    the clients of the subscription in its id (the typed SDK clients put their own subscription
    into every URL they build), built on first use. Calls about a whole subscription (lists,
    provider registration, the control zone's records ...) address ``subscription_id``, the
    connection's; ``for_subscription(id)`` gives a view of the same adapter that addresses
    another one, with the same clients, connection pool and pacer."""

    def __init__(self, connection: Connection, pacer: Pacer | None = None):
        self.connection = connection
        self.subscription_id = connection.subscription_id
        #: one request budget per subscription and operation class, shared by every client
        self.pacer = pacer or Pacer(speedup=connection.pacing_speedup)
        self._shared = _Shared()
        self._root = True
        #: sent as ``x-ms-correlation-request-id`` on every request of this adapter (one run), so
        #: the Activity Log events of the run's own writes carry it (``lzengine.verified``)
        self.correlation_id = str(uuid.uuid4())

    def for_subscription(self, subscription: str) -> AzureSdkAdapter:
        """This adapter, addressing ``subscription`` in its subscription-wide calls."""
        if subscription.lower() == self.subscription_id.lower():
            return self
        view = copy.copy(self)
        view.subscription_id = subscription
        view._root = False
        return view

    # -- clients -----------------------------------------------------------------------------
    def _shared_transport(self) -> Any:
        if self._shared.transport is None:
            import requests
            from azure.core.pipeline.transport import RequestsTransport

            session = requests.Session()
            pool = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=self.connection.pool_size)
            session.mount("https://", pool)
            verify: Any = self.connection.ca_file or True
            self._shared.transport = RequestsTransport(session=session, session_owner=False,
                                                       connection_verify=verify)
        return self._shared.transport

    def _subscription_for(self, arm_id: str) -> str:
        """The subscription whose clients serve ``arm_id``: the one in the id, else this view's."""
        return ids.subscription_of(arm_id) or self.subscription_id

    def client(self, dotted: str, subscription: str | None = None) -> Any:
        """The client named ``package.module:Class`` for ``subscription`` (default: this view's),
        built once and shared by all threads."""
        subscription = subscription or self.subscription_id
        key = (subscription.lower(), dotted)
        with self._shared.lock:
            if key not in self._shared.clients:
                module_name, class_name = dotted.split(":")
                cls = getattr(importlib.import_module(module_name), class_name)
                kwargs: dict[str, Any] = {
                    "retry_total": 0,
                    "polling_interval": self.connection.polling_interval,
                    "transport": self._shared_transport(),
                    "credential_scopes": [MANAGEMENT_SCOPE],
                    "policies": self._policies(),
                    **self.connection.extra,
                }
                if self.connection.base_url:
                    kwargs["base_url"] = self.connection.base_url
                self._shared.clients[key] = cls(self.connection.credential, subscription, **kwargs)
            return self._shared.clients[key]

    def _policies(self) -> list[Any]:
        """The SDK's ARM pipeline minus automatic provider registration (which sleeps 10 s in a
        loop with no bound); lzengine registers providers explicitly. Retries are off."""
        from azure.core.pipeline import policies
        from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy

        return [
            policies.RequestIdPolicy(),
            policies.HeadersPolicy({"x-ms-correlation-request-id": self.correlation_id}),
            policies.UserAgentPolicy(sdk_moniker="lzengine"),
            policies.ProxyPolicy(),
            policies.ContentDecodePolicy(),
            policies.RedirectPolicy(),
            policies.RetryPolicy(retry_total=0),
            ARMChallengeAuthenticationPolicy(self.connection.credential, MANAGEMENT_SCOPE),
            policies.CustomHookPolicy(),
            policies.NetworkTraceLoggingPolicy(),
            policies.DistributedTracingPolicy(),
            ARMHttpLoggingPolicy(),
            pacing_policy(self.pacer),  # last: every request that reaches the wire is paced
        ]

    def purge(self, kind: ResourceKind, arm_id: str, location: str) -> None:
        if kind.purge is None:
            return
        operations, method_name, arg_names = kind.purge
        names = ids.parse(arm_id).names()
        args = [location if a == "location" else names[a.lower()] for a in arg_names]
        method = getattr(getattr(self.client(kind.client, self._subscription_for(arm_id)), operations), method_name)
        try:
            result = method(*args, **self._version(kind))
            if method_name.startswith("begin_"):
                result.result()
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, arm_id, "purge")
            if error.status == 404:
                return
            raise error from None

    def read_deleted(self, kind: ResourceKind, arm_id: str, location: str) -> dict[str, Any] | None:
        """The soft-deleted copy of a resource (kinds that declare ``read_deleted``), None if none."""
        if kind.read_deleted is None:
            return None
        operations, method_name, arg_names, _ = kind.read_deleted
        names = ids.parse(arm_id).names()
        args = [location if a == "location" else names[a.lower()] for a in arg_names]
        method = getattr(getattr(self.client(kind.client, self._subscription_for(arm_id)), operations), method_name)
        try:
            return method(*args, cls=_raw_json, **self._version(kind))
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, arm_id, "read")
            if error.status == 404:
                return None
            raise error from None

    def list_resources(self, tag: tuple[str, str] | None = None) -> list[dict[str, Any]]:
        client = self.client(RESOURCES_CLIENT)
        scope = f"/subscriptions/{self.subscription_id}"
        query = {"filter": "tagName eq '{}' and tagValue eq '{}'".format(*(t.replace("'", "''") for t in tag))} \
            if tag else {}
        try:
            groups = [{**_rest_keys(g), "type": "Microsoft.Resources/resourceGroups"}
                      for g in client.resource_groups.list(**query)]
            items = [_rest_keys(r) for r in client.resources.list(**query)]
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, scope, "list") from None
        return [*groups, *items]

    def list_resource_group(self, name: str) -> list[dict[str, Any]]:
        client = self.client(RESOURCES_CLIENT)
        try:
            return [_rest_keys(r) for r in client.resources.list_by_resource_group(name)]
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, f"/subscriptions/{self.subscription_id}/resourceGroups/{name}",
                                    "list") from None

    def latest_api_version(self, arm_type: str) -> str:
        namespace, _, resource_type = arm_type.partition("/")
        client = self.client(RESOURCES_CLIENT)
        try:
            provider = client.providers.get(namespace, cls=_raw_json) or {}
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, f"/providers/{namespace}", "read") from None
        for entry in provider.get("resourceTypes", []):
            if str(entry.get("resourceType", "")).lower() == resource_type.lower():
                versions = sorted(entry.get("apiVersions", []), reverse=True)
                stable = [v for v in versions if "preview" not in v.lower()]
                if stable or versions:
                    return (stable or versions)[0]
        raise ProviderError("NoRegisteredProviderFound", f"no api-version found for {arm_type}")

    def list_policy_assignments(self) -> list[dict[str, Any]]:
        policy = self.client(POLICY_CLIENT)
        try:
            return [dict(_as_rest(a)) for a in policy.policy_assignments.list()]
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, f"/subscriptions/{self.subscription_id}", "list") from None

    def get_policy_definition(self, definition_id: str) -> dict[str, Any] | None:
        policy = self.client(POLICY_CLIENT, self._subscription_for(definition_id))  # a custom one: its own
        lowered = definition_id.lower()
        name = definition_id.rstrip("/").rsplit("/", 1)[-1]
        is_set = "/policysetdefinitions/" in lowered
        group = policy.policy_set_definitions if is_set else policy.policy_definitions
        try:
            if lowered.startswith("/providers/microsoft.authorization/"):
                return group.get_built_in(name, cls=_raw_json)
            if lowered.startswith("/providers/microsoft.management/managementgroups/"):
                management_group = definition_id.split("/")[4]
                # (management group, name): the SDK's order; it was called the other way round
                return group.get_at_management_group(management_group, name, cls=_raw_json)
            return group.get(name, cls=_raw_json)
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, definition_id, "read")
            if error.status == 404:
                return None
            raise error from None

    def get_management_group(self, name: str) -> dict[str, Any] | None:
        """A management group with every group and subscription below it (``$expand=children``,
        ``$recurse=true``), as REST JSON; None when it does not exist (or this identity may not see it:
        Azure answers 403 for both)."""
        client = self._tenant_client(MANAGEMENT_GROUPS_CLIENT)
        try:
            return client.management_groups.get(name, expand="children", recurse=True,  # type: ignore[no-any-return]
                                                 cls=_raw_json)
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, f"{ids.MANAGEMENT_GROUP_PREFIX}{name}", "read")
            if error.status == 404:
                return None
            raise error from None

    def _tenant_client(self, dotted: str) -> Any:
        """A client of a tenant-level API (no subscription argument), built once and shared."""
        key = ("", dotted)
        with self._shared.lock:
            if key not in self._shared.clients:
                module_name, class_name = dotted.split(":")
                cls = getattr(importlib.import_module(module_name), class_name)
                kwargs: dict[str, Any] = {
                    "retry_total": 0, "polling_interval": self.connection.polling_interval,
                    "transport": self._shared_transport(), "credential_scopes": [MANAGEMENT_SCOPE],
                    "policies": self._policies(), **self.connection.extra,
                }  # fmt: skip
                if self.connection.base_url:
                    kwargs["base_url"] = self.connection.base_url
                self._shared.clients[key] = cls(self.connection.credential, **kwargs)
            return self._shared.clients[key]

    def list_model_usages(self, location: str) -> list[dict[str, Any]]:
        return self._list_cognitive("usages", location)

    def list_models(self, location: str) -> list[dict[str, Any]]:
        return self._list_cognitive("models", location)

    def _list_cognitive(self, operations: str, location: str) -> list[dict[str, Any]]:
        client = self.client(COGNITIVE_CLIENT)
        scope = (f"/subscriptions/{self.subscription_id}/providers/Microsoft.CognitiveServices/"
                 f"locations/{location}/{operations}")
        try:
            # serialize(): REST keys (currentValue, lifecycleStatus); as_dict() would give Python names
            return [item.serialize(keep_readonly=True) for item in getattr(client, operations).list(location)]
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, scope, "list") from None

    def register_providers(self, namespaces: set[str]) -> None:
        """Register resource providers that are not yet registered (idempotent, waits)."""
        client = self.client(RESOURCES_CLIENT)
        for namespace in sorted(namespaces):
            try:
                provider = client.providers.get(namespace, cls=_raw_json)
                if str(provider.get("registrationState", "")).lower() == "registered":
                    continue
                client.providers.register(namespace)
                for _ in range(REGISTRATION_POLLS):
                    provider = client.providers.get(namespace, cls=_raw_json)
                    if str(provider.get("registrationState", "")).lower() == "registered":
                        break
                    time.sleep(self.connection.polling_interval * 10)
                else:
                    raise ProviderError("ProviderRegistrationTimeout",
                                        f"{namespace} is still {provider.get('registrationState')!r}",
                                        arm_id=f"/subscriptions/{self.subscription_id}/providers/{namespace}")
            except Exception as exc:  # noqa: BLE001
                raise to_provider_error(exc, f"/subscriptions/{self.subscription_id}/providers/{namespace}",
                                        "register") from None

    # -- TXT record sets of the control zone (lzengine.control_zone: ownership record, run lock) --
    def get_txt_record(self, resource_group: str, zone: str, name: str) -> dict[str, Any] | None:
        """One TXT record set as REST JSON (with its ``etag``), or None when it or its zone is absent."""
        client = self.client(PRIVATE_DNS_CLIENT)
        try:
            return client.record_sets.get(resource_group, zone, "TXT", name, cls=_raw_json)
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, _txt_id(self.subscription_id, resource_group, zone, name), "read")
            if error.status == 404:
                return None
            raise error from None

    def put_txt_record(
        self, resource_group: str, zone: str, name: str, body: dict[str, Any], *,
        if_match: str | None = None, if_none_match: bool = False,
    ) -> dict[str, Any]:
        """Create or replace a TXT record set. ``if_none_match`` sends ``If-None-Match: *`` (fails
        with 412 PreconditionFailed when it exists); ``if_match`` sends ``If-Match: <etag>`` (412
        when the record changed since that etag was read)."""
        from azure.core import MatchConditions

        client = self.client(PRIVATE_DNS_CLIENT)
        condition: dict[str, Any] = {}
        if if_none_match:
            condition = {"match_condition": MatchConditions.IfMissing}
        elif if_match:
            condition = {"etag": if_match, "match_condition": MatchConditions.IfNotModified}
        try:
            return client.record_sets.create_or_update(resource_group, zone, "TXT", name, body, cls=_raw_json,
                                                       **condition) or {}
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, _txt_id(self.subscription_id, resource_group, zone, name), "write") from None

    def delete_txt_record(self, resource_group: str, zone: str, name: str, *, if_match: str | None = None) -> None:
        """Delete a TXT record set (only if its etag is still ``if_match``, when given); absent is fine."""
        from azure.core import MatchConditions

        client = self.client(PRIVATE_DNS_CLIENT)
        condition: dict[str, Any] = (
            {"etag": if_match, "match_condition": MatchConditions.IfNotModified} if if_match else {}
        )
        try:
            client.record_sets.delete(resource_group, zone, "TXT", name, **condition)
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, _txt_id(self.subscription_id, resource_group, zone, name), "delete")
            if error.status == 404:
                return
            raise error from None

    def list_txt_records(self, resource_group: str, zone: str) -> list[dict[str, Any]]:
        """Every TXT record set of a zone (ARM pages them), as REST JSON; [] when the zone is absent."""
        client = self.client(PRIVATE_DNS_CLIENT)
        try:
            return [dict(_as_rest(r)) for r in client.record_sets.list_by_type(resource_group, zone, "TXT")]
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, _txt_id(self.subscription_id, resource_group, zone, ""), "list")
            if error.status == 404:
                return []
            raise error from None

    def list_txt_records_dated(self, resource_group: str, zone: str) -> tuple[list[dict[str, Any]], float | None]:
        """``list_txt_records``, with ARM's server time when it answered (the first page's ``Date``
        header, whole seconds, so never later than the true time); ([], time) when the zone is absent."""
        from email.utils import parsedate_to_datetime

        dates: list[str] = []

        def keep_date(response: Any) -> None:
            dates.append(response.http_response.headers.get("Date") or "")

        client = self.client(PRIVATE_DNS_CLIENT)
        try:
            items = [dict(_as_rest(r)) for r in client.record_sets.list_by_type(
                resource_group, zone, "TXT", raw_response_hook=keep_date)]
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, _txt_id(self.subscription_id, resource_group, zone, ""), "list")
            if error.status != 404:
                raise error from None
            return [], None  # no control zone: nothing was verified yet
        try:
            server_time = parsedate_to_datetime(dates[0]).timestamp() if dates and dates[0] else None
        except (TypeError, ValueError):
            server_time = None
        return items, server_time

    def activity_log(self, since: str) -> list[dict[str, Any]]:
        """The Activity Log events of this view's subscription since ``since`` (ISO 8601, UTC), every
        page: ``resourceId``, ``operationName``, ``status``, ``correlationId``, ``eventTimestamp``,
        ``submissionTimestamp``.
        The ``$filter`` is the one form Azure documents for "events for a subscription in a time
        range" (Monitor REST API 2015-04-01, ActivityLogs_List: "The $filter argument is very
        restricted ... No other syntax is allowed"); needs ``Microsoft.Insights/eventtypes/values/read``
        at the subscription (Reader and above)."""
        client = self.client(MONITOR_CLIENT)
        pages, keep_page = _raw_pages()

        try:
            for _ in client.activity_logs.list(filter=f"eventTimestamp ge '{since}'", select=ACTIVITY_FIELDS,
                                               raw_response_hook=keep_page):
                pass
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, f"/subscriptions/{self.subscription_id}/providers/microsoft.insights/"
                                    "eventtypes/management/values", "list") from None
        return [item for page in pages if isinstance(page, dict) for item in page.get("value") or []
                if isinstance(item, dict)]

    def _operation(self, kind: ResourceKind, method: str, arm_id: str) -> Any:
        """The SDK operation, on the client of the subscription ``arm_id`` lies in (a resource at a
        management group: the kind's ``at_management_group`` variant of it)."""
        if kind.at_management_group is not None and ids.management_group_of(arm_id) is not None:
            method = dict(zip((kind.get, kind.put, kind.delete), kind.at_management_group, strict=True))[method]
        return getattr(getattr(self.client(kind.client, self._subscription_for(arm_id)), kind.operations), method)

    @staticmethod
    def _args(kind: ResourceKind, arm_id: str) -> list[str]:
        """The operation's positional arguments, from the id, as the kind declares them."""
        if kind.by_id:
            return [arm_id]
        group = ids.management_group_of(arm_id) if kind.at_management_group is not None else None
        if group is not None:
            rest = arm_id.rpartition("/providers/")[2].split("/")[1:]  # drop the namespace
            names = {rest[i].lower(): rest[i + 1] for i in range(0, len(rest) - 1, 2)}
            return [group, *[names[segment.lower()] for segment in kind.id_args]]
        if kind.scope_arg:
            scope, _, rest = arm_id.rpartition("/providers/")
            segments = rest.split("/")[1:]  # drop the namespace
            names = {segments[i].lower(): segments[i + 1] for i in range(0, len(segments) - 1, 2)}
            return [scope.lstrip("/"), *[names[segment.lower()] for segment in kind.id_args]]
        names = ids.parse(arm_id).names()
        return [names[segment.lower()] for segment in kind.id_args]

    @staticmethod
    def _version(kind: ResourceKind) -> dict[str, str]:
        return {"api_version": kind.api_version} if kind.api_version else {}

    # -- list-based observation -----------------------------------------------------------------
    def list_scope(self, kind: ResourceKind, arm_id: str) -> str | None:
        """The list that returns this resource's full body (see ``lzengine.adapters.listing``):
        ``"<type>|"`` for a subscription-wide list, ``"<type>|<parent id>"`` for the children of
        one parent; None when only a GET returns it."""
        arm_type = kind.arm_type.lower()
        if ids.subscription_of(arm_id) is None:
            return None  # above subscriptions (a management group's policy assignment): no list has it for sure
        # a subscription-wide list is one per subscription: "<type>|/subscriptions/<id>"
        everywhere = f"/subscriptions/{self._subscription_for(arm_id).lower()}"
        if arm_type in INLINE_IN:
            return f"{INLINE_IN[arm_type]}|{everywhere}"
        spec = LISTS.get(arm_type)
        if spec is None or kind.by_id:
            return None
        return f"{arm_type}|{arm_id.rsplit('/', 2)[0]}" if spec.per_parent else f"{arm_type}|{everywhere}"

    def list_bodies(self, scope: str) -> list[dict[str, Any]]:
        """Every resource a ``list_scope`` list returns, as REST JSON (all pages; inline children
        of each item as items of their own). A subscription-wide list names its subscription
        (``"<type>|/subscriptions/<id>"``; ``"<type>|"``: this view's)."""
        arm_type, _, parent = scope.partition("|")
        spec = LISTS[arm_type]
        kind = kind_for_type(arm_type)
        if kind is None:
            raise ProviderError("NoListOperation", f"no kind for {arm_type}")
        args: list[str] = []
        if spec.per_parent:
            names = ids.parse(parent).names()
            args = [names[segment.lower()] for segment in kind.id_args[:-1]]
        pages, keep_page = _raw_pages()

        try:
            operation = self._operation(kind, spec.method, parent)
            for _ in operation(*args, raw_response_hook=keep_page, **self._version(kind)):
                pass
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, parent or f"/subscriptions/{self.subscription_id}", "list")
            if error.status == 404 and spec.per_parent:  # the parent is gone: so are its children
                return []
            raise error from None
        items: list[dict[str, Any]] = []
        for page in pages:
            for item in page.get("value") or [] if isinstance(page, dict) else []:
                items.append(item)
                for _child_type, prop in spec.inline:
                    items.extend((item.get("properties") or {}).get(prop) or [])
        return items

    # -- Adapter protocol ----------------------------------------------------------------------
    def read(self, kind: ResourceKind, arm_id: str) -> dict[str, Any] | None:
        try:
            method = self._operation(kind, kind.get, arm_id)
            return method(*self._args(kind, arm_id), cls=_raw_json, **self._version(kind))
        except Exception as exc:  # noqa: BLE001 - every SDK failure becomes a ProviderError
            error = to_provider_error(exc, arm_id, "read")
            if error.status == 404:
                return None
            raise error from None

    def write(
        self, kind: ResourceKind, arm_id: str, body: dict[str, Any], progress: dict[str, Any] | None = None,
        options: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """PUT and wait. ``progress`` carries the LRO's continuation token between attempts, so a
        retry after a failed poll resumes polling instead of sending the PUT again; an operation
        that ended Failed starts over with a new PUT."""
        progress = {} if progress is None else progress
        if kind.tenant_paths:
            body = self._with_tenant(kind, body)
        method = self._operation(kind, kind.put, arm_id)
        args = self._args(kind, arm_id)
        extra = {**self._version(kind), **(options or {})}
        polling = False
        try:
            if not kind.is_lro_put:
                return method(*args, body, cls=_raw_json, **extra) or {}
            token = progress.get("continuation_token")
            if token:
                poller = method(*args, body, cls=_raw_json, continuation_token=token, **extra)
            else:
                poller = method(*args, body, cls=_raw_json, **extra)
                progress["continuation_token"] = poller.continuation_token()
            polling = True
            result = poller.result()
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, arm_id, "write")
            if error.status == 200 or (polling and error.code.lower() not in POLL_TRANSIENT):
                # the operation itself ended Failed/Canceled (an Azure-AsyncOperation status of 200, or
                # a Location poll answering the operation's error with its own status, as a storage
                # account's does): resuming it would read the same failure again, so the next attempt
                # re-PUTs
                progress.pop("continuation_token", None)
            raise error from None
        progress.pop("continuation_token", None)
        return result or {}

    def _with_tenant(self, kind: ResourceKind, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` with the kind's tenant paths filled from the subscription (read once)."""
        out = copy.deepcopy(body)
        for path in kind.tenant_paths:
            *heads, last = path.split(".")
            parent = out
            for part in heads:
                parent = parent.setdefault(part, {})
            if not parent.get(last):
                parent[last] = self.tenant_id()
        return out

    def tenant_id(self) -> str:
        """The Entra tenant of the subscription (``GET /subscriptions/{id}``), read once."""
        with self._shared.lock:
            cached = self._shared.tenant
        if cached is None:
            found = self.invoke("GET", f"/subscriptions/{self.subscription_id}", "2021-01-01") or {}
            cached = str(found.get("tenantId") or "")
            with self._shared.lock:
                self._shared.tenant = cached
        return cached

    def delete(self, kind: ResourceKind, arm_id: str) -> None:
        method = self._operation(kind, kind.delete, arm_id)
        try:
            result = method(*self._args(kind, arm_id), **self._version(kind), **dict(kind.delete_options))
            if kind.is_lro_delete:
                result.result()
        except Exception as exc:  # noqa: BLE001
            error = to_provider_error(exc, arm_id, "delete")
            if error.status == 404:
                return
            raise error from None

    def invoke(self, method: str, path: str, api_version: str, body: dict[str, Any] | None = None,
               ) -> dict[str, Any] | None:
        """A read-only ARM call by path (a POST action such as PolicyInsights ``summarize``, or a
        GET of a listing with no typed client here); None on 404. Through the shared pipeline,
        so authentication, the transport and error mapping are the same as every other call."""
        from azure.core.exceptions import HttpResponseError
        from azure.core.rest import HttpRequest

        client = self.client(RESOURCES_CLIENT, self._subscription_for(path))
        request = HttpRequest(method, f"{path}?api-version={api_version}",
                              json=(body or {}) if method == "POST" else None)
        try:
            response = client.send_request(request)
            if response.status_code == 404:
                return None
            if response.status_code >= 400:
                from azure.mgmt.core.exceptions import ARMErrorFormat

                raise HttpResponseError(response=response, error_format=ARMErrorFormat)
            return response.json() if response.text() else {}
        except Exception as exc:  # noqa: BLE001
            raise to_provider_error(exc, path, method.lower()) from None

    def close(self) -> None:
        """Close every subscription's clients (a view leaves that to the adapter it came from)."""
        if not self._root:
            return
        with self._shared.lock:
            for client in self._shared.clients.values():
                client.close()
            self._shared.clients.clear()


def to_provider_error(exc: BaseException, arm_id: str, operation: str) -> ProviderError:
    """Turn an azure-core exception into a ProviderError with the ARM code and Retry-After."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )

    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, ClientAuthenticationError) and exc.status_code is None:
        # no token could be had (no az login, no managed identity ...): retrying will not help
        return ProviderError("AuthenticationFailed", _first_line(exc), status=401, arm_id=arm_id, operation=operation)
    if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
        return ProviderError("ConnectionError", _first_line(exc), arm_id=arm_id, operation=operation)
    if isinstance(exc, HttpResponseError):
        code, message = _code_and_message(exc)
        return ProviderError(
            code,
            message,
            status=exc.status_code,
            retry_after=_retry_after(exc.response),
            arm_id=arm_id,
            operation=operation,
        )
    return ProviderError(type(exc).__name__, _first_line(exc), arm_id=arm_id, operation=operation)


def _code_and_message(exc: Any) -> tuple[str, str]:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None)
    if not code and exc.response is not None:
        try:
            payload = exc.response.json()
        except Exception:  # noqa: BLE001 - the body may be empty or not JSON
            payload = None
        if isinstance(payload, dict):
            inner = payload.get("error", payload)
            if isinstance(inner, dict):
                code = inner.get("code")
                message = inner.get("message", message)
    if not code:
        code = {429: "TooManyRequests", 500: "InternalServerError", 503: "ServiceUnavailable"}.get(
            exc.status_code or 0, f"Http{exc.status_code}"
        )
    text = str(message or exc.reason or _first_line(exc))
    # a summary whose reasons are in the details (Azure Monitor's "Data collection rule is invalid")
    reasons = [f"{d.message} ({d.target})" if getattr(d, "target", None) else str(d.message)
               for d in getattr(error, "details", None) or [] if getattr(d, "message", None)]
    if reasons and not any(r in text for r in reasons):
        text = f"{text}: {'; '.join(reasons)}"
    return str(code), text


def _retry_after(response: Any) -> float | None:
    return None if response is None else retry_after_from(response.headers)


def _as_rest(model: Any) -> dict[str, Any]:
    """An SDK model as its REST JSON (camelCase keys, nested properties)."""
    if hasattr(model, "as_dict") and not isinstance(model, dict):
        try:
            return model.as_dict()  # hybrid models: REST keys
        except TypeError:
            pass
    return dict(model)


def _rest_keys(item: Any) -> dict[str, Any]:
    """A list item (an SDK model, which maps REST keys to values) as {id, type, tags}."""
    item = dict(item)
    return {"id": item.get("id"), "type": item.get("type"), "tags": item.get("tags") or {}}


def _txt_id(subscription: str, resource_group: str, zone: str, name: str) -> str:
    return (f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/Microsoft.Network/"
            f"privateDnsZones/{zone}/TXT/{name}").rstrip("/")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
