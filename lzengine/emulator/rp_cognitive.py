"""Microsoft.CognitiveServices behaviour: accounts, soft delete, model deployments and quota.

Called by :mod:`lzengine.emulator.hooks` with the backend lock held, and by the app for the
``PUT /_emulator/quota`` admin endpoint. What it models:

* Accounts: a globally unique ``customSubDomainName`` (``CustomDomainInvalid``,
  ``CustomDomainInUse`` 409), the endpoint(s) of the kind (OpenAI / AIServices / others).
* Soft delete: a deleted account is kept under ``deletedAccounts`` for 48 h with its
  deployments; its name (``FlagMustBeSetForRestore``) and sub-domain (``CustomDomainInUse``) stay
  blocked and its deployments keep holding quota until it is purged; ``restore: true`` brings
  the account and its deployments back.
* AI Foundry projects (``accounts/projects``) only under an AIServices account with
  ``allowProjectManagement`` and a sub-domain, each with a managed identity; connections
  (``projects/connections``) with a known auth type and an existing target; a recovered account
  brings its projects and connections back.
* Deployments: capacity checked against a per-subscription, per-location quota per model and
  SKU (usage name ``OpenAI.{sku}.{model}``), ``InsufficientQuota`` (400) with the real message,
  and the usages API ``GET /subscriptions/{s}/providers/Microsoft.CognitiveServices/locations/{loc}/usages``.
  Sibling deployments are serialised per account by the backend's family lock (``RequestConflict``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from lzengine.emulator import errors, model_catalog
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import list_keys, local, norm_loc, props, stable_guid
from lzengine.emulator.rp_private_endpoints import render_private_endpoint_connections
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, DeleteMode, PutMode, TypeSpec, sync

ACCOUNT = "microsoft.cognitiveservices/accounts"
DEPLOYMENT = "microsoft.cognitiveservices/accounts/deployments"
PROJECT = "microsoft.cognitiveservices/accounts/projects"
CONNECTION = "microsoft.cognitiveservices/accounts/projects/connections"
DELETED_ACCOUNT = "microsoft.cognitiveservices/locations/resourcegroups/deletedaccounts"
USAGES = "microsoft.cognitiveservices/locations/usages"
MODELS = "microsoft.cognitiveservices/locations/models"

_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

#: Default tokens-per-minute (thousands) limits per (SKU, model) and per SKU; generous enough for
#: the shipped plans. ``PUT /_emulator/quota`` overrides them per location.
DEFAULT_LIMITS: dict[tuple[str, str], int] = {
    ("datazonestandard", "gpt-4o"): 450,
    ("globalstandard", "gpt-4o"): 450,
    ("standard", "gpt-4o"): 150,
    ("globalstandard", "gpt-4o-mini"): 2000,
    ("datazonestandard", "gpt-4o-mini"): 2000,
    ("standard", "gpt-4o-mini"): 450,
    ("globalstandard", "gpt-4.1"): 1000,
    ("globalstandard", "gpt-4.1-mini"): 2000,
    ("standard", "text-embedding-3-large"): 350,
    ("standard", "text-embedding-3-small"): 350,
    ("standard", "text-embedding-ada-002"): 240,
}
DEFAULT_BY_SKU: dict[str, int] = {"standard": 300, "globalstandard": 1000, "datazonestandard": 1000,
                                  "provisionedmanaged": 100, "globalprovisionedmanaged": 100,
                                  "datazoneprovisionedmanaged": 100, "globalbatch": 5000}  # fmt: skip


_SKU_NAMES = {"standard": "Standard", "globalstandard": "GlobalStandard", "datazonestandard": "DataZoneStandard",
              "provisionedmanaged": "ProvisionedManaged", "globalprovisionedmanaged": "GlobalProvisionedManaged",
              "datazoneprovisionedmanaged": "DataZoneProvisionedManaged", "globalbatch": "GlobalBatch"}


def usage_name(sku: str, model: str) -> str:
    return f"OpenAI.{sku}.{model}"


def _localized(model: str) -> str:
    return f"Tokens Per Minute (thousands) - {model}"


# ---------------------------------------------------------------------------- quota
def limit_for(ctx: ProviderContext, location: str, sku: str, model: str) -> int:
    overrides: dict[str, int] = ctx.store.meta("quota", {}) or {}
    name = usage_name(sku, model).lower()
    for key in (f"{norm_loc(location)}|{name}", f"*|{name}"):
        if key in overrides:
            return int(overrides[key])
    return DEFAULT_LIMITS.get((sku.lower(), model.lower()), DEFAULT_BY_SKU.get(sku.lower(), 300))


def set_limit(ctx: ProviderContext, body: dict[str, Any]) -> dict[str, Any]:
    """``PUT /_emulator/quota``: ``{"location", "name": "OpenAI.Sku.model" | "sku"+"model", "limit"}``."""
    name = str(body.get("name") or "")
    if not name:
        if not body.get("sku") or not body.get("model"):
            raise errors.bad_request("InvalidQuota", "Give 'name' (OpenAI.<sku>.<model>) or 'sku' and 'model'.")
        name = usage_name(str(body["sku"]), str(body["model"]))
    try:
        limit = int(body["limit"])
    except (KeyError, TypeError, ValueError):
        raise errors.bad_request("InvalidQuota", "'limit' must be an integer.") from None
    location = norm_loc(str(body.get("location") or "*"))
    overrides = dict(ctx.store.meta("quota", {}) or {})
    overrides[f"{location}|{name.lower()}"] = limit
    ctx.store.set_meta("quota", overrides)
    ctx.store.commit()
    return {"location": location, "name": name, "limit": limit}


def _deployment_usage(dep_body: dict[str, Any]) -> tuple[str, str, int] | None:
    sku = dep_body.get("sku") or {}
    model = (props(dep_body).get("model") or {}).get("name")
    if not sku.get("name") or not model:
        return None
    try:
        capacity = int(sku.get("capacity") or 1)
    except (TypeError, ValueError):
        capacity = 1
    return str(sku["name"]), str(model), capacity


def usage_in(ctx: ProviderContext, location: str, exclude_key: str = "") -> dict[str, tuple[str, int]]:
    """Current capacity per lower-case usage name in a location: live deployments plus those
    still held by soft-deleted accounts. Value: (display usage name, capacity)."""
    out: dict[str, tuple[str, int]] = {}

    def add(sku: str, model: str, capacity: int) -> None:
        name = usage_name(sku, model)
        prev = out.get(name.lower(), (name, 0))[1]
        out[name.lower()] = (name, prev + capacity)

    loc = norm_loc(location)
    for dep in ctx.store.of_type(DEPLOYMENT):
        if dep.key == exclude_key:
            continue
        account = ctx.store.get(id_key(dep.id.rsplit("/deployments/", 1)[0]))
        if account is None or norm_loc(str(account.body.get("location") or "")) != loc:
            continue
        u = _deployment_usage(dep.body)
        if u:
            add(*u)
    for deleted in ctx.store.of_type(DELETED_ACCOUNT):
        if norm_loc(str(deleted.body.get("location") or "")) != loc:
            continue
        for dep_body in deleted.extra.get("deployments") or []:
            u = _deployment_usage(dep_body)
            if u:
                add(*u)
    return out


def _check_quota(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any]) -> None:
    u = _deployment_usage(body)
    account = ctx.store.get(id_key(rp.parent_id))
    if u is None or account is None:
        return
    sku, model, capacity = u
    location = str(account.body.get("location") or "")
    used = usage_in(ctx, location, exclude_key=id_key(rp.id))
    current = used.get(usage_name(sku, model).lower(), ("", 0))[1]
    limit = limit_for(ctx, location, sku, model)
    available = max(0, limit - current)
    if capacity > available:
        quota = _localized(model)
        raise errors.bad_request(
            "InsufficientQuota",
            f"This operation require {capacity} new capacity in quota {quota}, which is bigger than the "
            f"current available capacity {available}. The current quota usage is {current} and the quota "
            f"limit is {limit} for quota {quota}.",
        )


def usages(ctx: ProviderContext, location: str) -> list[dict[str, Any]]:
    """The body items of the usages API for one location."""
    used = usage_in(ctx, location)
    names: dict[str, str] = {usage_name(s, m).lower(): usage_name(_SKU_NAMES.get(s, s), m) for s, m in DEFAULT_LIMITS}
    loc = norm_loc(location)
    for key in ctx.store.meta("quota", {}) or {}:
        where, _, name = key.partition("|")
        if where in (loc, "*"):
            names.setdefault(name, name)
    for low, (display, _cap) in used.items():
        names[low] = display
    out = []
    for low in sorted(names):
        display = names[low]
        _, sku, model = display.split(".", 2) if display.count(".") >= 2 else ("OpenAI", "Standard", display)
        out.append({
            "name": {"value": display, "localizedValue": _localized(model)},
            "currentValue": float(used.get(low, ("", 0))[1]),
            "limit": float(limit_for(ctx, loc, sku, model)),
            "unit": "Count",
            "quotaPeriod": None,
            "status": "Included",
        })  # fmt: skip
    return out


# ---------------------------------------------------------------------------- accounts
def find_deleted(ctx: ProviderContext, rp: ResourcePath) -> Resource | None:
    for res in ctx.store.of_type(DELETED_ACCOUNT):
        parts = res.id.split("/")
        rg = parts[8] if len(parts) > 8 else ""
        if (str(res.body.get("name", "")).lower() == rp.name.lower() and rg.lower() == (rp.resource_group or "").lower()
                and parts[2].lower() == (rp.subscription or "").lower()):
            return res
    return None


def _subdomain(body: dict[str, Any]) -> str:
    return str(props(body).get("customSubDomainName") or "").lower()


def _validate_deployment_put(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                             parent_body: dict[str, Any] | None) -> None:
    _validate_deployment(body, rp)
    _check_model(ctx, rp, body, existing)
    _check_quota(ctx, rp, body)


def _validate_account(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                      parent_body: dict[str, Any] | None) -> None:
    p = props(body)
    sub = _subdomain(body)
    if sub and not _SUBDOMAIN.match(sub):
        raise errors.bad_request("CustomDomainInvalid",
                                 f"Sub domain name '{p.get('customSubDomainName')}' is not valid.")
    if existing is not None and p.get("allowProjectManagement") is not True \
            and props(existing.body).get("allowProjectManagement") is True \
            and ctx.store.children(existing.key, PROJECT):
        # [unconfirmed] code and wording: turning project management off under live projects
        raise errors.bad_request(
            "InvalidAccountProperties",
            f"Cannot disable allowProjectManagement on account '{rp.name}' while it has projects; delete "
            "the projects first.")
    deleted = find_deleted(ctx, rp) if existing is None else None
    if deleted is not None and p.get("restore") is not True:
        raise errors.ArmError(
            409, "FlagMustBeSetForRestore",
            f"An existing resource with ID '{rp.id}' has been soft-deleted. To restore the resource, you must "
            "specify 'restore' to be 'true' in the property. If you don't want to restore existing resource, "
            "please purge it first.",
            target=rp.name,
        )  # fmt: skip
    if sub:
        holders = [a for a in ctx.store.of_type(ACCOUNT) if a.key != id_key(rp.id) and _subdomain(a.body) == sub]
        holders += [d for d in ctx.store.of_type(DELETED_ACCOUNT)
                    if _subdomain(d.body) == sub and d is not deleted]
        if holders:
            raise errors.ArmError(
                409, "CustomDomainInUse",
                f"Please pick a different name. The subdomain name '{sub}' is not available as it's already used "
                "by a resource. If the resource using the name was deleted in the last 48 hours, you may need to "
                "purge the deleted resource.",
            )  # fmt: skip


def _validate_deployment(body: dict[str, Any], rp: ResourcePath) -> None:
    model = props(body).get("model") or {}
    if not isinstance(model, dict) or not model.get("name") or not model.get("format"):
        raise errors.bad_request(
            "InvalidResourceProperties", f"Deployment {rp.name} needs properties.model with format and name.")
    sku = body.get("sku") or {}
    if not isinstance(sku, dict) or not sku.get("name"):
        raise errors.bad_request("InvalidResourceProperties", f"Deployment {rp.name} needs a sku with a name.")


def _model_key(body: dict[str, Any]) -> tuple[str, str, str, str]:
    model = props(body).get("model") or {}
    return (str(model.get("format") or "").lower(), str(model.get("name") or "").lower(),
            str(model.get("version") or "").lower(), str((body.get("sku") or {}).get("name") or "").lower())


def _check_model(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None) -> None:
    """A new deployment, or one that changes model, version or SKU, must name a model version the
    account's region offers for that SKU (:mod:`lzengine.emulator.model_catalog`) that is neither
    retired nor deprecating. Codes as Azure answers them: ``DeploymentModelNotSupported`` (a model that
    cannot be deployed any more, Azure/bicep-registry-modules#450), ``ServiceModelDeprecated`` and
    ``ServiceModelDeprecating`` (Azure-Samples/llama-index-python#46, Azure/azure-dev#7900), and
    ``InvalidResourceProperties`` for a SKU the region does not offer [message wording unconfirmed: searched
    issues for the exact text, none found]."""
    if existing is not None and _model_key(existing.body) == _model_key(body):
        return  # an update of capacity or options keeps the deployed model
    account = ctx.store.get(id_key(rp.parent_id))
    if account is None:
        return
    location = norm_loc(str(account.body.get("location") or ""))
    model = props(body).get("model") or {}
    fmt, name = str(model.get("format") or "OpenAI"), str(model.get("name") or "")
    version = str(model.get("version") or "")
    sku = str((body.get("sku") or {}).get("name") or "")
    entry = model_catalog.find(name, version, fmt) if version else model_catalog.default_version(name)
    label = f"Format:{fmt},Name:{name},Version:{version or (entry.version if entry else '')}"
    if entry is not None and not entry.deployable:
        raise errors.bad_request(
            "DeploymentModelNotSupported",
            f"Creating account deployment is not supported by the model '{name}'. This is usually because there "
            "are better models available for the similar functionality.")
    today = ctx.today()  # the emulator's day, pinnable: lifecycle never depends on when a test runs
    if entry is not None and model_catalog.retired(entry, today):
        since = entry.retires[5:7] + "/" + entry.retires[8:10] + "/" + entry.retires[:4]
        raise errors.bad_request(
            "ServiceModelDeprecated", f"The model '{label}' has been deprecated since {since} 00:00:00.")
    if entry is not None and model_catalog.lifecycle(entry, today) == "Deprecating":
        raise errors.bad_request(
            "ServiceModelDeprecating",
            f"The model '{label}' is in deprecating state and cannot be used for new deployments.")
    if entry is None or model_catalog.sku_in(entry, sku, location) is None:
        raise errors.bad_request(
            "InvalidResourceProperties",
            f"The specified SKU '{sku}' for model '{name} {version}' is not supported in this region "
            f"'{location}'.")


def _after_account(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                   op: Any, state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing else {}
    restored = p.pop("restore", None) is True and existing is None
    sub = _subdomain(res.body)
    kind = str(res.body.get("kind") or "").lower()
    location = norm_loc(str(res.body.get("location") or ""))
    if not sub:
        p["endpoint"] = f"https://{location}.api.cognitive.microsoft.com/"
        p["endpoints"] = {}
    elif kind == "openai":
        p["endpoint"] = f"https://{sub}.openai.azure.com/"
        p["endpoints"] = {"OpenAI Language Model Instance API": f"https://{sub}.openai.azure.com/"}
    else:
        p["endpoint"] = f"https://{sub}.cognitiveservices.azure.com/"
        p["endpoints"] = {"Cognitive Services API": f"https://{sub}.cognitiveservices.azure.com/"}
        if kind == "aiservices":
            p["endpoints"].update({"OpenAI Language Model Instance API": f"https://{sub}.openai.azure.com/",
                                   "AI Foundry API": f"https://{sub}.services.ai.azure.com/"})
    p["internalId"] = old.get("internalId") or stable_guid("cs", res.id).replace("-", "")
    p["dateCreated"] = old.get("dateCreated") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    p.setdefault("publicNetworkAccess", "Enabled")
    p.setdefault("capabilities", [])
    p["isMigrated"] = False
    if restored:
        _restore(ctx, rp, res)


def _after_deployment(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                      op: Any, state: str) -> None:
    p = res.body.setdefault("properties", {})
    u = _deployment_usage(res.body)
    capacity = u[2] if u else 1
    p["rateLimits"] = [{"key": "request", "renewalPeriod": 10.0, "count": float(capacity)},
                       {"key": "token", "renewalPeriod": 60.0, "count": float(capacity * 1000)}]
    p.setdefault("versionUpgradeOption", "OnceNewDefaultVersionAvailable")
    p.setdefault("currentCapacity", capacity)
    p["currentCapacity"] = capacity


def _restore(ctx: ProviderContext, rp: ResourcePath, res: Resource) -> None:
    deleted = find_deleted(ctx, rp)
    if deleted is None:
        return
    for dep_body in deleted.extra.get("deployments") or []:
        body = dict(dep_body)
        body["id"] = f"{res.id}/deployments/{body['name']}"
        ctx.store.put(Resource(id=body["id"], type="Microsoft.CognitiveServices/accounts/deployments",
                                   body=body, root_key=res.key, etag=None))
    # projects come back with the account, identities and connections included [unconfirmed: Azure
    # documents the recovery of the account; what it does with Foundry projects is not published]
    for kept in deleted.extra.get("projects") or []:
        body = dict(kept["body"])
        body["id"] = f"{res.id}/projects/{body['name']}"
        ctx.store.put(Resource(id=body["id"], type="Microsoft.CognitiveServices/accounts/projects", body=body,
                               root_key=res.key))
        for conn in kept.get("connections") or []:
            conn = dict(conn)
            conn["id"] = f"{body['id']}/connections/{conn['name']}"
            ctx.store.put(Resource(id=conn["id"], type="Microsoft.CognitiveServices/accounts/projects/connections",
                                   body=conn, root_key=res.key))
    ctx.store.remove(deleted.key)


def soft_delete(ctx: ProviderContext, res: Resource) -> None:
    """Keep a deleted account for 48 h under ``deletedAccounts`` (name, sub-domain and quota held)."""
    parts = res.id.split("/")
    sub, rg = parts[2], parts[4]
    loc = norm_loc(str(res.body.get("location") or "global"))
    deleted_id = (f"/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{loc}"
                  f"/resourceGroups/{rg}/deletedAccounts/{res.body.get('name')}")
    now = datetime.now(UTC)
    body = dict(res.body)
    body["id"] = deleted_id
    body["type"] = "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts"
    p = dict(body.get("properties") or {})
    p["provisioningState"] = "Succeeded"
    p["deletionDate"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    p["scheduledPurgeDate"] = (now + timedelta(hours=48)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body["properties"] = p
    deployments = [dict(d.body) for d in ctx.store.children(res.key, DEPLOYMENT)]
    deployments = deployments or list(res.extra.get("deployments") or [])
    projects = res.extra.get("projects") or _kept_projects(ctx, res)
    ctx.store.put(Resource(id=deleted_id, type=body["type"], body=body, root_key=id_key(deleted_id),
                               extra={"deployments": deployments, "projects": projects}))


def before_delete(ctx: ProviderContext, res: Resource) -> None:
    """Remember an account's deployments (the soft-deleted account keeps them and their quota) and
    its projects with their connections, which a recovery brings back with the account."""
    res.extra["deployments"] = [dict(d.body) for d in ctx.store.children(res.key, DEPLOYMENT)]
    res.extra["projects"] = _kept_projects(ctx, res)


def _kept_projects(ctx: ProviderContext, res: Resource) -> list[dict[str, Any]]:
    return [{"body": dict(p.body), "connections": [dict(c.body) for c in ctx.store.children(p.key, CONNECTION)]}
            for p in ctx.store.children(res.key, PROJECT)]


def _list_usages(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]]:
    return usages(ctx, rp.names[0])


def _list_models(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]]:
    return model_catalog.entries(norm_loc(rp.names[0]), ctx.today())


def _list_deleted(ctx: ProviderContext, rp: ResourcePath) -> list[dict[str, Any]]:
    return [ctx.render(r) for r in ctx.store.of_type(DELETED_ACCOUNT)
            if r.id.lower().startswith(f"/subscriptions/{(rp.subscription or '').lower()}/")]


# ---------------------------------------------------------------------------- Foundry projects
#: Connection auth types of the 2025-06-01 API (ConnectionAuthType); AAD is Entra ID, keyless.
AUTH_TYPES = {"aad", "accesskey", "accountkey", "apikey", "customkeys", "managedidentity", "none", "oauth2", "pat",
              "sas", "serviceprincipal", "usernamepassword"}


def _validate_project(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                      parent_body: dict[str, Any] | None) -> None:
    """A project needs an AIServices account with project management on and a custom sub-domain
    (azurerm_cognitive_account_project documents the same three preconditions) [code unconfirmed]."""
    account = ctx.store.get(id_key(rp.parent_id))
    if account is None:
        return  # the backend answers ParentResourceNotFound
    ap = props(account.body)
    if str(account.body.get("kind") or "").lower() != "aiservices" or ap.get("allowProjectManagement") is not True:
        raise errors.bad_request(
            "ProjectManagementNotEnabled",
            f"Account '{account.body.get('name')}' does not allow project management. Set "
            "properties.allowProjectManagement to true on an AIServices account to create projects.")
    if not _subdomain(account.body):
        raise errors.bad_request("CustomSubDomainRequired",
                                 "Projects need an account with a customSubDomainName.")
    ident = body.get("identity")
    if not isinstance(ident, dict) or not str(ident.get("type") or "").strip() \
            or str(ident.get("type")).lower() == "none":
        raise errors.bad_request("ManagedIdentityRequired",  # [unconfirmed]: the portal always gives one
                                 f"Project '{rp.name}' needs a managed identity (SystemAssigned or UserAssigned).")


def _after_project(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                   op: Any, state: str) -> None:
    p = res.body.setdefault("properties", {})
    account = ctx.store.get(id_key(rp.parent_id))
    sub = _subdomain(account.body) if account is not None else ""
    p["endpoints"] = {"AI Foundry API": f"https://{sub}.services.ai.azure.com/api/projects/{rp.name}"}
    p.setdefault("isDefault", not any(other.key != res.key for other in
                                      ctx.store.children(id_key(rp.parent_id), PROJECT)))


def _validate_connection(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                         parent_body: dict[str, Any] | None) -> None:
    """A connection names its category, target and auth type; a target given by ARM id in
    ``metadata.ResourceId`` must exist [codes unconfirmed: Azure answers ValidationError-style 400s]."""
    p = props(body)
    auth = str(p.get("authType") or "")
    if auth.lower() not in AUTH_TYPES:
        raise errors.bad_request("InvalidAuthType", f"Connection '{rp.name}': authType '{auth}' is not one of "
                                 "AAD, AccessKey, AccountKey, ApiKey, CustomKeys, ManagedIdentity, None, OAuth2, "
                                 "PAT, SAS, ServicePrincipal, UsernamePassword.")
    if not p.get("category") or not p.get("target"):
        raise errors.bad_request("ValidationError",
                                 f"Connection '{rp.name}' needs properties.category and properties.target.")
    if auth.lower() == "aad" and p.get("credentials"):
        raise errors.bad_request("ValidationError", f"Connection '{rp.name}': an AAD connection takes no credentials.")
    target_id = str((p.get("metadata") or {}).get("ResourceId") or "")
    if target_id.startswith("/subscriptions/") and local(ctx, target_id) and ctx.store.get(id_key(target_id)) is None:
        raise errors.bad_request(
            "InvalidConnectionTarget", f"Connection '{rp.name}': the target resource {target_id} does not exist.")


# ---------------------------------------------------------------------------- registry rows
COGNITIVE_VERSIONS = (
    "2017-04-18", "2021-04-30", "2021-10-01", "2022-03-01", "2022-10-01", "2022-12-01",
    "2023-05-01", "2023-10-01-preview", "2024-04-01-preview", "2024-06-01-preview",
    "2024-10-01", "2025-04-01-preview", "2025-06-01", "2025-07-01-preview", "2025-09-01",
)  # fmt: skip


def _body_polled(type_: str, create_state: str, latency: tuple[float, float, float], **kw: object) -> TypeSpec:
    """A Cognitive Services type that answers with body polling (no operation headers) and
    ``RequestConflict`` while its resource is busy: accounts, deployments, projects."""
    return TypeSpec(
        type=type_,
        api_versions=COGNITIVE_VERSIONS,
        create=PutMode(201, create_state),
        update=PutMode(200, "Accepted"),
        delete=DeleteMode(202, "Deleting", location_header=True),
        latency=latency,
        etag="datetime-body",
        conflict_code="RequestConflict",
        **kw,  # type: ignore[arg-type]
    )


SPECS: list[TypeSpec] = [
    _body_polled("Microsoft.CognitiveServices/accounts", "Creating", (90.0, 30.0, 30.0),
                 locations=SERVICE_REGIONS, normalize_location=True),
    _body_polled("Microsoft.CognitiveServices/accounts/deployments", "Accepted", (30.0, 20.0, 10.0)),
    # AI Foundry projects [latency unconfirmed]
    _body_polled("Microsoft.CognitiveServices/accounts/projects", "Creating", (30.0, 10.0, 10.0),
                 locations=SERVICE_REGIONS, normalize_location=True),
    # connections answer 200 to create and update (azure-mgmt-cognitiveservices accepts only 200)
    sync("Microsoft.CognitiveServices/accounts/projects/connections", COGNITIVE_VERSIONS,
         create=PutMode(200), update=PutMode(200), state_field=False),
    sync("Microsoft.CognitiveServices/locations/usages", COGNITIVE_VERSIONS, listed=False),
    sync("Microsoft.CognitiveServices/locations/models", COGNITIVE_VERSIONS, listed=False),
    # soft-deleted accounts: not evaluated by the compliance scan
    sync("Microsoft.CognitiveServices/deletedAccounts", COGNITIVE_VERSIONS, listed=False, compliance_scan=False),
    sync("Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts", COGNITIVE_VERSIONS,
         delete=DeleteMode(200), compliance_scan=False),
]
NAMESPACE_DEFAULTS = {"microsoft.cognitiveservices": sync("Microsoft.CognitiveServices/*", COGNITIVE_VERSIONS)}


HANDLERS: dict[str, Handler] = {
    ACCOUNT: Handler(validate=_validate_account, after_put=_after_account, before_delete=before_delete,
                     on_removed=soft_delete, render=render_private_endpoint_connections),
    DEPLOYMENT: Handler(validate=_validate_deployment_put, after_put=_after_deployment),
    PROJECT: Handler(validate=_validate_project, after_put=_after_project),
    CONNECTION: Handler(validate=_validate_connection),
    USAGES: Handler(virtual_list=_list_usages),
    MODELS: Handler(virtual_list=_list_models),
    "microsoft.cognitiveservices/deletedaccounts": Handler(virtual_list=_list_deleted),
    f"{ACCOUNT}/listkeys": Handler(action=list_keys),
}
