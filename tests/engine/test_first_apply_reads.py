"""A first apply reads nothing inside a resource that does not exist: the children of an absent
resource and everything in a missing resource group are absent without a GET (what a 100-spoke
estate's first apply spent two minutes of ARM's read budget on). Extension resources (diagnostic
settings, assignments) are still read: Azure may keep them after the resource they are on."""

from __future__ import annotations

from lzengine.engine import Engine, EngineOptions
from lzengine.retry import RetryPolicy
from tests.bench.estate import estate_text


class GetsOnly:
    """The same adapter without its list operations: one GET per resource."""

    def __init__(self, adapter) -> None:
        self._adapter = adapter

    def __getattr__(self, name: str):
        if name in ("list_scope", "list_bodies"):
            raise AttributeError(name)
        return getattr(self._adapter, name)


def test_a_first_plan_gets_no_child_of_an_absent_resource_and_decides_as_gets_would(harness, emulator) -> None:
    graph = harness.graph(estate_text(1))
    retry = RetryPolicy(sleep=harness.clock.sleep, clock=harness.clock)
    engine = Engine(harness.adapter, EngineOptions(retry=retry, policy_preflight=False))
    emulator.reset_stats()
    planned = engine.plan(graph)
    read = emulator.stats()["by_type"]
    for child in ("privateendpoints/privatednszonegroups", "cognitiveservices/accounts/deployments",
                  "accounts/projects/connections", "microsoft.web/sites", "microsoft.insights/actiongroups"):
        assert not [t for t in read if child in t], (child, read)
    diagnostics = [n for n in graph if n.kind.arm_type.lower() == "microsoft.insights/diagnosticsettings"]
    assert read.get("microsoft.insights/diagnosticsettings") == len(diagnostics) > 0  # still read, one GET each

    by_get = Engine(GetsOnly(harness.adapter), EngineOptions(retry=retry, policy_preflight=False)).plan(graph)
    assert {a: c.action for a, c in planned.changes.items()} == {a: c.action for a, c in by_get.changes.items()}
    assert {c.action.name for c in planned.changes.values()} == {"CREATE"}
