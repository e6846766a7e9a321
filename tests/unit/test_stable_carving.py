"""Stable addresses: with the live prefixes as pins, carving never moves a subnet that exists."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lzengine.compile import AddressesDoNotFit, LiveVnet, compile_plan
from lzengine.plan import load_plan_text
from lzengine.plan.models import SubnetSpec
from lzengine.plan.network import carve

SPACE = ["10.101.0.0/22"]


def specs(*pairs: tuple[str, int]) -> list[SubnetSpec]:
    return [SubnetSpec(name=name, size=size) for name, size in pairs]


def test_a_new_subnet_goes_into_free_space_and_the_others_stay() -> None:
    before, _ = carve(SPACE, specs(("snet-workload", 26), ("snet-pep", 27)))
    after, findings = carve(SPACE, specs(("snet-workload", 26), ("snet-extra", 27), ("snet-pep", 27)), pins=before)
    assert not findings
    assert {k: after[k] for k in before} == before
    assert not ipaddress.IPv4Network(after["snet-extra"]).overlaps(ipaddress.IPv4Network(after["snet-pep"]))


def test_without_pins_the_same_edit_would_move_a_subnet() -> None:
    # what the issue saw: the larger-first carve moves snet-pep when a /27 is added before it
    before, _ = carve(SPACE, specs(("snet-a", 26), ("snet-pep", 27)))
    moved, _ = carve(SPACE, specs(("snet-a", 26), ("snet-extra", 27), ("snet-pep", 27)))
    assert moved["snet-pep"] != before["snet-pep"]


def test_a_pin_of_another_size_or_outside_the_space_is_placed_again() -> None:
    placed, _ = carve(SPACE, specs(("snet-a", 25)), pins={"snet-a": "10.101.0.0/26"})
    assert placed["snet-a"] == "10.101.0.0/25"
    placed, _ = carve(SPACE, specs(("snet-a", 26)), pins={"SNET-A": "10.200.0.0/26"})
    assert placed["snet-a"] == "10.101.0.0/26"


def test_subnets_dropped_from_the_plan_keep_their_space_until_they_are_gone() -> None:
    placed, _ = carve(SPACE, specs(("snet-new", 26)), occupied=["10.101.0.0/26"])
    assert placed["snet-new"] == "10.101.0.64/26"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=24, max_value=29), min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_adding_removing_and_reordering_never_moves_an_existing_subnet(sizes: list[int], rnd) -> None:
    space = ["10.20.0.0/16"]
    existing = [SubnetSpec(name=f"s{i}", size=n) for i, n in enumerate(sizes)]
    live, findings = carve(space, existing)
    assert not findings
    kept = [s for s in existing if rnd.random() < 0.7]
    dropped = [live[s.name] for s in existing if s not in kept]
    edited = kept + [SubnetSpec(name=f"new{i}", size=rnd.randint(24, 29)) for i in range(rnd.randint(0, 3))]
    rnd.shuffle(edited)
    after, findings = carve(space, edited, pins=live, occupied=dropped)
    assert not findings
    assert all(after[s.name] == live[s.name] for s in kept)
    nets = [ipaddress.IPv4Network(p) for p in [*after.values(), *dropped]]
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[:i])


PLAN = """\
name: contoso-ai
location: swedencentral
teams:
  app-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  policy_assignments: []
spokes:
  - name: app
    owner: app-team
    address_space: 10.101.0.0/26
    subnets:
      - {name: snet-a, size: 27}
"""


def test_compiling_against_a_full_vnet_says_which_subnet_has_no_room() -> None:
    plan = load_plan_text(PLAN.replace("      - {name: snet-a, size: 27}", "      - {name: snet-a, size: 27}\n"
                                                                         "      - {name: snet-b, size: 27}"))
    graph = compile_plan(plan, "00000000-0000-0000-0000-000000000000")
    vnet_id = graph.nodes["spokes.app.vnet"].arm_id
    live = {vnet_id.lower(): LiveVnet(("10.101.0.0/26",), {"snet-a": "10.101.0.0/27", "snet-old": "10.101.0.32/27"})}
    with pytest.raises(AddressesDoNotFit, match="snet-b"):
        compile_plan(plan, "00000000-0000-0000-0000-000000000000", live)
