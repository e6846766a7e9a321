"""Model deployment preflight: quota and the regional model catalogue, before any write.

Who uses it: ``lzengine.engine.Engine.plan``. A model deployment that Azure would refuse
(``InsufficientQuota``; a model or version the region does not offer, or not for that SKU; a
version past its deprecation) otherwise fails minutes into an apply, after the account and its
network are written. Here every pending deployment write is checked against

* the usages API (``Microsoft.CognitiveServices/locations/{location}/usages``): per usage name
  ``OpenAI.{sku}.{model}``, the capacity the plan's pending deployments ask for, plus what the
  region already uses apart from them, must stay within the limit. An update is counted as
  Azure counts it: the deployment's own current capacity is not "in use" against itself;
* the model catalogue (``.../locations/{location}/models``): the model name, version and format
  exist for the SKU, the version's ``lifecycleStatus`` is not ``Deprecated``, and a version in
  ``Deprecating`` state is not newly deployed.

Lifecycle is the server's word, not ours: the catalogue's ``lifecycleStatus`` is decided by the
service on its own day, and the engine never compares the listed deprecation dates with its own
wall clock (a client clock off by a day, or a test run months later, would otherwise refuse what
Azure accepts, or accept what it refuses). The dates only feed the message.

Error codes are the ones Azure answers with: ``InsufficientQuota``, ``DeploymentModelNotSupported``
and ``ServiceModelDeprecated`` / ``ServiceModelDeprecating`` (seen in public deployment logs,
e.g. Azure-Samples/aks-store-demo#203 and microsoft/iq-series#84); an unsupported SKU answers
``InvalidResourceProperties`` [unconfirmed]. Every refusal stops the apply before its first write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lzengine import ids
from lzengine.adapters.base import Adapter, at
from lzengine.diff import Action, Change
from lzengine.errors import ProviderError
from lzengine.graph import Graph

DEPLOYMENT_TYPE = "microsoft.cognitiveservices/accounts/deployments"


@dataclass(frozen=True)
class Wanted:
    """One pending deployment write: what it asks for, and what the live deployment holds."""

    address: str
    subscription: str  # quota and the catalogue are per subscription and region
    location: str
    model: str
    version: str
    format: str
    sku: str
    capacity: int
    held: int  # capacity the live deployment holds in the same usage (0 when new or another model/SKU)
    new_version: bool  # a create, or a change of model or version


def refusals(
    graph: Graph, changes: Mapping[str, Change], desired: Mapping[str, Any], observed: Mapping[str, Any],
    adapter: Adapter,
) -> dict[str, tuple[str, str]]:
    """Address → (ARM code, message) for every pending deployment write Azure would refuse."""
    wanted = [w for w in (_wanted(graph, a, c, desired, observed) for a, c in changes.items()) if w is not None]
    found: dict[str, tuple[str, str]] = {}
    for subscription, location in sorted({(w.subscription, w.location) for w in wanted}):
        here = [w for w in wanted if (w.subscription, w.location) == (subscription, location)]
        regional = at(adapter, subscription or None)
        catalogue = _catalogue(regional, location)
        for w in here:
            refusal = _catalogue_refusal(w, catalogue) if catalogue is not None else None
            if refusal is not None:
                found[w.address] = refusal
        usages = _listed(regional.list_model_usages, location)
        if usages is not None:
            found |= _quota_refusals([w for w in here if w.address not in found], usages)
    return found


def _listed(operation: Callable[[str], list[dict[str, Any]]], location: str) -> list[dict[str, Any]] | None:
    """A regional list, or None where there is nothing to check against: the API is not offered
    (400/404), or this identity may not read it (403: a team identity scoped to its resource
    groups; Azure still checks at the write)."""
    try:
        return operation(location)
    except ProviderError as error:
        if error.status in (400, 403, 404):
            return None
        raise


def _wanted(graph: Graph, address: str, change: Change, desired: Mapping[str, Any],
            observed: Mapping[str, Any]) -> Wanted | None:
    if change.arm_type.lower() != DEPLOYMENT_TYPE or not change.allowed:
        return None
    if change.action not in (Action.CREATE, Action.UPDATE, Action.REPLACE):
        return None
    body = desired.get(address) or {}
    model = (body.get("properties") or {}).get("model") or {}
    sku = body.get("sku") or {}
    if not model.get("name") or not sku.get("name"):
        return None
    live = observed.get(address) or {}
    live_model = (live.get("properties") or {}).get("model") or {}
    live_sku = live.get("sku") or {}
    same_usage = (str(live_model.get("name", "")).lower() == str(model["name"]).lower()
                  and str(live_sku.get("name", "")).lower() == str(sku["name"]).lower())
    account_id = change.arm_id.rsplit("/deployments/", 1)[0]
    account = next((n for n in graph if ids.same(n.arm_id, account_id)), None)
    location = str(((desired.get(account.address) if account else None) or {}).get("location")
                   or live.get("location") or "")
    return Wanted(
        address=address, subscription=(ids.subscription_of(change.arm_id) or "").lower(),
        location=location.replace(" ", "").lower(), model=str(model["name"]),
        version=str(model.get("version") or ""), format=str(model.get("format") or "OpenAI"), sku=str(sku["name"]),
        capacity=int(sku.get("capacity") or 0), held=int(live_sku.get("capacity") or 0) if same_usage else 0,
        new_version=change.action is Action.CREATE or not same_usage
        or str(live_model.get("version", "")) != str(model.get("version", "")),
    )


def _catalogue(adapter: Adapter, location: str) -> list[dict[str, Any]] | None:
    """The region's catalogue, or None where it cannot be read or lists nothing (see ``_listed``)."""
    return _listed(adapter.list_models, location) or None


