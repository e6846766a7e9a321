"""The plan loader reports every problem at once, each at its file:line:column."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lzengine.errors import PlanError
from lzengine.plan import load_plan, load_plan_text

GOOD = """\
name: contoso-ai
location: Sweden Central
hub:
  address_space: 10.100.0.0/16
  subnets:
    - name: AzureFirewallSubnet
      prefix: 10.100.0.0/26
    - name: snet-a
      size: 24
    - name: snet-b
      size: 27
"""


def diagnostics(text: str) -> list:
    with pytest.raises(PlanError) as caught:
        load_plan_text(textwrap.dedent(text), "plan.yaml")
    return caught.value.diagnostics


def test_valid_plan_loads_and_normalises_location() -> None:
    plan = load_plan_text(GOOD)
    assert plan.location == "swedencentral"
    assert [s.name for s in plan.hub.subnets] == ["AzureFirewallSubnet", "snet-a", "snet-b"]


def test_shipped_plan_is_valid() -> None:
    plan = load_plan(Path(__file__).resolve().parents[2] / "plans" / "ai-landing-zone.yaml")
    assert plan.name == "contoso-ai"


def test_yaml_syntax_error_has_position() -> None:
    (d,) = diagnostics("name: x\n  bad: [\n")
    assert (d.file, d.line, d.column, d.code) == ("plan.yaml", 2, 6, "yaml")
    assert "YAML syntax error" in d.message


def test_duplicate_key_is_a_yaml_error() -> None:
    (d,) = diagnostics("name: a1b\nname: a2b\nlocation: x\nhub: {address_space: 10.0.0.0/16}\n")
    assert d.code == "yaml" and d.line == 2


def test_unknown_key_suggests_the_right_one() -> None:
    found = diagnostics(
        """\
        name: contoso-ai
        location: swedencentral
        hub:
          adress_space: 10.0.0.0/16
        """
    )
    unknown = next(d for d in found if d.code == "unknown-key")
    assert (unknown.line, unknown.column) == (4, 3)
    assert "did you mean 'address_space'" in unknown.hint
    missing = next(d for d in found if d.code == "missing-key")
    assert missing.line == 3 and "hub.address_space" in missing.message


def test_all_problems_reported_at_once_in_file_order() -> None:
    found = diagnostics(
        """\
        name: contoso-ai
        location: swedencentral
        hub:
          address_space: 10.0.0.0/16
          subnets:
            - name: AzureFirewallSubnet
              prefix: 10.0.0.0/27
            - name: x
              prefix: 10.0.0.16/28
            - name: y
              prefix: 10.1.0.0/24
        """
    )
    assert [(d.line, d.code) for d in found] == [
        (7, "subnet-too-small"),
        (9, "subnet-overlap"),
        (11, "subnet-outside-vnet"),
    ]


def test_bad_value_names_the_path() -> None:
    (d,) = diagnostics(
        """\
        name: Contoso
        location: swedencentral
        hub: {address_space: 10.0.0.0/16}
        """
    )
    assert (d.line, d.column, d.code) == (1, 7, "invalid-value")
    assert "'name'" in d.message


def test_not_a_mapping() -> None:
    (d,) = diagnostics("- just\n- a list\n")
    assert d.code == "not-a-mapping"


def test_subnet_needs_prefix_or_size() -> None:
    (d,) = diagnostics(
        """\
        name: contoso-ai
        location: swedencentral
        hub:
          address_space: 10.0.0.0/16
          subnets:
            - name: a
        """
    )
    assert d.line == 6 and "exactly one of 'prefix'" in d.message


def test_missing_file(tmp_path) -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(tmp_path / "nope.yaml")
    assert caught.value.diagnostics[0].code == "io"
