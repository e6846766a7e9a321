"""The resource graph: nodes (one ARM resource each) and dependency edges.

Who uses it: the compiler builds it, the engine observes and diffs its nodes, the executor walks
it (dependencies first; dependents of a failure skipped), and ``lzengine graph`` renders it.
It knows nothing about Azure: a node carries its kind and desired body as opaque data.
Ordering and cycle detection use the standard library's ``graphlib``.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lzengine.kinds.base import ResourceKind


@dataclass(frozen=True)
class Node:
    """One desired ARM resource: its plan address, kind, ARM id, desired body and dependencies."""

    address: str
    kind: ResourceKind
    arm_id: str
    body: dict[str, Any]
    depends_on: frozenset[str] = frozenset()
    owner: str = "platform"
    #: body paths never compared for this node (the plan's ignore_changes), on top of the kind's
    ignore_paths: tuple[str, ...] = ()


class CycleError(ValueError):
    """The graph has a dependency cycle; ``cycle`` lists its addresses, first repeated last."""

    def __init__(self, cycle: list[str]):
        self.cycle = cycle
        super().__init__("dependency cycle: " + " -> ".join(cycle))


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)

    def add(self, node: Node) -> None:
        if node.address in self.nodes:
            raise ValueError(f"duplicate address {node.address}")
        self.nodes[node.address] = node

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    def __len__(self) -> int:
        return len(self.nodes)

    def edges(self) -> list[tuple[str, str]]:
        """(dependency, dependent) address pairs, in node order."""
        return [(dep, n.address) for n in self.nodes.values() for dep in sorted(n.depends_on)]

    def sorter(self, *, reverse: bool = False) -> graphlib.TopologicalSorter:
        """A prepared TopologicalSorter over the addresses; raises CycleError on a cycle.

        ``reverse`` walks dependents first (for deletes: a subnet goes before its VNet).
        """
        sorter: graphlib.TopologicalSorter = graphlib.TopologicalSorter()
        for node in self.nodes.values():
            sorter.add(node.address)
        for dependency, dependent in self.edges():
            if dependency in self.nodes:
                if reverse:
                    sorter.add(dependency, dependent)
                else:
                    sorter.add(dependent, dependency)
        try:
            sorter.prepare()
        except graphlib.CycleError as exc:
            raise CycleError(_canonical_cycle(exc.args[1])) from None
        return sorter

    def order(self, *, reverse: bool = False) -> list[str]:
        """A deterministic topological order (dependencies first, ties in declaration order)."""
        sorter = self.sorter(reverse=reverse)
        position = {a: i for i, a in enumerate(self.nodes)}
        out: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=lambda a: position.get(a, len(position)))
            out.extend(ready)
            sorter.done(*ready)
        return out

    def prerequisites_map(self, *, reverse: bool = False) -> dict[str, frozenset[str]]:
        """What must finish before each node: its dependencies, or its dependents when reversed
        (for deletes). One pass over the edges for the whole graph, so a walk asks once instead
        of scanning every node per node. Not cached: the compiler replaces nodes in ``nodes``."""
        if not reverse:
            return {a: n.depends_on for a, n in self.nodes.items()}
        dependents: dict[str, set[str]] = {a: set() for a in self.nodes}
        for node in self.nodes.values():
            for dep in node.depends_on:
                if dep in dependents:
                    dependents[dep].add(node.address)
        return {a: frozenset(d) for a, d in dependents.items()}

    def dependents(self, address: str) -> set[str]:
        """Every node that depends on ``address``, directly or not (one pass over the edges,
        then a walk of what is found)."""
        children = self.prerequisites_map(reverse=True)
        found: set[str] = set()
        stack = [address]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def ancestors(self, address: str) -> set[str]:
        """Everything ``address`` depends on, directly or not."""
        found: set[str] = set()
        stack = [address]
        while stack:
            for dep in self.nodes[stack.pop()].depends_on:
                if dep in self.nodes and dep not in found:
                    found.add(dep)
                    stack.append(dep)
        return found

    def missing_dependencies(self) -> list[tuple[str, str]]:
        """(node, dependency) pairs whose dependency is not in the graph."""
        return [(n.address, d) for n in self.nodes.values() for d in sorted(n.depends_on) if d not in self.nodes]


def _canonical_cycle(cycle: list[str]) -> list[str]:
    """Rotate a cycle (dependency -> dependent order) to start at its shortest, then smallest,
    address, so the same cycle always reads the same way."""
    ring = list(cycle[:-1]) if len(cycle) > 1 and cycle[0] == cycle[-1] else list(cycle)
    start = min(range(len(ring)), key=lambda i: (len(ring[i]), ring[i]))
    ring = ring[start:] + ring[:start]
    return [*ring, ring[0]]
