"""Guardrail checks of the hub's platform services, part of ``lzengine verify``.

Who uses it: ``lzengine.verify.run_checks``. From the live estate the engine observed (no extra
calls):

- ``monitoring-agent``: per data collection rule association the plan declares (the jump box's),
  the association exists on its machine and names the planned rule; the rule exists and every
  stream its data sources collect flows to a Log Analytics destination that is the planned
  workspace; and the machine's Azure Monitor agent extension exists and has provisioned. Any of
  these missing means the guest's syslog and counters silently stop reaching the workspace.
"""

from __future__ import annotations

from typing import Any

from lzengine import ids
from lzengine.graph import Graph
from lzengine.refs import get_path

ASSOCIATION = "microsoft.insights/datacollectionruleassociations"
RULE = "microsoft.insights/datacollectionrules"
EXTENSION = "microsoft.compute/virtualmachines/extensions"
AGENT_TYPES = {"azuremonitorlinuxagent", "azuremonitorwindowsagent"}


def checks(graph: Graph, by_type: dict[str, list[str]], live: Any) -> list[tuple[str, str, list[str], str]]:
    """(check name, resource, problems, what passed) per association the plan declares."""
    rules = {graph.nodes[a].arm_id.lower(): a for a in by_type.get(RULE, [])}
    agents = {graph.nodes[a].arm_id.lower(): a for a in by_type.get(EXTENSION, [])
              if str(get_path(graph.nodes[a].body, "properties.type") or "").lower() in AGENT_TYPES}
    found = []
    for address in by_type.get(ASSOCIATION, []):
        node = graph.nodes[address]
        machine = node.arm_id[:node.arm_id.lower().rfind("/providers/microsoft.insights/")]
        planned_rule = str(get_path(node.body, "properties.dataCollectionRuleId") or "")
        problems: list[str] = []
        association = live(address)
        if association is None:
            problems.append(f"association {ids.parse_name(node.arm_id)} does not exist: the agent collects nothing")
        elif str(get_path(association, "properties.dataCollectionRuleId") or "").lower() != planned_rule.lower():
            problems.append(f"the association names {get_path(association, 'properties.dataCollectionRuleId')}, "
                            f"not {ids.parse_name(planned_rule)}")
        rule_address = rules.get(planned_rule.lower())
        if rule_address is not None:
            problems += _rule_problems(graph.nodes[rule_address].body, live(rule_address))
        agent = next((a for i, a in agents.items() if i.startswith(machine.lower() + "/extensions/")), None)
        if agent is not None:
            body = live(agent)
            state = str(get_path(body, "properties.provisioningState") or "") if body else ""
            if body is None:
                problems.append("the Azure Monitor agent extension is not installed")
            elif state and state.lower() != "succeeded":
                problems.append(f"the Azure Monitor agent extension is {state}")
        found.append(("monitoring-agent", machine.lower(), problems,
                      f"the agent sends what {ids.parse_name(planned_rule)} collects to the workspace"))
    return found


def _rule_problems(planned: dict[str, Any], body: dict[str, Any] | None) -> list[str]:
    if body is None:
        return ["the data collection rule does not exist"]
    wanted = {str(d.get("workspaceResourceId") or "").lower()
              for d in get_path(planned, "properties.destinations.logAnalytics") or []}
    to_workspace = {str(d.get("name") or "").lower()
                    for d in get_path(body, "properties.destinations.logAnalytics") or []
                    if str(d.get("workspaceResourceId") or "").lower() in wanted}
    if not to_workspace:
        return ["the data collection rule has no destination in the planned workspace"]
    flowing = {str(s).lower() for flow in get_path(body, "properties.dataFlows") or []
               if {str(d).lower() for d in flow.get("destinations") or []} & to_workspace
               for s in flow.get("streams") or []}
    collected = {str(s) for sources in (get_path(body, "properties.dataSources") or {}).values()
                 if isinstance(sources, list) for source in sources for s in source.get("streams") or []}
    lost = sorted(s for s in collected if s.lower() not in flowing)
    return [f"stream(s) {', '.join(lost)} do not flow to the workspace"] if lost else []
