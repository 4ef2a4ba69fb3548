"""Pure parts of mdm_hub.neo4j_local: no JVM is started here."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mdm_hub.cli.neo4j import neo4j_app
from mdm_hub.neo4j_local import java as java_mod
from mdm_hub.neo4j_local import provision
from mdm_hub.neo4j_local.jars import (
    NEO4J_VERSION,
    JarResolutionError,
    cache_root,
    neo4j_version,
    render_pom,
    resolve_jars,
)
from mdm_hub.neo4j_local.java import JavaNotFoundError, JavaRuntime, find_java, parse_java_version
from mdm_hub.neo4j_local.server import (
    ENTRY_POINT,
    ServerState,
    free_port,
    is_our_server,
    java_command,
    log_tail,
    port_is_free,
    process_alive,
    read_state,
    render_conf,
    write_state,
)


def _script(directory: Path, name: str, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _fake_java(directory: Path, version: str) -> Path:
    return _script(directory, "java", f"echo 'openjdk version \"{version}\" 2024-01-16' >&2")


# --- java -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', ("17.0.15", 17)),
        ('openjdk version "21" 2023-09-19', ("21", 21)),
        ('java version "1.8.0_292"', ("1.8.0_292", 8)),
        ('openjdk version "25-ea" 2025-09-16', ("25-ea", 25)),
        ('Picked up JAVA_TOOL_OPTIONS: -Xss1m\nopenjdk version "21.0.2"', ("21.0.2", 21)),
    ],
)
def test_parse_java_version(output: str, expected: tuple[str, int]) -> None:
    assert parse_java_version(output) == expected


def test_parse_java_version_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="no version string"):
        parse_java_version("bash: java: command not found")


@pytest.fixture
def no_system_jvms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(java_mod, "JVM_ROOT", tmp_path / "no-jvms")


@pytest.mark.usefixtures("no_system_jvms")
def test_find_java_without_any_java_says_so(tmp_path: Path) -> None:
    with pytest.raises(JavaNotFoundError, match="no java executable found") as info:
        find_java({"PATH": str(tmp_path / "empty")})
    assert "MDM_NEO4J_JAVA" in str(info.value)


@pytest.mark.usefixtures("no_system_jvms")
def test_find_java_names_the_unsupported_versions_it_found(tmp_path: Path) -> None:
    home = tmp_path / "jdk25"
    _fake_java(home / "bin", "25.0.3")
    with pytest.raises(JavaNotFoundError, match=r"Java 25\.0\.3") as info:
        find_java({"JAVA_HOME": str(home), "PATH": ""})
    assert "17 or 21" in str(info.value)


@pytest.mark.usefixtures("no_system_jvms")
def test_find_java_skips_unsupported_java_home_for_supported_path(tmp_path: Path) -> None:
    home = tmp_path / "jdk25"
    _fake_java(home / "bin", "25.0.3")
    good = _fake_java(tmp_path / "bin", "21.0.4")
    runtime = find_java({"JAVA_HOME": str(home), "PATH": str(tmp_path / "bin")})
    assert runtime == JavaRuntime(executable=good, version="21.0.4", major=21, source="PATH")


def test_explicit_java_must_be_supported(tmp_path: Path) -> None:
    home = tmp_path / "jdk11"
    _fake_java(home / "bin", "11.0.2")
    good = _fake_java(tmp_path / "bin", "17.0.1")
    with pytest.raises(JavaNotFoundError, match=r"MDM_NEO4J_JAVA=.*Java 11\.0\.2"):
        find_java({"MDM_NEO4J_JAVA": str(home), "PATH": str(tmp_path / "bin")})
    assert find_java({"MDM_NEO4J_JAVA": str(good)}).major == 17


# --- jars -------------------------------------------------------------------------------------


def test_render_pom_pins_the_version() -> None:
    pom = render_pom("5.26.30")
    assert "<artifactId>neo4j</artifactId>" in pom
    assert "<version>5.26.30</version>" in pom


def test_render_pom_refuses_non_versions() -> None:
    with pytest.raises(JarResolutionError):
        render_pom("5.26</version><evil>")


def test_version_defaults_and_override() -> None:
    assert neo4j_version({}) == NEO4J_VERSION
    assert neo4j_version({"MDM_NEO4J_VERSION": "5.26.1"}) == "5.26.1"
    with pytest.raises(JarResolutionError, match="MDM_NEO4J_VERSION"):
        neo4j_version({"MDM_NEO4J_VERSION": "latest"})


def test_cache_root_precedence(tmp_path: Path) -> None:
    assert cache_root({"MDM_NEO4J_CACHE": str(tmp_path / "c")}) == tmp_path / "c"
    assert cache_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "mdm-hub" / "neo4j"
    assert cache_root({}) == Path.home() / ".cache" / "mdm-hub" / "neo4j"


def test_resolve_jars_without_mvn_explains(tmp_path: Path) -> None:
    env = {"MDM_NEO4J_CACHE": str(tmp_path / "cache"), "PATH": str(tmp_path / "empty")}
    with pytest.raises(JarResolutionError, match=r"Maven \(mvn\) is not on PATH"):
        resolve_jars("5.26.30", env)


def test_resolve_jars_reports_mvn_output_tail(tmp_path: Path) -> None:
    _script(tmp_path / "bin", "mvn", "echo '[ERROR] Could not resolve org.neo4j:neo4j'; exit 1")
    env = {"MDM_NEO4J_CACHE": str(tmp_path / "cache"), "PATH": str(tmp_path / "bin")}
    with pytest.raises(JarResolutionError, match=r"exit 1") as info:
        resolve_jars("5.26.30", env)
    assert "Could not resolve org.neo4j:neo4j" in str(info.value)


def test_resolve_jars_runs_mvn_once_and_marks_completion(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    # Fake mvn: copy-dependencies into the -DoutputDirectory it was given.
    body = (
        f'echo call >> {calls}\nfor a in "$@"; do case "$a" in -DoutputDirectory=*) '
        'd="${a#-DoutputDirectory=}";; esac; done\nmkdir -p "$d" && touch "$d/neo4j-5.26.30.jar"'
    )
    _script(tmp_path / "bin", "mvn", body)
    path = os.pathsep.join([str(tmp_path / "bin"), "/usr/bin", "/bin"])  # fake mvn first
    env = {"MDM_NEO4J_CACHE": str(tmp_path / "cache"), "PATH": path}
    lib = resolve_jars("5.26.30", env)
    assert lib == tmp_path / "cache" / "5.26.30" / "lib"
    assert (lib / "neo4j-5.26.30.jar").is_file()
    assert "<version>5.26.30</version>" in (lib.parent / "pom.xml").read_text()
    assert resolve_jars("5.26.30", env) == lib
    assert calls.read_text().count("call") == 1


# --- server helpers ---------------------------------------------------------------------------


def test_render_conf_is_loopback_only_and_has_no_duplicate_keys(tmp_path: Path) -> None:
    conf = render_conf(tmp_path, bolt_port=7001, http_port=7002, pagecache="64m")
    pairs = [line.split("=", 1) for line in conf.splitlines()]
    settings = dict(pairs)
    assert len(settings) == len(pairs)
    assert settings["server.bolt.listen_address"] == "127.0.0.1:7001"
    assert settings["server.bolt.advertised_address"] == "127.0.0.1:7001"
    assert settings["server.http.listen_address"] == "127.0.0.1:7002"
    assert settings["server.default_listen_address"] == "127.0.0.1"
    assert settings["server.directories.data"] == str(tmp_path / "data")
    assert settings["server.memory.pagecache.size"] == "64m"
    assert settings["dbms.security.auth_enabled"] == "false"


def test_java_command_runs_the_community_entry_point(tmp_path: Path) -> None:
    runtime = JavaRuntime(Path("/opt/jdk/bin/java"), "17.0.1", 17, "PATH")
    command = java_command(runtime, tmp_path / "lib", tmp_path / "home")
    assert command[0] == "/opt/jdk/bin/java"
    assert command[command.index("-cp") + 1] == f"{tmp_path / 'lib'}/*"
    assert ENTRY_POINT in command
    assert f"--config-dir={tmp_path / 'home' / 'conf'}" in command


def test_state_round_trip(tmp_path: Path) -> None:
    state = ServerState(4242, 7001, 7002, "bolt://127.0.0.1:7001", "5.26.30", str(tmp_path))
    write_state(tmp_path, state)
    assert read_state(tmp_path) == state
    assert ServerState.from_json(state.to_json()) == state


def test_read_state_tolerates_missing_or_broken_files(tmp_path: Path) -> None:
    assert read_state(tmp_path) is None
    (tmp_path / "state.json").write_text("{not json", encoding="utf-8")
    assert read_state(tmp_path) is None


def test_process_alive_and_pid_reuse_guard(tmp_path: Path) -> None:
    child = subprocess.Popen(["true"])
    child.wait()
    assert not process_alive(child.pid)
    assert process_alive(os.getpid())
    # Our own pid is alive but is not a Neo4j of that home, as after PID reuse.
    me = ServerState(os.getpid(), 1, 2, "bolt://127.0.0.1:1", "5.26.30", str(tmp_path))
    assert not is_our_server(me)


def test_ports() -> None:
    port = free_port()
    assert port_is_free(port)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert not port_is_free(listener.getsockname()[1])


def test_log_tail_shows_console_and_neo4j_log(tmp_path: Path) -> None:
    assert "no log output" in log_tail(tmp_path)
    (tmp_path / "console.log").write_text("boom: Unrecognized setting\n", encoding="utf-8")
    assert "Unrecognized setting" in log_tail(tmp_path)


# --- provision and CLI without a server -------------------------------------------------------


def test_unreachable_external_uri_fails_instead_of_falling_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    monkeypatch.setenv("MDM_NEO4J_URI", uri)
    with (
        pytest.raises(provision.Neo4jUnavailable, match=f"MDM_NEO4J_URI={uri}"),
        provision.provide_neo4j(),
    ):
        pass


def test_cli_status_and_stop_without_a_server(tmp_path: Path) -> None:
    runner = CliRunner()
    status = runner.invoke(neo4j_app, ["status", "--dir", str(tmp_path)])
    assert status.exit_code == 1
    assert "not running" in status.output
    stopped = runner.invoke(neo4j_app, ["stop", "--dir", str(tmp_path / "never")])
    assert stopped.exit_code == 0
    assert "not running" in stopped.output
