"""Property tests of subnet carving and overlap checks."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from lzengine.plan.models import SubnetSpec
from lzengine.plan.network import carve, check_subnets

sizes = st.lists(st.integers(min_value=20, max_value=29), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(sizes)
def test_carved_subnets_are_inside_aligned_and_disjoint(prefix_lengths: list[int]) -> None:
    space = ["10.20.0.0/16"]
    specs = [SubnetSpec(name=f"s{i}", size=n) for i, n in enumerate(prefix_lengths)]
    prefixes, findings = carve(space, specs)
    assert not findings  # /16 always fits twelve blocks of /20 or smaller
    nets = [ipaddress.IPv4Network(prefixes[s.name]) for s in specs]
    for spec, net in zip(specs, nets, strict=True):
        assert net.prefixlen == spec.size
        assert net.subnet_of(ipaddress.IPv4Network(space[0]))
    for i, a in enumerate(nets):
        for b in nets[:i]:
            assert not a.overlaps(b)
    assert check_subnets(space, specs, prefixes) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=16, max_value=28), st.integers(min_value=16, max_value=28), st.integers(0, 255))
def test_overlap_check_agrees_with_ipaddress(len_a: int, len_b: int, third: int) -> None:
    a = ipaddress.IPv4Network(f"10.0.{third}.0/{len_a}", strict=False)
    b = ipaddress.IPv4Network(f"10.0.0.0/{len_b}")
    specs = [SubnetSpec(name="a", prefix=str(a)), SubnetSpec(name="b", prefix=str(b))]
    findings = check_subnets(["10.0.0.0/8"], specs, {"a": str(a), "b": str(b)})
    assert any(f.code == "subnet-overlap" for f in findings) == a.overlaps(b)


def test_explicit_subnets_are_respected_by_carving() -> None:
    specs = [SubnetSpec(name="fixed", prefix="10.0.0.0/24"), SubnetSpec(name="auto", size=24)]
    prefixes, _ = carve(["10.0.0.0/22"], specs)
    assert prefixes == {"fixed": "10.0.0.0/24", "auto": "10.0.1.0/24"}


def test_full_space_is_reported() -> None:
    specs = [SubnetSpec(name="a", size=24), SubnetSpec(name="b", size=24)]
    _, findings = carve(["10.0.0.0/24"], specs)
    assert [f.code for f in findings] == ["address-space-full"]
