"""`validate`, `graph` (json, dot, mermaid) and `schema` on every shipped plan."""

from __future__ import annotations

import json

import pytest

from lzengine.plan import load_plan
from lzengine.render_graph import graph_to_dot, graph_to_json, graph_to_mermaid
from lzengine.schema import plan_json_schema
from tests.plan.helpers import PLANS, compiled


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.stem)
def test_shipped_plan_validates_and_compiles_without_dangling_edges(plan_file) -> None:
    load_plan(plan_file)
    graph = compiled(plan_file)
    assert graph.missing_dependencies() == []
    assert len(graph.order()) == len(graph)


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.stem)
def test_graph_json_has_the_documented_shape(plan_file) -> None:
    graph = compiled(plan_file)
    document = json.loads(json.dumps(graph_to_json(graph)))
    assert set(document) == {"nodes", "edges"}
    ids = [n["id"] for n in document["nodes"]]
    assert len(ids) == len(set(i.lower() for i in ids)) == len(graph)
    for node in document["nodes"]:
        assert set(node) - {"existing"} == {"id", "type", "address", "owner"}
        assert node.get("existing", True) is True  # only an existing hub's read-only nodes carry it
        assert node["id"].startswith("/subscriptions/")
    for edge in document["edges"]:
        assert set(edge) == {"from", "to"} and edge["from"] in ids and edge["to"] in ids
    position = {i: k for k, i in enumerate(n for n in graph.order())}
    by_id = {n.arm_id: n.address for n in graph}
    for edge in document["edges"]:  # from a dependency to its dependent
        assert position[by_id[edge["from"]]] < position[by_id[edge["to"]]]


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.stem)
def test_dot_and_mermaid_name_every_node_and_edge(plan_file) -> None:
    graph = compiled(plan_file)
    dot, mermaid = graph_to_dot(graph), graph_to_mermaid(graph)
    assert dot.startswith("digraph lzengine {") and dot.rstrip().endswith("}")
    assert mermaid.startswith("flowchart LR")
    for node in graph:
        assert f'"{node.address}"' in dot
        assert node.address in mermaid
    edges = len(graph.edges())
    assert dot.count(" -> ") == edges and mermaid.count(" --> ") == edges


def test_schema_rejects_unknown_keys_and_accepts_every_shipped_plan() -> None:
    import jsonschema
    from ruamel.yaml import YAML

    schema = plan_json_schema()
    assert schema["$schema"].endswith("2020-12/schema") and schema["additionalProperties"] is False
    json.dumps(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for plan_file in PLANS:
        document = json.loads(json.dumps(YAML(typ="safe").load(plan_file.read_text()), default=str))
        assert list(validator.iter_errors(document)) == [], plan_file.name
    assert list(validator.iter_errors({"name": "x", "location": "y", "hub": {"address_space": "10.0.0.0/16"},
                                       "bogus": 1}))
