"""Neo4j Community 5.26 from Maven Central jars on loopback, for tests and `mdm-hub neo4j`."""

from mdm_hub.neo4j_local.jars import NEO4J_VERSION, JarResolutionError, neo4j_version, resolve_jars
from mdm_hub.neo4j_local.java import JavaNotFoundError, JavaRuntime, find_java
from mdm_hub.neo4j_local.provision import (
    Neo4jEndpoint,
    Neo4jMemory,
    Neo4jUnavailable,
    provide_neo4j,
)
from mdm_hub.neo4j_local.server import (
    LocalNeo4jServer,
    Neo4jStartError,
    ServerState,
    is_our_server,
    read_state,
    terminate_pid,
)

__all__ = [
    "NEO4J_VERSION",
    "JarResolutionError",
    "JavaNotFoundError",
    "JavaRuntime",
    "LocalNeo4jServer",
    "Neo4jEndpoint",
    "Neo4jMemory",
    "Neo4jStartError",
    "Neo4jUnavailable",
    "ServerState",
    "find_java",
    "is_our_server",
    "neo4j_version",
    "provide_neo4j",
    "read_state",
    "resolve_jars",
    "terminate_pid",
]
