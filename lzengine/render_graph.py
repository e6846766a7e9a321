"""Render a compiled resource graph for people and tools: JSON, Graphviz DOT, Mermaid.

Who uses it: the ``lzengine graph FILE --format json|dot|mermaid`` command (wired in the CLI) and
tests. Pure functions of a ``Graph``: nodes in declaration order, edges from a dependency to the
resource that depends on it, ids are ARM ids.
"""

from __future__ import annotations

import re
from typing import Any

from lzengine.graph import Graph


def graph_to_json(graph: Graph) -> dict[str, Any]:
    """``{"nodes": [{id, type, address, owner}], "edges": [{from, to}]}``; an edge goes from a
    dependency to its dependent, both as ARM ids. A read-only node (an existing hub's resource,
    never written) carries ``"existing": true``."""
    nodes = [{"id": n.arm_id, "type": n.kind.arm_type, "address": n.address, "owner": n.owner,
              **({"existing": True} if n.kind.read_only else {})} for n in graph]
    edges = [
        {"from": graph.nodes[dep].arm_id, "to": graph.nodes[dependent].arm_id}
        for dep, dependent in graph.edges()
        if dep in graph.nodes
    ]
    return {"nodes": nodes, "edges": edges}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def graph_to_dot(graph: Graph) -> str:
    """A Graphviz digraph: one cluster per owner, nodes labelled address and type."""
    lines = ["digraph lzengine {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    owners: dict[str, list[str]] = {}
    for node in graph:
        owners.setdefault(node.owner, []).append(node.address)
    for index, (owner, members) in enumerate(owners.items()):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_quote(owner)};")
        for address in members:
            node = graph.nodes[address]
            label = address + chr(10) + node.kind.arm_type + _existing_label(node)
            style = ", style=dashed" if node.kind.read_only else ""
            lines.append(f"    {_quote(address)} [label={_quote(label)}{style}];")
        lines.append("  }")
    for dep, dependent in graph.edges():
        if dep in graph.nodes:
            lines.append(f"  {_quote(dep)} -> {_quote(dependent)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _existing_label(node: Any) -> str:
    return " (existing, read-only)" if node.kind.read_only else ""


def _mermaid_id(index: int) -> str:
    return f"n{index}"


def _mermaid_label(text: str) -> str:
    return re.sub(r'["\[\]{}<>|]', "_", text)


def graph_to_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart: one subgraph per owner, an arrow from each dependency to its dependent."""
    ident = {address: _mermaid_id(i) for i, address in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    owners: dict[str, list[str]] = {}
    for node in graph:
        owners.setdefault(node.owner, []).append(node.address)
    for index, (owner, members) in enumerate(owners.items()):
        lines.append(f'  subgraph owner{index}["{_mermaid_label(owner)}"]')
        for address in members:
            node = graph.nodes[address]
            text = f"{_mermaid_label(address)}<br/>{_mermaid_label(node.kind.arm_type + _existing_label(node))}"
            lines.append(f'    {ident[address]}["{text}"]')
        lines.append("  end")
    for dep, dependent in graph.edges():
        if dep in ident:
            lines.append(f"  {ident[dep]} --> {ident[dependent]}")
    return "\n".join(lines) + "\n"