def _catalogue_refusal(w: Wanted, catalogue: list[dict[str, Any]]) -> tuple[str, str] | None:
    label = f"model {w.model} version {w.version} ({w.format})"
    versions = [item.get("model") or {} for item in catalogue
                if str((item.get("model") or {}).get("name", "")).lower() == w.model.lower()
                and str((item.get("model") or {}).get("format", w.format)).lower() == w.format.lower()]
    entry = next((m for m in versions if str(m.get("version", "")) == w.version), None)
    if entry is None:
        offered = sorted({str(m.get("version")) for m in versions})
        return "DeploymentModelNotSupported", (
            f"{label} is not offered in {w.location}"
            + (f"; versions offered there: {', '.join(offered)}" if offered else f"; {w.model} is not offered there")
            + ". Pick a version from the region's model catalogue, or another region."
        )
    skus = {str(s.get("name", "")).lower(): s for s in entry.get("skus") or []}
    sku = skus.get(w.sku.lower())
    if sku is None:
        return "InvalidResourceProperties", (
            f"{label} is not offered with SKU {w.sku} in {w.location}; SKUs offered: "
            f"{', '.join(sorted(str(s.get('name')) for s in skus.values())) or 'none'}. Change the deployment's sku."
        )
    status = str(entry.get("lifecycleStatus", "")).lower()
    if status == "deprecated":
        retires = (entry.get("deprecation") or {}).get("inference") or sku.get("deprecationDate")
        since = f" since {str(retires)[:10]}" if retires else ""
        return "ServiceModelDeprecated", (
            f"{label} has been deprecated in {w.location}{since} and can no longer be deployed. "
            "Upgrade the deployment to a current version."
        )
    if w.new_version and status == "deprecating":
        return "ServiceModelDeprecating", (
            f"{label} is being deprecated in {w.location} and cannot be used for new deployments. "
            "Pick a current version."
        )
    return None


def _quota_refusals(wanted: list[Wanted], usages: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    by_usage: dict[str, list[Wanted]] = {}
    for w in wanted:
        by_usage.setdefault(f"OpenAI.{w.sku}.{w.model}".lower(), []).append(w)
    table = {str((u.get("name") or {}).get("value", "")).lower(): u for u in usages}
    found: dict[str, tuple[str, str]] = {}
    for name, group in by_usage.items():
        usage = table.get(name)
        if usage is None or usage.get("limit") is None:
            continue  # no quota published for it: Azure decides (the catalogue check covers unknown models)
        limit = int(float(usage["limit"]))
        current = int(float(usage.get("currentValue") or 0))
        held = sum(w.held for w in group)
        in_use = current - held  # what the new capacities do not replace
        requested = sum(w.capacity for w in group)
        if in_use + requested <= limit:
            continue
        display = str((usage.get("name") or {}).get("value", name))
        replaced = (f" ({held} of it by the deployment(s) being updated, which the new capacity replaces)"
                    if held else "")
        for w in group:
            others = requested - w.capacity
            found[w.address] = ("InsufficientQuota", (
                f"deployment of {w.model} ({w.sku}) in {w.location} requests capacity {w.capacity}"
                + (f" (with {others} more for other deployments of this plan)" if others else "")
                + f"; quota {display}: {current} in use{replaced}, limit {limit}, "
                f"{max(limit - in_use, 0)} available. Lower the capacity, or request more quota for this model "
                "and region."
            ))
    return found

