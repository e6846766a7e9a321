"""Hostile input: every file a user can hand lzengine ends in exit 1 with one readable report.

The corpus is generated here (no checked-in binaries): empty, binary, non-UTF-8, 10 MB, 20,000 levels
of nesting, a YAML alias bomb, Python and other tags, wrong types everywhere, an oversized number, a
directory, a missing path, and more. Each goes through the CLI (``validate``, ``graph``, ``plan``,
``apply``, ``destroy``) against a real emulator over HTTPS, and must end with exit code 1, no
traceback, the file named
(with line and column where the file has them), within seconds, and no request reaching ARM. The
local target is also tried: the plan is refused before the local emulator is even started.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lzengine.cli import main
from lzengine.emulator import Emulator
from lzengine.errors import PlanError
from lzengine.plan import load_plan, loader
from lzengine.plan.loader import MAX_DEPTH, MAX_NODES, MAX_PLAN_BYTES

HEAD = "name: hostile-zone\nlocation: swedencentral\n"
HUB = HEAD + "hub:\n  address_space: 10.0.0.0/16\n"
SECONDS = 10  # CPU seconds per command (CPU, not wall time, so a busy machine does not fail it)
#: The value limit these tests run with (the ``small_value_limit`` fixture): the mechanism is the same
#: as with the real limit, and reading a document of 20,000 values would cost the suite seconds.
SMALL_NODES = 2_000


def _random_bytes(seed: int, size: int, nul: bool) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(size))
    return data if nul else data.replace(b"\0", b"\x80")


def _billion_laughs() -> str:
    text = 'lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for level in range(1, 10):
        text += f"lol{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]\n"
    return text


@dataclass(frozen=True)
class Case:
    """One hostile file: its bytes, what the report must say, and where (line, column) if known."""

    content: bytes
    says: str
    at: tuple[int, int] | None = None


def _case(text: str, says: str, at: tuple[int, int] | None = None) -> Case:
    return Case(text.encode("utf-8"), says, at)


CASES: dict[str, Case] = {
    "empty": Case(b"", "a plan is a YAML mapping", (1, 1)),
    "only-comments": _case("# nothing here\n\n", "a plan is a YAML mapping", (1, 1)),
    "random-binary": Case(_random_bytes(12, 4096, nul=True), "binary file, not YAML text"),
    "random-bytes-no-nul": Case(_random_bytes(13, 4096, nul=False), "not UTF-8 text"),
    "latin-1": Case(HEAD.encode() + "hub: {address_space: 10.0.0.0/16}  # Malmö\n".encode("latin-1"),
                    "not UTF-8 text: byte 0xF6", (3, 42)),
    "nul-in-text": Case(HUB.encode() + b"  subnets: []\x00\n", "binary file", (5, 14)),
    "ten-megabytes": Case(HUB.encode() + b"# " + b"x" * (10 * 1024 * 1024) + b"\n", "larger than 512 KiB", (1, 1)),
    "nested-20000-lists": _case("[" * 20_000 + "]" * 20_000, f"nested more than {MAX_DEPTH} levels", (1, 65)),
    "nested-20000-maps": _case("{a: " * 20_000 + "1" + "}" * 20_000, f"nested more than {MAX_DEPTH} levels",
                               (1, 257)),
    "nested-block-mappings": _case("".join(" " * i + "a:\n" for i in range(200)),
                                   f"nested more than {MAX_DEPTH} levels", (65, 65)),
    "alias-bomb": _case(_billion_laughs(), f"expands to more than {SMALL_NODES:,} values through its aliases"),
    "alias-bomb-in-a-plan": _case(HUB + "tags: &t {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n"
                                  + "".join(f"x{i}: &t{i} [" + ", ".join([f"*t{i - 1}" if i else "*t"] * 12) + "]\n"
                                            for i in range(6)), "through its aliases"),
    "many-values": _case(HUB + "".join(f"k{i}: {i}\n" for i in range(SMALL_NODES // 2 + 10)),
                         f"the YAML holds more than {SMALL_NODES:,} values", (1000, 7)),
    "python-object-apply": _case("name: !!python/object/apply:os.system ['echo owned']\n",
                                 "'!!python/object/apply:os.system' is not allowed", (1, 7)),
    "python-object-new": _case(HEAD + "hub: !!python/object/new:collections.OrderedDict [[[a, 1]]]\n",
                               "'!!python/object/new:collections.OrderedDict' is not allowed", (3, 6)),
    "python-name": _case("!!python/name:os.system\n", "'!!python/name:os.system' is not allowed", (1, 1)),
    "binary-tag": _case(HEAD + "hub: !!binary aGVsbG8=\n", "'!!binary' is not allowed", (3, 6)),
    "set-tag": _case(HEAD + "hub: !!set {a, b}\n", "'!!set' is not allowed", (3, 6)),
    "custom-tag": _case(HEAD + "hub: !Ref hub-vnet\n", "'!Ref' is not allowed", (3, 6)),
    "huge-number": _case(HUB + "  subnets: [{name: a, size: " + "9" * 5000 + "}]\n", "a number 5000 characters long",
                         (5, 29)),
    "wrong-types-top": _case("name: [1, 2]\nlocation: {a: 1}\nhub: 5\nspokes: hello\nteams: [1]\nresources: 3\n",
                             "invalid value at 'name'", (1, 7)),
    "wrong-types-nested": _case(HEAD + "hub:\n  address_space: [1]\n  subnets: {a: b}\n  firewall: 7\n"
                                "spokes:\n  - 1\n  - {name: [x], address_space: true}\n",
                                "invalid value at 'hub.address_space[0]'", (4, 19)),
    "wrong-types-scalars": _case("name: 2024-01-01\nlocation: 1e400\nhub: .nan\n", "invalid value at 'name'", (1, 7)),
    "not-a-mapping-scalar": _case("just some words\n", "a plan is a YAML mapping", (1, 1)),
    "not-a-mapping-list": _case("- name: a\n- name: b\n", "a plan is a YAML mapping", (1, 1)),
    "two-documents": _case(HUB + "---\n" + HUB, "expected a single document", (5, 1)),
    "unclosed-bracket": _case(HEAD + "hub: {address_space: [10.0.0.0/16\n", "YAML syntax error"),
    "undefined-alias": _case(HEAD + "hub: *nowhere\n", "found undefined alias", (3, 6)),
    "tab-indent": _case(HEAD + "hub:\n\taddress_space: 10.0.0.0/16\n", "YAML syntax error", (4, 1)),
    "long-key": _case(HUB + "k" * 300_000 + ": 1\n", "YAML syntax error"),
    "long-unknown-key": _case(HUB + "q" * 1000 + ": 1\n", "unknown key 'qqqq", (5, 1)),
    "long-location": _case("name: hostile-zone\nlocation: " + "a" * 400_000 + "\nhub: {address_space: 10.0.0.0/16}\n",
                           "invalid value at 'location'", (2, 11)),
    "long-raw-location": _case(HUB + "resources:\n  - {type: Microsoft.Storage/storageAccounts, name: st1, "
                               "api_version: 2023-05-01, location: " + "b" * 100_000 + "}\n",
                               "invalid value at 'resources[0].location'", (6, 93)),
}

#: Where the file is not a file at all: (path under tmp_path, whether to create it as a directory, says)
NOT_FILES = {"directory": (True, "directory"), "missing": (False, "No such file or directory")}


@pytest.fixture(autouse=True)
def small_value_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_NODES", SMALL_NODES)


def _write(tmp_path: Path, name: str) -> str:
    if name in NOT_FILES:
        path = tmp_path / f"{name}.yaml"
        if NOT_FILES[name][0]:
            path.mkdir()
        return str(path)
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(CASES[name].content)
    return str(path)


@pytest.fixture(scope="module")
def arm() -> Iterator[Emulator]:
    """One emulator for the module: a hostile plan must never reach it, so it stays empty."""
    with Emulator(time_scale=0.0, throttle="off") as emu:
        yield emu


def _requests(emu: Emulator) -> dict[str, Any]:
    import requests

    response = requests.get(f"{emu.url}/_emulator/stats", headers={"Authorization": f"Bearer {emu.token}"},
                            verify=emu.ca_file, timeout=10)
    response.raise_for_status()
    return response.json()["by_method"]


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[Any, float]:
    started = time.process_time()
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=True)
    return result, time.process_time() - started


def _assert_clean_failure(result: Any, elapsed: float, file: str, says: str, at: tuple[int, int] | None) -> None:
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 1, output[:2000]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    assert says in output, output[:2000]
    assert len(output) < 20_000, "one readable report, not a dump of the input"
    if at is not None:
        assert f"{file}:{at[0]}:{at[1]}: error[" in output, output[:2000]
    else:
        assert file in output
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"


@pytest.mark.parametrize("name", sorted([*CASES, *NOT_FILES]))
def test_every_command_refuses_it_cleanly_and_sends_nothing(name: str, tmp_path: Path, arm: Emulator) -> None:
    file = _write(tmp_path, name)
    says, at = (NOT_FILES[name][1], None) if name in NOT_FILES else (CASES[name].says, CASES[name].at)
    env = {"LZENGINE_ENDPOINT": arm.url, "LZENGINE_CA_FILE": arm.ca_file, "LZENGINE_TOKEN": arm.token,
           "AZURE_SUBSCRIPTION_ID": arm.subscription_id}
    before = _requests(arm)
    for command in (["validate"], ["graph"], ["plan"], ["apply", "--yes"], ["destroy", "--yes"]):
        result, elapsed = _run([*command, file], env)
        _assert_clean_failure(result, elapsed, file, says, at)
    assert _requests(arm) == before, "a hostile plan sent requests to ARM"


@pytest.mark.parametrize("name", ["random-binary", "alias-bomb", "nested-20000-lists", "python-object-apply",
                                  "missing"])
def test_local_target_is_never_opened(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``apply --target local`` refuses the file before it starts the local emulator (no state folder)."""
    monkeypatch.chdir(tmp_path)
    for variable in ("AZURE_SUBSCRIPTION_ID", "LZENGINE_ENDPOINT"):
        monkeypatch.delenv(variable, raising=False)
    file = _write(tmp_path, name)
    says = NOT_FILES[name][1] if name in NOT_FILES else CASES[name].says
    result, elapsed = _run(["apply", file, "--target", "local", "--time-scale", "0", "--yes"])
    _assert_clean_failure(result, elapsed, file, says, None)
    assert not (tmp_path / ".lzengine").exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_loader_raises_only_plan_error(name: str, tmp_path: Path) -> None:
    """The same corpus through the library: a PlanError with positions, never another exception."""
    file = _write(tmp_path, name)
    with pytest.raises(PlanError) as caught:
        load_plan(file)
    diagnostics = caught.value.diagnostics
    assert diagnostics and all(d.file == file and d.line >= 1 and d.column >= 1 for d in diagnostics)
    assert all(len(d.message) < 2000 for d in diagnostics)


