"""Resolve the Neo4j server jars from Maven Central into a per-user cache."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

NEO4J_VERSION = "5.26.30"
MAVEN_TIMEOUT_S = 1800.0  # a cold ~/.m2 downloads ~125 MB
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_MARKER = ".resolved"

POM_TEMPLATE = """\
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mdm-hub</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


class JarResolutionError(RuntimeError):
    """Maven is missing or could not fetch the Neo4j jars."""


def neo4j_version(env: Mapping[str, str] | None = None) -> str:
    """The Neo4j version to run: MDM_NEO4J_VERSION or the pinned default."""
    env = os.environ if env is None else env
    version = env.get("MDM_NEO4J_VERSION") or NEO4J_VERSION
    if not _VERSION_RE.match(version):
        raise JarResolutionError(f"MDM_NEO4J_VERSION={version!r} is not a version like 5.26.30")
    return version


def cache_root(env: Mapping[str, str] | None = None) -> Path:
    """${MDM_NEO4J_CACHE:-${XDG_CACHE_HOME:-~/.cache}/mdm-hub/neo4j}."""
    env = os.environ if env is None else env
    if explicit := env.get("MDM_NEO4J_CACHE"):
        return Path(explicit).expanduser()
    xdg = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser() / "mdm-hub" / "neo4j"


def render_pom(version: str) -> str:
    if not _VERSION_RE.match(version):
        raise JarResolutionError(f"refusing to render a pom for version {version!r}")
    return POM_TEMPLATE.format(version=version)


def lib_dir(version: str, env: Mapping[str, str] | None = None) -> Path:
    return cache_root(env) / version / "lib"


def is_resolved(version: str, env: Mapping[str, str] | None = None) -> bool:
    return (cache_root(env) / version / _MARKER).is_file()


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Serialise resolution across processes (parallel pytest sessions, CLI)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _find_mvn(env: Mapping[str, str], version_dir: Path) -> str:
    mvn = shutil.which("mvn", path=env.get("PATH", ""))
    if mvn is None:
        raise JarResolutionError(
            "Maven (mvn) is not on PATH; it is needed once to download the Neo4j jars. "
            "Install it (e.g. apt-get install maven), or copy the jars of org.neo4j:neo4j into "
            f"{version_dir / 'lib'} and create the empty file {version_dir / _MARKER}."
        )
    return mvn


def _run_maven(mvn: str, version_dir: Path, lib: Path, env: Mapping[str, str]) -> None:
    command = [
        mvn, "-B", "-q", "-f", str(version_dir / "pom.xml"),
        "dependency:copy-dependencies", f"-DoutputDirectory={lib}",
    ]  # fmt: skip
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, mvn located via PATH
            command, capture_output=True, text=True, timeout=MAVEN_TIMEOUT_S, check=False,
            env=dict(env), cwd=version_dir,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise JarResolutionError(
            f"mvn did not finish within {MAVEN_TIMEOUT_S:.0f}s: {' '.join(command)}"
        ) from exc
    if proc.returncode != 0:
        raise JarResolutionError(
            f"mvn failed (exit {proc.returncode}) resolving org.neo4j:neo4j in {version_dir}. "
            f"Command: {' '.join(command)}\n--- mvn output (tail) ---\n"
            f"{_tail(proc.stdout + proc.stderr)}"
        )


def resolve_jars(version: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    """Return the directory holding every jar of Neo4j `version`, downloading them if needed."""
    env = os.environ if env is None else env
    version = version or neo4j_version(env)
    version_dir = cache_root(env) / version
    lib = version_dir / "lib"
    if is_resolved(version, env):
        return lib
    version_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(version_dir / ".lock"):
        if is_resolved(version, env):  # another process finished while we waited
            return lib
        mvn = _find_mvn(env, version_dir)
        (version_dir / "pom.xml").write_text(render_pom(version), encoding="utf-8")
        shutil.rmtree(lib, ignore_errors=True)  # drop jars of an interrupted earlier attempt
        _run_maven(mvn, version_dir, lib, env)
        jars = sorted(lib.glob("*.jar"))
        if not any(j.name == f"neo4j-{version}.jar" for j in jars):
            raise JarResolutionError(
                f"mvn succeeded but {lib} has no neo4j-{version}.jar ({len(jars)} jars)"
            )
        (version_dir / _MARKER).write_text(f"{len(jars)} jars\n", encoding="utf-8")
    return lib
