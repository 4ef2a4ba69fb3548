"""Find a Java runtime that Neo4j 5.26 accepts (major version 17 or 21)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_JAVA_MAJORS = (17, 21)
JVM_ROOT = Path("/usr/lib/jvm")
_VERSION_RE = re.compile(r'version "([^"]+)"')


class JavaNotFoundError(RuntimeError):
    """No usable Java runtime; the message lists every candidate and why it was rejected."""


@dataclass(frozen=True)
class JavaRuntime:
    executable: Path
    version: str
    major: int
    source: str  # where it was found, e.g. "JAVA_HOME"


def parse_java_version(output: str) -> tuple[str, int]:
    """Return (full version, major) from `java -version` output; raises ValueError if absent."""
    match = _VERSION_RE.search(output)
    if match is None:
        raise ValueError(f"no version string in java -version output: {output.strip()[:200]!r}")
    version = match.group(1)
    parts = re.split(r"[.+_-]", version)
    # Java 8 and older report "1.8.0_292"; the major is the second component there.
    major_text = parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0]
    if not major_text.isdigit():
        raise ValueError(f"unparseable java version {version!r}")
    return version, int(major_text)


def probe_java(executable: Path, source: str) -> JavaRuntime:
    """Run `java -version` and describe the runtime; raises ValueError if it does not run."""
    try:
        proc = subprocess.run(  # noqa: S603 - executable is a located java binary, no shell
            [str(executable), "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ValueError(f"cannot run {executable}: {exc}") from exc
    # java -version writes to stderr; some wrappers use stdout.
    version, major = parse_java_version(proc.stderr + proc.stdout)
    return JavaRuntime(executable=executable, version=version, major=major, source=source)


def _java_in(home: Path) -> Path:
    return home / "bin" / "java"


def java_candidates(env: Mapping[str, str]) -> Iterator[tuple[str, Path]]:
    """Yield (source, java executable) in order of preference, without probing them."""
    if java_home := env.get("JAVA_HOME"):
        yield "JAVA_HOME", _java_in(Path(java_home))
    if on_path := shutil.which("java", path=env.get("PATH", "")):
        yield "PATH", Path(on_path)
    if JVM_ROOT.is_dir():
        for home in sorted(JVM_ROOT.iterdir()):
            yield str(JVM_ROOT), _java_in(home)


def _explicit_java(value: str) -> JavaRuntime:
    """MDM_NEO4J_JAVA is a deliberate choice, so an unusable one is an error, not a fallback."""
    path = Path(value)
    executable = _java_in(path) if path.is_dir() else path
    try:
        runtime = probe_java(executable, "MDM_NEO4J_JAVA")
    except ValueError as exc:
        raise JavaNotFoundError(f"MDM_NEO4J_JAVA={value} is not a working Java: {exc}") from exc
    if runtime.major not in SUPPORTED_JAVA_MAJORS:
        raise JavaNotFoundError(
            f"MDM_NEO4J_JAVA={value} is Java {runtime.version}; Neo4j needs Java "
            f"{' or '.join(map(str, SUPPORTED_JAVA_MAJORS))}"
        )
    return runtime


def find_java(env: Mapping[str, str] | None = None) -> JavaRuntime:
    """Return the first Java 17/21 from MDM_NEO4J_JAVA, JAVA_HOME, PATH, then /usr/lib/jvm."""
    env = os.environ if env is None else env
    if explicit := env.get("MDM_NEO4J_JAVA"):
        return _explicit_java(explicit)
    rejected: list[str] = []
    seen: set[Path] = set()
    for source, executable in java_candidates(env):
        if not executable.is_file():
            if source == "JAVA_HOME":  # a wrong JAVA_HOME is worth reporting; a bare JVM dir not
                rejected.append(f"{executable} (JAVA_HOME): no such file")
            continue
        if (resolved := executable.resolve()) in seen:
            continue  # /usr/bin/java and /usr/lib/jvm/* are usually symlinks to the same binary
        seen.add(resolved)
        try:
            runtime = probe_java(executable, source)
        except ValueError as exc:
            rejected.append(f"{executable} ({source}): {exc}")
            continue
        if runtime.major in SUPPORTED_JAVA_MAJORS:
            return runtime
        rejected.append(f"{executable} ({source}): Java {runtime.version}")
    found = "; ".join(rejected) if rejected else "no java executable found"
    raise JavaNotFoundError(
        f"Neo4j needs Java {' or '.join(map(str, SUPPORTED_JAVA_MAJORS))}. Checked JAVA_HOME, "
        f"PATH and {JVM_ROOT}/*: {found}. Install one (e.g. apt-get install "
        "openjdk-17-jre-headless) or point MDM_NEO4J_JAVA at its java binary or JDK home."
    )