def _spokes(count: int) -> str:
    """A hub and ``count`` spokes with every component: the estate the limits must leave room for."""
    teams = "".join(f"  team-{i}: {{principals: [00000000-0000-0000-0000-{i:012d}]}}\n" for i in range(count))
    spokes = "".join(
        f"  - name: s{i}\n    owner: team-{i}\n    address_space: 10.{100 + i // 64}.{(i % 64) * 4}.0/22\n"
        "    ai:\n      kind: OpenAI\n      deployments:\n"
        '        - {model: gpt-4o-mini, version: "2024-07-18", sku: GlobalStandard, capacity: 1}\n'
        "    search: {sku: basic, replicas: 1}\n    app_service: {}\n    app_gateway: {}\n    monitoring: {}\n"
        for i in range(count))
    return (HEAD + f"teams:\n{teams}hub:\n  address_space: 10.0.0.0/20\n  log_analytics: {{}}\n"
            f"  firewall: {{}}\n  bastion: {{}}\nspokes:\n{spokes}")


def test_the_real_limits_leave_room_for_a_hundred_spokes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_NODES", MAX_NODES)  # the shipped limit, not the tests' small one
    text = _spokes(100)
    assert len(text.encode()) * 4 < MAX_PLAN_BYTES
    from ruamel.yaml import YAML

    values = sum(1 for e in YAML(typ="rt").parse(text) if type(e).__name__ in ("ScalarEvent", "AliasEvent",
                                                                                 "MappingStartEvent",
                                                                                 "SequenceStartEvent"))
    assert values * 3 < MAX_NODES
    try:
        plan = loader.load_plan_text(text, "hundred.yaml")
    except PlanError as exc:  # the model may refuse it, but never for its size
        assert not [d for d in exc.diagnostics if d.code in ("too-large", "too-deep")], exc
    else:
        assert len(plan.spokes) == 100


