"""The model deployment preflight, on catalogue and usage data shaped like Azure's answers."""

from __future__ import annotations

from lzengine.diff import Action, Change
from lzengine.graph import Graph, Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.model_preflight import refusals

ACCOUNT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/ais"
DEPLOYMENT_TYPE = "Microsoft.CognitiveServices/accounts/deployments"


def entry(version: str, retires: str, lifecycle: str = "GenerallyAvailable",
          skus: tuple[str, ...] = ("GlobalStandard",)) -> dict:
    return {"kind": "OpenAI", "skuName": "S0", "model": {
        "format": "OpenAI", "name": "gpt-4o", "version": version, "lifecycleStatus": lifecycle,
        "deprecation": {"inference": retires},
        "skus": [{"name": s, "usageName": f"OpenAI.{s}.gpt-4o", "deprecationDate": retires} for s in skus]}}


class FakeAdapter:
    subscription_id = "s"

    def __init__(self, used: float = 0, limit: float = 450):
        self.catalogue = [entry("2024-05-13", "2026-03-31T00:00:00Z", "Deprecated"),
                          entry("2024-08-06", "2027-02-27T00:00:00Z", "Deprecating"),
                          entry("2024-11-20", "2027-03-01T00:00:00Z")]
        self.usages = [{"name": {"value": "OpenAI.GlobalStandard.gpt-4o"}, "currentValue": used, "limit": limit}]

    def list_models(self, location: str):
        return self.catalogue

    def list_model_usages(self, location: str):
        return self.usages


def case(*deployments: tuple[str, str, str, int, dict | None]):
    """(name, version, sku, capacity, live body or None) → graph, changes, desired, observed."""
    graph = Graph()
    graph.add(Node("ai", KINDS_BY_NAME["cognitive_account"], ACCOUNT, {"location": "swedencentral"}))
    changes, desired, observed = {}, {"ai": {"location": "swedencentral"}}, {}
    for name, version, sku, capacity, live in deployments:
        address, arm_id = f"ai.deployment.{name}", f"{ACCOUNT}/deployments/{name}"
        body = {"sku": {"name": sku, "capacity": capacity},
                "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": version}}}
        graph.add(Node(address, KINDS_BY_NAME["cognitive_deployment"], arm_id, body, frozenset({"ai"})))
        action = Action.CREATE if live is None else Action.UPDATE
        changes[address] = Change(action, address, arm_id, DEPLOYMENT_TYPE)
        desired[address], observed[address] = body, live
    return graph, changes, desired, observed


def run(adapter: FakeAdapter, *deployments) -> dict[str, tuple[str, str]]:
    return refusals(*case(*deployments), adapter)


def test_a_version_the_region_does_not_offer_is_refused_with_the_versions_it_does() -> None:
    found = run(FakeAdapter(), ("d", "2099-01-01", "GlobalStandard", 10, None))
    code, message = found["ai.deployment.d"]
    assert code == "DeploymentModelNotSupported" and "2024-11-20" in message


def test_a_sku_the_version_is_not_offered_with_is_refused() -> None:
    code, message = run(FakeAdapter(), ("d", "2024-11-20", "Standard", 10, None))["ai.deployment.d"]
    assert code == "InvalidResourceProperties" and "GlobalStandard" in message


def test_a_retired_version_is_refused_and_a_deprecating_one_only_for_new_deployments() -> None:
    assert run(FakeAdapter(), ("d", "2024-05-13", "GlobalStandard", 10, None))["ai.deployment.d"][0] == \
        "ServiceModelDeprecated"
    assert run(FakeAdapter(), ("d", "2024-08-06", "GlobalStandard", 10, None))["ai.deployment.d"][0] == \
        "ServiceModelDeprecating"
    live = {"sku": {"name": "GlobalStandard", "capacity": 10},
            "properties": {"model": {"name": "gpt-4o", "version": "2024-08-06"}}}
    assert run(FakeAdapter(used=10), ("d", "2024-08-06", "GlobalStandard", 20, live)) == {}  # capacity only


def test_lifecycle_is_the_catalogues_word_and_never_the_local_clock() -> None:
    adapter = FakeAdapter()
    # the listed date has passed, but the server still lists the version as available: accepted
    adapter.catalogue = [entry("2024-11-20", "2001-01-01T00:00:00Z")]
    assert run(adapter, ("d", "2024-11-20", "GlobalStandard", 10, None)) == {}
    # the server says retired, whatever the date reads: refused, with the date in the message
    adapter.catalogue = [entry("2024-11-20", "2999-01-01T00:00:00Z", "Deprecated")]
    code, message = run(adapter, ("d", "2024-11-20", "GlobalStandard", 10, None))["ai.deployment.d"]
    assert code == "ServiceModelDeprecated" and "since 2999-01-01" in message


def test_quota_counts_every_pending_deployment_and_not_an_update_against_itself() -> None:
    live = {"sku": {"name": "GlobalStandard", "capacity": 100},
            "properties": {"model": {"name": "gpt-4o", "version": "2024-11-20"}}}
    assert run(FakeAdapter(used=100, limit=450), ("a", "2024-11-20", "GlobalStandard", 450, live)) == {}
    found = run(FakeAdapter(used=100, limit=450), ("a", "2024-11-20", "GlobalStandard", 300, live),
                ("b", "2024-11-20", "GlobalStandard", 200, None))
    assert set(found) == {"ai.deployment.a", "ai.deployment.b"}
    code, message = found["ai.deployment.b"]
    assert code == "InsufficientQuota"
    assert "requests capacity 200 (with 300 more for other deployments of this plan)" in message
    assert "100 in use (100 of it by the deployment(s) being updated, which the new capacity replaces), " \
           "limit 450, 450 available" in message


def test_lists_this_identity_may_not_read_leave_the_check_to_azure() -> None:
    from lzengine.errors import ProviderError

    class Forbidden(FakeAdapter):
        def list_model_usages(self, location: str):
            raise ProviderError("AuthorizationFailed", "no read access", status=403)

        def list_models(self, location: str):
            raise ProviderError("AuthorizationFailed", "no read access", status=403)

    assert run(Forbidden(), ("d", "2099-01-01", "GlobalStandard", 5000, None)) == {}
