"""Cognitive Services as Azure answers it: sub-domains, endpoints, soft delete, deployments and
quota, through the typed cognitiveservices client."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients, FakeClock


def account(sub: str | None = None, kind: str = "AIServices", location: str = "eastus") -> dict[str, Any]:
    props = {"customSubDomainName": sub} if sub else {}
    return {"location": location, "kind": kind, "sku": {"name": "S0"}, "properties": props}


VERSIONS = {"gpt-4o": "2024-11-20", "gpt-4o-mini": "2024-07-18", "gpt-4.1": "2025-04-14",
            "text-embedding-3-large": "1", "text-embedding-3-small": "1"}


def deployment(model: str = "gpt-4o", sku: str = "DataZoneStandard", capacity: int = 50,
               version: str | None = None) -> dict[str, Any]:
    return {"sku": {"name": sku, "capacity": capacity},
            "properties": {"model": {"format": "OpenAI", "name": model, "version": version or VERSIONS[model]}}}


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


@pytest.fixture
def cs(clients: Clients, arm: Arm) -> Any:
    arm.make_rg("rg1")
    arm.make_rg("rg2")
    return clients.cognitive


def test_endpoints_follow_kind_and_subdomain(cs: Any) -> None:
    ai = cs.accounts.begin_create("rg1", "ai", account("ai-sub")).result()
    assert ai.properties.endpoint == "https://ai-sub.cognitiveservices.azure.com/"
    assert ai.properties.endpoints["OpenAI Language Model Instance API"] == "https://ai-sub.openai.azure.com/"
    oai = cs.accounts.begin_create("rg1", "oai", account("oai-sub", kind="OpenAI")).result()
    assert oai.properties.endpoint == "https://oai-sub.openai.azure.com/"
    plain = cs.accounts.begin_create("rg1", "plain", account(kind="TextAnalytics", location="westeurope")).result()
    assert plain.properties.endpoint == "https://westeurope.api.cognitive.microsoft.com/"
    err = error(lambda: cs.accounts.begin_create("rg1", "bad", account("Bad_Name")))
    assert (err.status_code, err.error.code) == (400, "CustomDomainInvalid")


def test_subdomains_are_global_and_held_by_soft_deleted_accounts(cs: Any) -> None:
    cs.accounts.begin_create("rg1", "one", account("shared-sub")).result()
    err = error(lambda: cs.accounts.begin_create("rg2", "two", account("shared-sub")))
    assert (err.status_code, err.error.code) == (409, "CustomDomainInUse")
    assert "The subdomain name 'shared-sub' is not available" in err.error.message
    cs.accounts.begin_delete("rg1", "one").result()
    # soft-deleted: the name in its resource group, and the sub-domain everywhere
    err = error(lambda: cs.accounts.begin_create("rg1", "one", account("shared-sub")))
    assert (err.status_code, err.error.code) == (409, "FlagMustBeSetForRestore")
    assert error(lambda: cs.accounts.begin_create("rg2", "two", account("shared-sub"))).error.code == \
        "CustomDomainInUse"
    deleted = cs.deleted_accounts.get("eastus", "rg1", "one")
    assert deleted.properties.deletion_date and deleted.properties.scheduled_purge_date
    cs.deleted_accounts.begin_purge("eastus", "rg1", "one").result()
    assert cs.accounts.begin_create("rg2", "two", account("shared-sub")).result().properties.provisioning_state \
        == "Succeeded"


def test_restore_brings_back_deployments_and_purge_frees_quota(cs: Any, arm: Arm) -> None:
    cs.accounts.begin_create("rg1", "a", account("a-sub")).result()
    cs.deployments.begin_create_or_update("rg1", "a", "gpt", deployment(capacity=400)).result()
    cs.accounts.begin_delete("rg1", "a").result()
    # the soft-deleted account still holds its quota
    usage = {u.name.value: u for u in cs.usages.list("eastus")}["OpenAI.DataZoneStandard.gpt-4o"]
    assert (usage.current_value, usage.limit) == (400, 450)
    cs.accounts.begin_create("rg2", "b", account("b-sub")).result()
    err = error(lambda: cs.deployments.begin_create_or_update("rg2", "b", "gpt", deployment(capacity=100)))
    assert (err.status_code, err.error.code) == (400, "InsufficientQuota")
    restored = cs.accounts.begin_create("rg1", "a", {**account("a-sub"), "properties": {
        "customSubDomainName": "a-sub", "restore": True}}).result()
    assert restored.properties.restore is None
    assert [d.name for d in cs.deployments.list("rg1", "a")] == ["gpt"]
    cs.accounts.begin_delete("rg1", "a").result()
    cs.deleted_accounts.begin_purge("eastus", "rg1", "a").result()
    cs.deployments.begin_create_or_update("rg2", "b", "gpt", deployment(capacity=100)).result()


def test_insufficient_quota_message_and_usages(cs: Any, arm: Arm) -> None:
    arm.admin("PUT", "/quota", {"location": "eastus", "sku": "GlobalStandard", "model": "gpt-4o-mini", "limit": 30})
    cs.accounts.begin_create("rg1", "a", account("qa")).result()
    cs.deployments.begin_create_or_update("rg1", "a", "mini", deployment("gpt-4o-mini", "GlobalStandard", 20)).result()
    err = error(lambda: cs.deployments.begin_create_or_update(
        "rg1", "a", "mini2", deployment("gpt-4o-mini", "GlobalStandard", 20)))
    assert (err.status_code, err.error.code) == (400, "InsufficientQuota")
    assert err.error.message == (
        "This operation require 20 new capacity in quota Tokens Per Minute (thousands) - gpt-4o-mini, which is "
        "bigger than the current available capacity 10. The current quota usage is 20 and the quota limit is 30 "
        "for quota Tokens Per Minute (thousands) - gpt-4o-mini.")
    # resizing a deployment counts only the difference; other regions have their own quota
    cs.deployments.begin_create_or_update("rg1", "a", "mini", deployment("gpt-4o-mini", "GlobalStandard", 30)).result()
    cs.accounts.begin_create("rg2", "w", account("qw", location="westus")).result()
    cs.deployments.begin_create_or_update("rg2", "w", "mini", deployment("gpt-4o-mini", "GlobalStandard", 30)).result()
    usages = {u.name.value: u for u in cs.usages.list("eastus")}
    mini = usages["OpenAI.GlobalStandard.gpt-4o-mini"]
    assert (mini.current_value, mini.limit, mini.unit) == (30, 30, "Count")
    assert mini.name.localized_value == "Tokens Per Minute (thousands) - gpt-4o-mini"
    assert usages["OpenAI.DataZoneStandard.gpt-4o"].limit == 450
    dep = cs.deployments.get("rg1", "a", "mini")
    assert dep.sku.capacity == 30 and dep.properties.provisioning_state == "Succeeded"


def test_deployments_are_serialised_per_account(make_emu, clock: FakeClock) -> None:
    emu = make_emu(time_scale=1.0, clock=clock)
    Arm(emu).make_rg()
    cs = Clients(emu).cognitive
    arm = Arm(emu)
    arm.put(arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/a"), account("ser"), api="2025-06-01")
    clock.advance(120)
    first = arm.put(arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/a/deployments/one"),
                    deployment(capacity=10), api="2025-06-01")
    assert first.status_code == 201 and first.json()["properties"]["provisioningState"] == "Accepted"
    err = error(lambda: cs.deployments.begin_create_or_update("rg1", "a", "two", deployment(capacity=10)))
    assert (err.status_code, err.error.code) == (409, "RequestConflict")
    assert "Another operation is being performed on the parent resource" in err.error.message
    clock.advance(60)
    assert cs.deployments.get("rg1", "a", "one").properties.provisioning_state == "Succeeded"
    second = arm.put(arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/a/deployments/two"),
                     deployment(capacity=10), api="2025-06-01")
    assert second.status_code == 201
