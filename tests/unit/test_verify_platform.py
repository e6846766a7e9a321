"""``monitoring-agent`` (lzengine.verify_platform) on hand-made rule bodies: a rule passes only when
every stream it collects flows to the planned workspace."""

from __future__ import annotations

from lzengine.verify_platform import _rule_problems

WORKSPACE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log-hub"
PLANNED = {"properties": {"destinations": {"logAnalytics": [{"name": "hub", "workspaceResourceId": WORKSPACE}]}}}


def rule(destination: str = WORKSPACE, flows: list[dict] | None = None) -> dict:
    return {"properties": {
        "dataSources": {"syslog": [{"name": "s", "streams": ["Microsoft-Syslog"]}],
                        "performanceCounters": [{"name": "p", "streams": ["Microsoft-Perf"]}]},
        "destinations": {"logAnalytics": [{"name": "ws", "workspaceResourceId": destination}]},
        "dataFlows": flows if flows is not None else [{"streams": ["Microsoft-Syslog", "Microsoft-Perf"],
                                                       "destinations": ["ws"]}]}}


def test_a_rule_that_sends_everything_to_the_workspace_passes() -> None:
    assert _rule_problems(PLANNED, rule()) == []


def test_what_breaks_the_flow_is_named() -> None:
    assert _rule_problems(PLANNED, None) == ["the data collection rule does not exist"]
    assert _rule_problems(PLANNED, rule(destination=WORKSPACE.replace("log-hub", "log-other"))) == \
        ["the data collection rule has no destination in the planned workspace"]
    only_syslog = rule(flows=[{"streams": ["Microsoft-Syslog"], "destinations": ["ws"]}])
    assert _rule_problems(PLANNED, only_syslog) == ["stream(s) Microsoft-Perf do not flow to the workspace"]