def test_yaml_allows_utf16_and_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    text = HUB + "  subnets: [{name: snet-a, size: 24}]\n"
    for encoding in ("utf-16", "utf-8-sig", "utf-32"):
        path = tmp_path / f"{encoding}.yaml"
        path.write_bytes(text.encode(encoding))
        assert load_plan(path).name == "hostile-zone"
    broken = tmp_path / "broken-utf16.yaml"
    broken.write_bytes(text.encode("utf-16")[:-1])  # an odd number of bytes cannot be UTF-16
    with pytest.raises(PlanError) as caught:
        load_plan(broken)
    assert "not utf-16 text" in caught.value.diagnostics[0].message


def test_a_plan_at_the_limits_still_loads(tmp_path: Path) -> None:
    """The limits leave room: 60 levels of nesting inside a raw resource, and a plan of hundreds of subnets."""
    deep = "{a: " * 56 + "1" + "}" * 56
    text = (HUB + "  subnets: [{name: snet-a, size: 24}]\nresources:\n"
            "  - {type: Microsoft.Storage/storageAccounts, name: stdeep, api_version: '2023-05-01', "
            f"resource_group: hub, properties: {deep}}}\n")
    path = tmp_path / "deep-ok.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_plan(path).resources[0].name == "stdeep"


def _many_subnets(count: int) -> str:
    return (HEAD + "hub:\n  address_space: 10.0.0.0/8\n  subnets:\n    - {name: big, prefix: 10.0.0.0/9}\n"
            + "".join(f"    - {{name: s{i}, size: 29}}\n" for i in range(count)))


@pytest.mark.parametrize("builder", [_many_subnets], ids=["carve-in-a-mostly-used-slash-8"])
def test_a_valid_but_awkward_plan_validates_within_seconds(builder: Callable[[int], str], tmp_path: Path) -> None:
    """Carving /29s behind a /9 in a /8 once tried every candidate block (seconds per subnet)."""
    path = tmp_path / "awkward.yaml"
    path.write_text(builder(200), encoding="utf-8")
    started = time.process_time()
    plan = load_plan(path)
    assert len(plan.hub.subnets) == 201
    assert time.process_time() - started < 5
    result, _ = _run(["validate", str(path)])
    assert result.exit_code == 0
    assert re.search(r"1 plan\(s\) valid", result.output)
