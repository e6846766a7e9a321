"""Azure Monitor agent configuration in the emulator: data collection rules and their associations
(Microsoft.Insights/dataCollectionRules, .../dataCollectionRuleAssociations).

Registry rows (``SPECS``) and handlers (``HANDLERS``), collected by :mod:`lzengine.emulator.registry`
and reached through :mod:`lzengine.emulator.hooks`. What it models, after the REST API
(``DataCollectionRules_Create``, ``DataCollectionRuleAssociations_Create``, api 2023-03-11, which
azure-mgmt-monitor 7 speaks) and its examples:

* **Rules** are tracked resources, written synchronously (200/201 with the body). Azure refuses a
  rule it cannot act on as a whole, with 400 ``InvalidPayload`` "Data collection rule is invalid"
  and one detail per problem (the shape quoted in hashicorp/terraform-provider-azurerm#28709):
  a Log Analytics destination whose workspace does not exist, a data flow naming a destination
  the rule does not declare, a data source stream no data flow sends anywhere. The server adds
  ``immutableId`` (``dcr-`` and 32 hex digits) and, per Log Analytics destination, the
  workspace's customer id as ``workspaceId``.
* **Associations** are extension resources on a machine (the scope must exist, as for every
  extension resource); the rule they name (``dataCollectionRuleId``) must exist.
* Deleting a rule with ``deleteAssociations=true`` deletes its associations too; without it the
  associations stay, pointing at nothing, as the API describes the flag.

Detail codes and the association's error are marked ``[unconfirmed]``: no public recording of
them was found.
"""

from __future__ import annotations

from typing import Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.rp_common import find, local, props, stable_guid
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import SERVICE_REGIONS, PutMode, TypeSpec, sync

RULE = "microsoft.insights/datacollectionrules"
ASSOCIATION = "microsoft.insights/datacollectionruleassociations"
WORKSPACE = "microsoft.operationalinsights/workspaces"

DCR_VERSIONS = ("2019-11-01-preview", "2021-04-01", "2021-09-01-preview", "2022-06-01", "2023-03-11",
                "2024-03-11")
_KINDS = {"linux", "windows", "directtostore", "agentdirecttostore", "workspacetransforms"}
#: Destination families of a rule: their entries are lists of named destinations (the metrics one is
#: a single object).
_DESTINATION_LISTS = ("logAnalytics", "storageAccounts", "storageBlobsDirect", "storageTablesDirect", "eventHubs",
                      "eventHubsDirect", "monitoringAccounts")


def _invalid(details: list[dict[str, Any]]) -> errors.ArmError:
    return errors.ArmError(400, "InvalidPayload", "Data collection rule is invalid", details=details)


def _detail(code: str, message: str, target: str) -> dict[str, Any]:
    return {"code": code, "message": message, "target": target}


