"""Compiler step for AI Foundry projects: each project under its spoke's AI Services account, its
keyless connections to the spoke's AI Search, storage account and Application Insights, and the
roles its managed identity needs on them.

Who uses it: ``lzengine.compile.STEPS``, after every workload step (the connections point at the
nodes those steps added: ``spokes.<s>.search``, ``spokes.<s>.storage``,
``spokes.<s>.monitoring.app_insights``). A project lives in ``accounts/projects`` with a
system-assigned identity; the account must have ``allowProjectManagement`` on, which
``lzengine.compile.workload.ai_accounts`` sets when the spoke declares projects. Connections use
``authType: AAD`` (Entra ID, no keys or connection strings stored in the project), like the account
itself, and name their target by ARM id in ``metadata.ResourceId`` (the form the Foundry Bicep
samples and solution accelerators write for a CognitiveSearch connection).
"""

from __future__ import annotations

from typing import Any

# workload first: it imports data_services, which needs governance complete
from lzengine.compile import workload
from lzengine.compile.context import Context
from lzengine.compile.governance import assign_role
from lzengine.graph import Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan.models import Spoke
from lzengine.refs import Ref

#: Connection name, category and roles of the project's identity per connected component.
CONNECTIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "search": ("search", "CognitiveSearch", ("Search Index Data Contributor", "Search Service Contributor")),
    "storage": ("storage", "AzureStorageAccount", ("Storage Blob Data Contributor",)),
    # tracing goes to Application Insights through the connection; Azure's AppInsights connections
    # are mostly written with the connection string as an ApiKey, the keyless form is [unconfirmed]
    "app_insights": ("app-insights", "AppInsights", ()),
}
STORAGE_TYPE = "microsoft.storage/storageaccounts"


def component_node(ctx: Context, spoke: Spoke, component: str) -> Node | None:
    """The node a project connection points at, or None when the spoke does not deploy it."""
    base = f"spokes.{spoke.name}"
    if component == "search":
        return ctx.graph.nodes.get(f"{base}.search")
    if component == "app_insights":
        return ctx.graph.nodes.get(f"{base}.monitoring.app_insights")
    # a spoke's storage account (added by the storage step when the plan declares one)
    return next((n for n in ctx.graph if n.kind.arm_type.lower() == STORAGE_TYPE
                 and (n.address == f"{base}.storage" or n.address.startswith(f"{base}.storage."))
                 and n.arm_id.lower().count("/") == 8), None)


def wanted_connections(spoke: Spoke, declared: list[str] | None) -> list[str]:
    """The components a project connects to: those it lists, else each one the spoke deploys."""
    if declared is not None:
        return list(declared)
    present = {"search": spoke.search is not None, "storage": getattr(spoke, "storage", None) is not None,
               "app_insights": spoke.monitoring is not None and spoke.monitoring.app_insights}
    return [c for c in CONNECTIONS if present[c]]


def _target(component: str, node: Node) -> str:
    name = node.arm_id.rstrip("/").rsplit("/", 1)[-1]
    if component == "search":
        return f"https://{name}.search.windows.net"
    if component == "storage":
        return f"https://{name}.blob.core.windows.net/"
    return node.arm_id


def projects(ctx: Context) -> None:
    for spoke in ctx.plan.spokes:
        if spoke.ai is None or not spoke.ai.projects:
            continue
        base = f"spokes.{spoke.name}"
        account_id = workload.ai_id(ctx, spoke)
        for project in spoke.ai.projects:
            address = f"{base}.ai.project.{project.name}"
            project_id = f"{account_id}/projects/{project.name}"
            props: dict[str, Any] = {"displayName": project.display_name or project.name}
            if project.description:
                props["description"] = project.description
            ctx.add(address, KINDS_BY_NAME["cognitive_project"], project_id,
                    ctx.located(identity={"type": "SystemAssigned"}, properties=props), {f"{base}.ai"}, spoke.owner)
            identity = Ref(address, "identity.principalId")
            for component in wanted_connections(spoke, project.connections):
                target = component_node(ctx, spoke, component)
                if target is None:
                    continue  # the plan check reports a listed component the spoke lacks
                name, category, roles = CONNECTIONS[component]
                metadata = {"ApiType": "Azure", "ResourceId": target.arm_id, "location": ctx.plan.location}
                ctx.add(f"{address}.connection.{name}", KINDS_BY_NAME["cognitive_project_connection"],
                        f"{project_id}/connections/{name}",
                        {"properties": {"category": category, "target": _target(component, target),
                                        "authType": "AAD", "metadata": metadata}},
                        {address, target.address}, spoke.owner)
                for role in roles:
                    slug = role.lower().replace(" ", "-")
                    assign_role(ctx, f"{address}.role.{slug}", target.arm_id, identity, "ServicePrincipal",
                                           role, {address, target.address}, spoke.owner, address)
