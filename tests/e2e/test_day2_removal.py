"""Day 2, removals: what a user takes out of the reference plan, ``apply --prune --yes`` deletes, in
an order Azure accepts, and nothing lzengine did not create is ever deleted.

Each test starts from the applied reference plan (plus what the test is about), edits the plan
as a user would, applies with ``--prune --yes`` and checks the live estate in the emulator and
that ``plan --detailed-exitcode`` then exits 0.
"""

from __future__ import annotations

import requests

from lzengine.ownership import record_body, record_name
from tests.conftest import PLANS

REFERENCE = (PLANS / "ai-landing-zone.yaml").read_text(encoding="utf-8")
EXTRA_SUBNET = "      - {name: snet-extra, prefix: 10.101.3.0/27}\n"
WITH_EXTRA_SUBNET = REFERENCE.replace("      - {name: snet-workload, size: 26}\n",
                                      "      - {name: snet-workload, size: 26}\n" + EXTRA_SUBNET)
SECOND_SPOKE = """\
  - name: docs
    owner: docs-team
    address_space: 10.102.0.0/24
    ai:
      kind: OpenAI
      deployments:
        - {model: gpt-4o-mini, version: "2024-07-18", sku: GlobalStandard, capacity: 10}
"""
WITH_SECOND_SPOKE = REFERENCE.replace(
    "  chat-team: {principals: [22222222-2222-2222-2222-222222222222]}",
    "  chat-team: {principals: [22222222-2222-2222-2222-222222222222]}\n"
    "  docs-team: {principals: [33333333-3333-3333-3333-333333333333]}",
) + SECOND_SPOKE


def arm(emulator, method: str, arm_id: str, body: dict | None = None, api: str = "2024-05-01") -> requests.Response:
    emu = emulator.emu
    return requests.request(method, f"{emu.url}{arm_id}?api-version={api}", json=body, verify=emu.ca_file,
                            timeout=10, headers={"Authorization": f"Bearer {emu.token}"})


def sub_rg(emulator, group: str) -> str:
    return f"/subscriptions/{emulator.emu.subscription_id}/resourceGroups/{group}"


def converged(cli, plan: str) -> None:
    result = cli("plan", plan, "--detailed-exitcode")
    assert result.exit_code == 0, result.output


def prune(cli, plan: str) -> dict:
    code, report = cli.json("apply", plan, "--prune", "--yes")
    assert code == 0, [(o["id"], o["status"], o["error"]) for o in report["outcomes"] if o["status"] != "succeeded"]
    assert report["summary"]["failed"] == 0 and report["summary"]["skipped"] == 0, report["summary"]
    assert report["summary"]["not_applied"] == 0, report["summary"]
    return report


def test_user_removes_a_subnet_and_prune_deletes_it_and_its_nsg(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(WITH_EXTRA_SUBNET, "with-extra.yaml"))[0] == 0
    chat = sub_rg(emulator, "rg-contoso-ai-chat") + "/providers/Microsoft.Network"
    subnet = f"{chat}/virtualNetworks/vnet-contoso-ai-chat/subnets/snet-extra".lower()
    nsg = f"{chat}/networkSecurityGroups/nsg-contoso-ai-chat-snet-extra".lower()
    before = emulator.resources()
    assert subnet in before and nsg in before
    assert before[subnet]["properties"]["networkSecurityGroup"]["id"].lower() == nsg

    reference = plan_file(REFERENCE)
    code, plan = cli.json("plan", reference, "--prune")
    deletes = {c["id"].lower() for c in plan["changes"] if c["action"] == "delete"}
    # the subnet and its NSG; the NSG's diagnostic setting goes with the NSG
    assert deletes == {subnet, nsg}

    prune(cli, reference)  # the emulator refuses to delete an NSG a subnet still uses: order matters
    after = emulator.resources()
    assert subnet not in after and nsg not in after
    assert not [k for k in after if k.startswith(nsg + "/")]  # its diagnostic setting went with it
    others = [k for k in before if k.startswith(f"{chat}/virtualNetworks/vnet-contoso-ai-chat/subnets/".lower())
              and k != subnet]
    for kept in others:
        assert after[kept]["properties"]["addressPrefix"] == before[kept]["properties"]["addressPrefix"]
    converged(cli, reference)
    # nothing left to prune, and the ownership record holds no trace of the subnet
    code, again = cli.json("plan", reference, "--prune")
    assert [c for c in again["changes"] if c["action"] == "delete"] == []
    records = [k for k in after if "/txt/" in k]
    assert not [k for k in records if k.endswith(record_name(subnet))]