def _validate_rule(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                   parent_body: dict[str, Any] | None = None) -> None:
    kind = body.get("kind")
    if kind is not None and str(kind).lower() not in _KINDS:  # [unconfirmed] code
        raise errors.bad_request("InvalidPayload", f"The data collection rule kind '{kind}' is not supported.",
                                 target="kind")
    p = props(body)
    problems: list[dict[str, Any]] = []
    destinations = p.get("destinations") or {}
    named: set[str] = set()
    for family in _DESTINATION_LISTS:
        for index, entry in enumerate(destinations.get(family) or []):
            if not isinstance(entry, dict):
                continue
            named.add(str(entry.get("name") or "").lower())
            if family != "logAnalytics":
                continue
            workspace = str(entry.get("workspaceResourceId") or "")
            where = f"properties.destinations.logAnalytics[{index}]"
            if not workspace:
                problems.append(_detail("InvalidDestination", "A Log Analytics destination needs "
                                        "workspaceResourceId.", where))  # [unconfirmed] code
            elif local(ctx, workspace) and (find(ctx, workspace) is None
                                            or find(ctx, workspace).type.lower() != WORKSPACE):  # type: ignore[union-attr]
                problems.append(_detail(  # [unconfirmed] code and wording
                    "InvalidDestination", f"Log Analytics workspace '{workspace}' of destination '{entry.get('name')}' "
                    "was not found.", where))
    metrics = destinations.get("azureMonitorMetrics")
    if isinstance(metrics, dict) and metrics.get("name"):
        named.add(str(metrics["name"]).lower())
    sent: set[str] = set()
    for index, flow in enumerate(p.get("dataFlows") or []):
        if not isinstance(flow, dict):
            continue
        sent |= {str(s).lower() for s in flow.get("streams") or []}
        for destination in flow.get("destinations") or []:
            if str(destination).lower() not in named:  # [unconfirmed] code and wording
                problems.append(_detail("InvalidDataFlow", f"Data flow destination '{destination}' is not defined "
                                        "in the destinations of the rule.", f"properties.dataFlows[{index}]"))
    for family, sources in (p.get("dataSources") or {}).items():
        for index, source in enumerate(sources if isinstance(sources, list) else []):
            for stream in (source or {}).get("streams") or [] if isinstance(source, dict) else []:
                if str(stream).lower() not in sent:  # [unconfirmed] code and wording
                    problems.append(_detail("InvalidDataSource", f"Stream '{stream}' of data source "
                                            f"'{source.get('name')}' is not sent to any destination by a data flow.",
                                            f"properties.dataSources.{family}[{index}]"))
    if problems:
        raise _invalid(problems)


def _after_rule(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                state: str) -> None:
    p = res.body.setdefault("properties", {})
    old = props(existing.body) if existing is not None else {}
    p["immutableId"] = old.get("immutableId") or "dcr-" + stable_guid("dcr", res.id).replace("-", "")
    for entry in (p.get("destinations") or {}).get("logAnalytics") or []:
        workspace = find(ctx, str(entry.get("workspaceResourceId") or "")) if isinstance(entry, dict) else None
        if workspace is not None:
            entry["workspaceId"] = props(workspace.body).get("customerId")


def _before_rule_delete(ctx: ProviderContext, res: Resource) -> None:
    if str(ctx.query.get("deleteAssociations") or "").lower() != "true":
        return
    for association in list(ctx.store.of_type(ASSOCIATION)):
        if id_key(str(props(association.body).get("dataCollectionRuleId") or "")) == res.key:
            ctx.store.remove(association.key)


def _validate_association(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                          parent_body: dict[str, Any] | None = None) -> None:
    p = props(body)
    rule = str(p.get("dataCollectionRuleId") or "")
    endpoint = str(p.get("dataCollectionEndpointId") or "")
    if bool(rule) == bool(endpoint):  # [unconfirmed] wording
        raise errors.bad_request("InvalidPayload", "An association names either a data collection rule or, "
                                 "as 'configurationAccessEndpoint', a data collection endpoint.")
    if rule and local(ctx, rule) and (find(ctx, rule) is None or find(ctx, rule).type.lower() != RULE):  # type: ignore[union-attr]
        raise errors.bad_request(  # [unconfirmed] code and wording
            "InvalidPayload", f"Data collection rule '{rule}' of association '{rp.name}' was not found.",
            target="properties.dataCollectionRuleId")


def _after_association(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None, op: Any,
                       state: str) -> None:
    res.body.setdefault("properties", {})


SPECS: list[TypeSpec] = [
    sync("Microsoft.Insights/dataCollectionRules", DCR_VERSIONS, update=PutMode(200), locations=SERVICE_REGIONS),
    # an extension resource on the machine: not in the generic /resources lists
    sync("Microsoft.Insights/dataCollectionRuleAssociations", DCR_VERSIONS, update=PutMode(200), listed=False),
]

HANDLERS: dict[str, Handler] = {
    RULE: Handler(validate=_validate_rule, after_put=_after_rule, before_delete=_before_rule_delete),
    ASSOCIATION: Handler(validate=_validate_association, after_put=_after_association),
}
