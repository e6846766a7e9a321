"""FQDN tags in firewall application rules: the plan knows Azure's list (the same the emulator
refuses others against), a misspelt tag is a located plan error with a suggestion, and the
platform's own tags (``firewall.platform_fqdn_tags``) land in ``rcg-platform-egress``."""

from __future__ import annotations

from pathlib import Path

import pytest

from lzengine.emulator import service_tags
from lzengine.errors import PlanError
from lzengine.plan import catalog
from lzengine.plan.loader import load_plan
from tests.plan.helpers import compiled

PLAN = """\
name: contoso-ai
location: swedencentral
teams:
  chat-team: {{principals: [22222222-2222-2222-2222-222222222222]}}
hub:
  address_space: 10.100.0.0/16
  firewall:
    platform_fqdn_tags: [{platform}]
    rule_collection_groups:
      - name: rcg-application
        priority: 300
        collections:
          - name: allow-updates
            priority: 100
            rules: [{{name: updates, type: application, fqdn_tags: [{rule}]}}]
spokes:
  - {{name: chat, owner: chat-team, address_space: 10.101.0.0/22}}
"""


def test_the_plan_and_the_emulator_know_the_same_fqdn_tags() -> None:
    assert {t.lower() for t in catalog.FQDN_TAGS} == service_tags.FQDN_TAGS


def test_a_misspelt_fqdn_tag_is_a_located_error_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text(PLAN.format(platform="WindowsUpdates", rule="windowsdiagnostics, Office365.Exchange.Optimize"),
                    encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    # one error: tags compare case-insensitively, and Office365.* is a family of its own
    text = str(raised.value)
    assert text.count("error[") == 1
    assert "tags.yaml:8:26: error[invalid-value]: 'WindowsUpdates' is not an Azure Firewall FQDN tag" in text
    assert "did you mean 'WindowsUpdate'?" in text


def test_platform_fqdn_tags_join_the_platform_egress_group(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text(PLAN.format(platform="WindowsUpdate, WindowsDiagnostics", rule="WindowsUpdate"), encoding="utf-8")
    graph = compiled(path)
    body = graph.nodes["hub.firewall_policy.rcg.rcg-platform-egress"].body
    rules = {r["name"]: r for c in body["properties"]["ruleCollections"] for r in c["rules"]}
    assert rules["platform-fqdn-tags"]["fqdnTags"] == ["WindowsUpdate", "WindowsDiagnostics"]
    assert "jump-box-packages" not in rules  # no jump box, no package mirrors