def test_user_removes_a_spoke_and_prune_deletes_it_and_both_peerings_leaving_the_hub(cli, emulator,
                                                                                     plan_file) -> None:
    assert cli.json("apply", plan_file(WITH_SECOND_SPOKE, "two-spokes.yaml"))[0] == 0
    hub = sub_rg(emulator, "rg-contoso-ai-hub").lower()
    docs = sub_rg(emulator, "rg-contoso-ai-docs").lower()
    before = emulator.resources()
    hub_before = {k: v for k, v in before.items() if k.startswith(hub + "/") and "/txt/" not in k}
    from_hub = f"{hub}/providers/microsoft.network/virtualnetworks/vnet-contoso-ai-hub/virtualnetworkpeerings/"
    peerings = [k for k in before if k.startswith(from_hub) and "docs" in k]
    links = [k for k in before if "/virtualnetworklinks/" in k and "docs" in k]
    # spokes resolve through the hub firewall's DNS proxy: no zone is linked to a spoke VNet
    assert len(peerings) == 1 and links == [] and docs in before

    reference = plan_file(REFERENCE)
    report = prune(cli, reference)
    deleted = {o["id"].lower() for o in report["outcomes"] if o["action"] == "delete"}
    assert set(peerings) | set(links) | {docs} <= deleted

    after = emulator.resources()
    assert not [k for k in after if k.startswith(docs)]  # the spoke and its side of the peering
    assert not [k for k in after if k in peerings or k in links]  # the hub's side and the DNS links
    for key in hub_before:
        if key in peerings or key in links or "/a/oai-contoso-ai-docs" in key:
            continue  # (the docs endpoint's A record goes with the endpoint, as in Azure)
        assert key in after, f"hub resource {key} was deleted"
        if key.endswith("/vnet-contoso-ai-hub"):
            continue  # the hub VNet's body lists its peerings
        assert after[key].get("properties", {}).get("provisioningState", "Succeeded") == "Succeeded"
    converged(cli, reference)


def test_a_child_someone_else_created_is_never_pruned(cli, emulator, plan_file) -> None:
    reference = plan_file(REFERENCE)
    assert cli.json("apply", reference)[0] == 0
    chat_vnet = sub_rg(emulator, "rg-contoso-ai-chat") + \
        "/providers/Microsoft.Network/virtualNetworks/vnet-contoso-ai-chat"
    theirs = f"{chat_vnet}/subnets/snet-someone-elses"
    assert arm(emulator, "PUT", theirs, {"properties": {"addressPrefix": "10.101.3.128/27"}}).status_code in (200, 201)
    # a record set a person made by hand (wrong name for the id it holds) does not count either
    forged = f"{chat_vnet}/subnets/snet-forged"
    assert arm(emulator, "PUT", forged, {"properties": {"addressPrefix": "10.101.3.192/27"}}).status_code in (200, 201)
    control = sub_rg(emulator, "rg-contoso-ai-hub") + \
        "/providers/Microsoft.Network/privateDnsZones/contoso-ai.lzengine.internal"
    hand_made = arm(emulator, "PUT", f"{control}/TXT/own-handmade", record_body(forged, "x", "contoso-ai"),
                    api="2024-06-01")
    assert hand_made.status_code in (200, 201), hand_made.text
    other_zone = arm(emulator, "PUT", f"{control}/TXT/{record_name(forged)}",
                     record_body(forged, "Microsoft.Network/virtualNetworks/subnets", "another-zone"),
                     api="2024-06-01")
    assert other_zone.status_code in (200, 201), other_zone.text

    code, plan = cli.json("plan", reference, "--prune")
    assert [c for c in plan["changes"] if c["action"] == "delete"] == []
    code, report = cli.json("apply", reference, "--prune", "--yes")
    assert code == 0 and report["summary"]["delete"] == 0, report
    state = emulator.resources()
    assert theirs.lower() in state and forged.lower() in state


def test_user_removes_a_model_deployment_and_a_rule_collection_group(cli, emulator, plan_file) -> None:
    two_models = REFERENCE.replace(
        '        - {model: gpt-4o, version: "2024-11-20", sku: DataZoneStandard, capacity: 50}\n',
        '        - {model: gpt-4o, version: "2024-11-20", sku: DataZoneStandard, capacity: 50}\n'
        '        - {model: text-embedding-3-small, version: "1", sku: Standard, capacity: 10}\n')
    assert two_models != REFERENCE
    assert cli.json("apply", plan_file(two_models, "two-models.yaml"))[0] == 0
    state = emulator.resources()
    deployments = [k for k in state if "/deployments/" in k]
    rcg = [k for k in state if k.endswith("/rulecollectiongroups/rcg-application")]
    assert len(deployments) == 2 and len(rcg) == 1

    smaller = REFERENCE.replace("      - name: rcg-application\n        priority: 300\n        collections:\n"
                                "          - name: allow-web\n            priority: 100\n"
                                "            rules: [{name: ms-learn, type: application, "
                                "fqdns: [learn.microsoft.com]}]\n",
                                "")
    assert smaller != REFERENCE
    path = plan_file(smaller, "smaller.yaml")
    report = prune(cli, path)
    deleted = {o["id"].lower() for o in report["outcomes"] if o["action"] == "delete"}
    embedding = next(d for d in deployments if d.endswith("text-embedding-3-small"))
    gateway = {d for d in deleted if "/microsoft.apimanagement/service/" in d}  # the AI gateway's API and backend
    assert gateway and {d.rsplit("/", 1)[-1] for d in gateway} == {"text-embedding-3-small"}
    assert deleted - gateway == {embedding, rcg[0]}
    after = emulator.resources()
    assert embedding not in after and rcg[0] not in after
    assert [d for d in deployments if d != embedding][0] in after  # the account and its other deployment stay
    converged(cli, path)
