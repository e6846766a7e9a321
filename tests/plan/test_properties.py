"""Property tests (hypothesis) of address carving, implicit subnets and overlap checks."""

from __future__ import annotations

import ipaddress

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lzengine.plan import layout
from lzengine.plan.base import SubnetSpec
from lzengine.plan.network import carve, check_subnets, check_vnet_overlaps
from lzengine.plan.spoke import AppGateway, AppService, Spoke

blocks = st.builds(
    lambda a, b, length: str(ipaddress.IPv4Network(f"10.{a}.{b}.0/{length}", strict=False)),
    st.integers(0, 255), st.integers(0, 255), st.integers(12, 28),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(20, 29), min_size=1, max_size=10), st.integers(0, 3))
def test_carving_around_explicit_subnets_never_overlaps(sizes: list[int], fixed_third: int) -> None:
    space = ["10.20.0.0/16"]
    fixed = SubnetSpec(name="fixed", prefix=f"10.20.{fixed_third * 64}.0/24")
    specs = [fixed, *[SubnetSpec(name=f"s{i}", size=n) for i, n in enumerate(sizes)]]
    prefixes, findings = carve(space, specs)
    assert not findings
    assert prefixes["fixed"] == fixed.prefix
    nets = [ipaddress.IPv4Network(prefixes[s.name]) for s in specs]
    assert all(n.subnet_of(ipaddress.IPv4Network(space[0])) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[:i])
    assert check_subnets(space, specs, prefixes) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(22, 28), min_size=1, max_size=40))
def test_carving_reports_exactly_what_does_not_fit(sizes: list[int]) -> None:
    space = ["10.30.0.0/22"]
    specs = [SubnetSpec(name=f"s{i}", size=n) for i, n in enumerate(sizes)]
    prefixes, findings = carve(space, specs)
    assert len(prefixes) + len(findings) == len(specs)
    used = sum(2 ** (32 - ipaddress.IPv4Network(p).prefixlen) for p in prefixes.values())
    assert used <= 1024
    for f in findings:
        assert f.code == "address-space-full"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(blocks, min_size=1, max_size=3), min_size=1, max_size=4))
def test_vnet_overlap_check_agrees_with_ipaddress(spaces: list[list[str]]) -> None:
    vnets = [(f"v{i}", ("spokes", i, "address_space"), space) for i, space in enumerate(spaces)]
    found = {f.path[:2] + (f.path[3],) for f in check_vnet_overlaps(vnets)}
    expected = set()
    for i, space in enumerate(spaces):
        for k, cidr in enumerate(space):
            net = ipaddress.IPv4Network(cidr)
            if any(net.overlaps(ipaddress.IPv4Network(o)) for other in spaces[:i] for o in other):
                expected.add(("spokes", i, k))
    assert found == expected


@settings(max_examples=100, deadline=None)
@given(st.integers(19, 23), st.booleans(), st.booleans())
def test_implicit_spoke_subnets_fit_and_follow_components(length: int, with_app: bool, with_gateway: bool) -> None:
    assume(with_app or not with_gateway)
    spoke = Spoke(name="chat", owner="app", address_space=[f"10.1.0.0/{length}"],
                  app_service=AppService() if with_app else None,
                  app_gateway=AppGateway() if with_gateway else None)
    planned = layout.spoke_subnets(spoke, 0)
    purposes = {p.spec.purpose for p in planned}
    assert ("app-service" in purposes) == with_app
    assert ("app-gateway" in purposes) == with_gateway
    assert ("private-endpoints" in purposes) == with_app
    prefixes, findings = carve(list(spoke.address_space), [p.spec for p in planned])
    assert not findings
    assert check_subnets(list(spoke.address_space), [p.spec for p in planned], prefixes) == []
