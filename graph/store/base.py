"""The interface every graph store implements, and the value types its reads return.

The app, the CLI and the contract tests use only what is declared here, so the
embedded store and a Bolt server are interchangeable (``open_store`` picks one).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ENTITY_TYPES", "Node", "Edge", "Subgraph", "EntitySummary", "GraphStore"]

# URL/API entity types -> node labels. Labels come only from this allow-list, never from input.
ENTITY_TYPES: dict[str, str] = {
    "patient": "Patient",
    "card": "Card",
    "doctor": "Doctor",
    "institution": "Institution",
}


@dataclass(frozen=True)
class Node:
    type: str  # a key of ENTITY_TYPES, or "claim" / "ring"
    id: str
    props: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Edge:
    """An aggregated browsing edge: the claims behind it are listed (capped) with totals."""

    source: Node
    target: Node
    kind: str  # e.g. "VISITED", "TREATED", "HOLDS", "USED_AT", "WORKS_AT"
    claims: int = 0
    fund_amount: float = 0.0
    total_amount: float = 0.0
    first: datetime | None = None
    last: datetime | None = None
    claim_ids: list[str] = field(default_factory=list)


@dataclass
class Subgraph:
    nodes: list[Node]
    edges: list[Edge]
    total_nodes: int  # how many there were before the node cap
    truncated: bool

    def truncation_note(self, lang: str = "zh") -> str:
        if not self.truncated:
            return ""
        if lang == "zh":
            return f"显示 {len(self.nodes):,} / {self.total_nodes:,} 个节点"
        return f"{len(self.nodes):,} of {self.total_nodes:,} nodes shown"


@dataclass
class EntitySummary:
    node: Node
    claims: int
    total_amount: float
    fund_amount: float
    first: datetime | None
    last: datetime | None
    # [(Node, claims, fund_amount)], most claims first
    top_counterparties: list[tuple[Node, int, float]] = field(default_factory=list)


class GraphStore(ABC):
    """One graph store. Implementations: ladybug_store.LadybugStore, bolt_store.BoltStore."""

    name: str = "abstract"
    # Written by an older ringtrace in a format this one can read but not add to: sync_graph
    # then rebuilds it from the analytic copy (LadybugDB's times kept as text; see rebuild).
    outdated: bool = False

    # --- loading ---------------------------------------------------------------
    def rebuild(self) -> None:
        """Empty the graph with the current schema (the caller loads it again from the analytic copy)."""
        raise NotImplementedError(f"{type(self).__name__} has no older format to rebuild from")

    def finish_pending(self) -> None:
        """Complete what a stopped load left to do (nothing, for a store whose loads are atomic)."""

    @abstractmethod
    def ensure_schema(self) -> None: ...

    @abstractmethod
    def load(self, claims, institutions=None, doctors=None, patients=None, *, settled=()) -> int:
        """Add claims (a pandas DataFrame or Arrow table in the analytic schema) and reference rows.

        Idempotent: loading the same rows again changes nothing. ``settled`` names reference
        kinds the store already holds unchanged (see :func:`graph.store.sync.sync_graph`): a
        store may then apply only their rows about entities this load creates.
        Returns the number of claims newly added.
        """

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """{'claims', 'patients', 'cards', 'doctors', 'institutions', 'rings'} as ints."""

    # --- reads the app needs ---------------------------------------------------
    @abstractmethod
    def find(self, text: str, types: tuple[str, ...] = tuple(ENTITY_TYPES), limit: int = 20) -> list[Node]:
        """Entities whose id equals or starts with ``text``."""

    @abstractmethod
    def neighbourhood(
        self,
        type: str,
        id: str,
        hops: int = 1,
        max_nodes: int = 200,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Subgraph: ...

    @abstractmethod
    def claims_of(self, nodes: list[Node], since: datetime | None = None, until: datetime | None = None, limit: int = 10_000):
        """The claims touching any of these entities, as a DataFrame in the analytic schema."""

    @abstractmethod
    def summary(self, type: str, id: str, top: int = 10) -> EntitySummary | None: ...

    # --- rings -------------------------------------------------------------------
    @abstractmethod
    def store_rings(self, rings) -> None:
        """Replace the stored rings with these (graph.detect.ring.Ring), linked to members and claims."""

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
