"""The production store: Neo4j through the official async driver, Cypher from cypher/*.cypher."""

from mdm_hub.adapters.neo4j.connection import ConnectionPolicy
from mdm_hub.adapters.neo4j.store import Neo4jStore

__all__ = ["ConnectionPolicy", "Neo4jStore"]
