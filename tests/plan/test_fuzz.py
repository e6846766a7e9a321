"""Property-based fuzzing of what user input flows through first: the plan loader, subnet carving and
the reference resolver.

* The loader, fed random bytes, random text, random YAML documents and mutated plans, returns a
  ``Plan`` or raises ``PlanError`` with positions inside the file, never anything else.
* Carving (``lzengine.plan.network.carve``, the public function the compiler and the checks use),
  fed random address spaces, sizes, explicit prefixes, pins and occupied ranges, places only
  aligned blocks of the asked size inside the space that overlap nothing, reports what does not
  fit, keeps usable pins, and places exactly what a brute-force search would.
* The resolver (``lzengine.refs``), fed random bodies with references, never raises, leaves no
  reference behind, and finds what a reference points at.

Examples are bounded so the module runs in seconds.
"""

from __future__ import annotations

import ipaddress
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lzengine import refs
from lzengine.errors import PlanError
from lzengine.plan import load_plan, load_plan_text
from lzengine.plan.models import Plan, SubnetSpec
from lzengine.plan.network import carve

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _loads_or_plan_error(text: str) -> None:
    try:
        result = load_plan_text(text, "fuzz.yaml")
    except PlanError as exc:
        assert exc.diagnostics
        lines = text.count("\n") + 2
        for d in exc.diagnostics:
            assert d.file == "fuzz.yaml" and 1 <= d.line <= lines and d.column >= 1, d
            assert d.message
    else:
        assert isinstance(result, Plan)


# ------------------------------------------------------------------------------------------ loader
@FAST
@given(st.binary(max_size=2048))
def test_random_bytes_from_a_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        try:
            load_plan(path)
        except PlanError as exc:
            assert all(d.file == str(path) and d.line >= 1 and d.column >= 1 for d in exc.diagnostics)


YAML_CHARS = st.sampled_from(list("abcz09 -_:,[]{}#&*!|>'\"%@`?\n\t.\\/") + ["\u00e9", "\u2028", "\ufeff", "\x85"])


@FAST
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _loads_or_plan_error(text)


@FAST
@given(st.lists(YAML_CHARS, max_size=300).map("".join))
def test_random_yaml_punctuation(text: str) -> None:
    _loads_or_plan_error(text)


KEYS = st.sampled_from(["name", "location", "hub", "spokes", "subnets", "address_space", "prefix", "size",
                        "firewall", "bastion", "owner", "teams", "ai", "search", "resources", "tags", "naming",
                        "principals", "deployments", "policy_assignments", "ignore_changes", "x", "<<"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["10.0.0.0/16", "10.0.0.0/33", "256.1.1.1/8", "0.0.0.0/0", "swedencentral", "East US",
                     "contoso-ai", "gpt-4o-mini", "2024-07-18", "OpenAI", "none", "*", "", "~", "null"]),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=40,
)


@FAST
@given(DOCUMENTS)
def test_random_yaml_documents(document: Any) -> None:
    _loads_or_plan_error(json.dumps(document, allow_nan=True))  # JSON is YAML (flow style)


@FAST
@given(DOCUMENTS)
def test_random_block_yaml_documents(document: Any) -> None:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, out)
    _loads_or_plan_error(out.getvalue())


BASE: dict[str, Any] = {
    "name": "fuzz-zone", "location": "swedencentral",
    "teams": {"app": {"principals": ["11111111-1111-1111-1111-111111111111"]}},
    "hub": {"address_space": "10.100.0.0/20", "firewall": {}, "bastion": {}, "log_analytics": {},
            "subnets": [{"name": "snet-a", "size": 24}]},
    "spokes": [{"name": "app", "owner": "app", "address_space": "10.101.0.0/22", "search": {"sku": "basic"},
                "ai": {"kind": "OpenAI", "deployments": [{"model": "gpt-4o-mini", "version": "2024-07-18",
                                                          "sku": "GlobalStandard", "capacity": 1}]},
                "app_service": {}, "app_gateway": {}, "monitoring": {},
                "subnets": [{"name": "snet-w", "size": 26}]}],
}


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _replace(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[head] = _replace(node[head], tuple(rest), value)
    return copy


PLAN_PATHS = _paths(BASE)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PLAN_PATHS), DOCUMENTS), min_size=1, max_size=3))
def test_mutated_plans(mutations: list[tuple[tuple, Any]]) -> None:
    """A valid plan with a few values swapped for anything: deep enough to reach the cross-field checks."""
    document: Any = BASE
    for path, value in mutations:
        try:
            document = _replace(document, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    _loads_or_plan_error(json.dumps(document, allow_nan=True))


def test_the_unmutated_fuzz_plan_is_valid() -> None:
    """So that the mutations above start from a plan that passes every check."""
    assert load_plan_text(json.dumps(BASE)).name == "fuzz-zone"


# ------------------------------------------------------------------------------------------ carving
@st.composite
def _layouts(draw: st.DrawFn) -> tuple[list[str], list[SubnetSpec], dict[str, str], list[str]]:
    base = draw(st.integers(min_value=16, max_value=26))
    spaces = sorted({str(ipaddress.IPv4Network((0x0A000000 + draw(st.integers(0, 7)) * (1 << (32 - base)), base)))
                     for _ in range(draw(st.integers(1, 2)))})
    nets = [ipaddress.IPv4Network(s) for s in spaces]
    specs: list[SubnetSpec] = []
    for i in range(draw(st.integers(0, 8))):
        net = draw(st.sampled_from(nets))
        if draw(st.booleans()):
            length = draw(st.integers(net.prefixlen, 29))
            block = draw(st.integers(0, (1 << (length - net.prefixlen)) - 1))
            prefix = ipaddress.IPv4Network((int(net.network_address) + block * (1 << (32 - length)), length))
            specs.append(SubnetSpec(name=f"p{i}", prefix=str(prefix)))
        else:
            specs.append(SubnetSpec(name=f"s{i}", size=draw(st.integers(max(8, base - 2), 29))))
    garbage = st.sampled_from(["", "nonsense", "10.0.0.0/33", "fe80::/64", "10.0.0.1/24"])
    pins = {s.name.upper() if draw(st.booleans()) else s.name: draw(st.one_of(
        garbage, st.builds(lambda a, n: str(ipaddress.IPv4Network((a >> (32 - n) << (32 - n), n))),
                           st.integers(0x0A000000, 0x0A07FFFF), st.integers(16, 29))))
            for s in specs if s.size is not None and draw(st.booleans())}
    occupied = draw(st.lists(st.one_of(garbage, st.builds(
        lambda a, n: str(ipaddress.IPv4Network((a >> (32 - n) << (32 - n), n))),
        st.integers(0x0A000000, 0x0A07FFFF), st.integers(20, 29))), max_size=3))
    return spaces, specs, pins, occupied


def _brute_force(nets: list[ipaddress.IPv4Network], size: int, taken: list[ipaddress.IPv4Network]
                 ) -> ipaddress.IPv4Network | None:
    for net in nets:
        if size >= net.prefixlen:
            for candidate in net.subnets(new_prefix=size):
                if not any(candidate.overlaps(t) for t in taken):
                    return candidate
    return None


@settings(max_examples=200, deadline=None)
@given(_layouts())
def test_carving_places_aligned_disjoint_blocks_like_a_brute_force_search(
    layout: tuple[list[str], list[SubnetSpec], dict[str, str], list[str]],
) -> None:
    spaces, specs, pins, occupied = layout
    nets = [ipaddress.IPv4Network(s) for s in spaces]
    explicit = {s.name for s in specs if s.prefix}
    assume(len({s.prefix for s in specs if s.prefix}) == len(explicit))  # the checks refuse duplicates earlier
    prefixes, findings = carve(spaces, specs, pins, occupied)
    unplaced = {s.name for s in specs if s.size is not None} - set(prefixes)
    assert {f.path[1] for f in findings} == {i for i, s in enumerate(specs) if s.name in unplaced}
    assert all(f.code == "address-space-full" for f in findings)
    for spec in specs:
        if spec.prefix:
            assert prefixes[spec.name] == spec.prefix
    sized = [(s, ipaddress.IPv4Network(prefixes[s.name])) for s in specs if s.name in prefixes and s.size]
    blocked = [ipaddress.IPv4Network(s.prefix) for s in specs if s.prefix]
    for o in occupied:
        try:
            blocked.append(ipaddress.IPv4Network(o))
        except ValueError:
            pass
    for i, (spec, net) in enumerate(sized):
        assert net.prefixlen == spec.size and any(net.subnet_of(n) for n in nets)
        assert not any(net.overlaps(other) for _, other in sized[:i])
        pinned = {k.lower(): v for k, v in pins.items()}.get(spec.name.lower()) == str(net)
        assert pinned or not any(net.overlaps(b) for b in blocked), (spec, net)
    # what was not pinned is placed, largest first, exactly where a brute-force search would put it
    taken = [ipaddress.IPv4Network(s.prefix) for s in specs if s.prefix]
    kept = [(s, n) for s, n in sized if {k.lower(): v for k, v in pins.items()}.get(s.name.lower()) == str(n)]
    taken += [n for _, n in kept]
    taken += [b for b in blocked if b not in taken]
    order = sorted(((i, s) for i, s in enumerate(specs) if s.size and s not in {k for k, _ in kept}),
                   key=lambda item: (item[1].size, item[0]))
    for _, spec in order:
        expected = _brute_force(nets, spec.size, taken)  # type: ignore[arg-type]
        got = prefixes.get(spec.name)
        assert (str(expected) if expected else None) == got, (spec, expected, got)
        if expected:
            taken.append(expected)


def test_carving_a_slash_29_behind_a_slash_9_is_instant() -> None:
    import time

    specs = [SubnetSpec(name="big", prefix="10.0.0.0/9")] + [SubnetSpec(name=f"s{i}", size=29) for i in range(300)]
    started = time.process_time()
    prefixes, findings = carve(["10.0.0.0/8"], specs)
    assert not findings and prefixes["s0"] == "10.128.0.0/29" and prefixes["s299"] == "10.128.9.88/29"
    assert time.process_time() - started < 2


# ------------------------------------------------------------------------------------------ references
SEGMENTS = st.sampled_from(["properties", "ipConfigurations", "0", "1", "privateIPAddress", "id", "ID", "x", ""])
REF_PATHS = st.lists(SEGMENTS, min_size=1, max_size=5).map(".".join)
ADDRESSES = st.sampled_from(["hub.firewall", "hub.vnet", "spokes.a.ai", "missing"])
REFS = st.builds(refs.Ref, ADDRESSES, REF_PATHS, st.booleans())
BODIES = st.recursive(
    st.one_of(st.none(), st.integers(), st.text(max_size=8), st.booleans(), REFS),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(SEGMENTS, inner, max_size=4)),
    max_leaves=25,
)
OUTPUTS = st.dictionaries(ADDRESSES, st.one_of(st.none(), st.dictionaries(SEGMENTS, BODIES, max_size=4)),
                          max_size=4)


@FAST
@given(BODIES, OUTPUTS)
def test_resolving_leaves_no_reference_and_never_raises(body: Any, outputs: dict[str, Any]) -> None:
    resolved = refs.resolve(body, outputs)
    assert refs.find(resolved) == [] or any(isinstance(v, refs.Ref) for v in _leaves(outputs))
    missing = refs.unresolved(body, outputs)
    assert set(missing) <= set(refs.find(body))
    if not missing and not any(isinstance(v, refs.Ref) for v in _leaves(outputs)):
        assert not refs.has_unknown(resolved) or refs.has_unknown(body)
    if not refs.find(body):
        assert resolved == body


@FAST
@given(BODIES.filter(lambda b: not isinstance(b, refs.Ref)), REF_PATHS)
def test_a_reference_finds_what_its_path_reads(source: Any, path: str) -> None:
    ref = refs.Ref("hub.firewall", path)
    expected = refs.get_path(source, path)
    got = refs.resolve({"value": ref}, {"hub.firewall": source})["value"]
    assert got is refs.UNKNOWN if expected is None else got == expected


def _leaves(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [leaf for v in node.values() for leaf in _leaves(v)]
    if isinstance(node, list):
        return [leaf for v in node for leaf in _leaves(v)]
    return [node]
