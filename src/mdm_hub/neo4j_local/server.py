"""Run Neo4j Community from the Maven jars as a child JVM listening on loopback only."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import TracebackType

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from mdm_hub.neo4j_local.jars import neo4j_version, resolve_jars
from mdm_hub.neo4j_local.java import JavaRuntime, find_java

log = logging.getLogger(__name__)

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
LOOPBACK = "127.0.0.1"
STATE_FILE = "state.json"
CONSOLE_LOG = "console.log"
DEFAULT_STARTUP_TIMEOUT_S = 120.0
DEFAULT_STOP_TIMEOUT_S = 30.0
_POLL_INTERVAL_S = 0.25
# Memory of a test server: small, so several fit beside each other (a bulk benchmark asks
# for more through provide_neo4j's Neo4jMemory).
DEFAULT_HEAP_MIN = "512m"
DEFAULT_HEAP_MAX = "1g"
DEFAULT_PAGECACHE = "256m"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# The flags Neo4j's own launcher passes; the add-opens are required on Java 17+.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
    "-Dlog4j2.disable.jmx=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)

_COMPONENTS_QUERY = (
    "CALL dbms.components() YIELD name, versions, edition RETURN versions[0] AS version, edition"
)


class Neo4jStartError(RuntimeError):
    """The local Neo4j JVM died or never answered on Bolt; the message carries its log tail."""


@dataclass(frozen=True)
class ServerState:
    """What a separate process (the CLI) needs to find and stop a running server."""

    pid: int
    bolt_port: int
    http_port: int
    uri: str
    version: str
    home: str
    edition: str = "community"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ServerState:
        data = json.loads(text)
        return cls(
            pid=int(data["pid"]),
            bolt_port=int(data["bolt_port"]),
            http_port=int(data["http_port"]),
            uri=str(data["uri"]),
            version=str(data["version"]),
            home=str(data["home"]),
            edition=str(data.get("edition", "community")),
        )


def write_state(home: Path, state: ServerState) -> None:
    """Write atomically so a concurrent reader never sees half a file."""
    tmp = home / f".{STATE_FILE}.tmp"
    tmp.write_text(state.to_json(), encoding="utf-8")
    tmp.replace(home / STATE_FILE)


def read_state(home: Path) -> ServerState | None:
    """The recorded state, or None if there is none or it is unreadable."""
    try:
        return ServerState.from_json((home / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear_state(home: Path) -> None:
    (home / STATE_FILE).unlink(missing_ok=True)


def free_port(host: str = LOOPBACK) -> int:
    """A port the kernel just handed out; Neo4j binds it moments later (small race, accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True if nothing listens there. SO_REUSEADDR, as Neo4j's Netty uses, ignores TIME_WAIT."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _free_port_except(taken: int | None) -> int:
    while (port := free_port()) == taken:
        pass
    return port


def render_conf(home: Path, bolt_port: int, http_port: int, pagecache: str = "256m") -> str:
    """neo4j.conf for a loopback-only, auth-less server. Neo4j rejects unknown keys at startup."""
    settings = {
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
        "server.default_listen_address": LOOPBACK,
        # Advertised addresses make neo4j:// routing tables point at the real ports.
        "server.default_advertised_address": LOOPBACK,
        "server.bolt.listen_address": f"{LOOPBACK}:{bolt_port}",
        "server.bolt.advertised_address": f"{LOOPBACK}:{bolt_port}",
        "server.http.listen_address": f"{LOOPBACK}:{http_port}",
        "server.http.advertised_address": f"{LOOPBACK}:{http_port}",
        "server.http.enabled": "true",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "false",
        "dbms.usage_report.enabled": "false",
        "server.memory.pagecache.size": pagecache,
        # Internal 5.x keys: without them Bolt shutdown idles ~10 s in Netty quiet periods.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
        "internal.dbms.bolt.netty_server_shutdown_timeout": "1",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def java_command(
    java: JavaRuntime, lib: Path, home: Path, heap_min: str = "512m", heap_max: str = "1g"
) -> list[str]:
    return [
        str(java.executable),
        f"-Xms{heap_min}",
        f"-Xmx{heap_max}",
        *JVM_FLAGS,
        "-cp",
        f"{lib}/*",
        ENTRY_POINT,
        f"--home-dir={home}",
        f"--config-dir={home / 'conf'}",
    ]


def _proc_file(pid: int, name: str) -> str | None:
    try:
        return Path(f"/proc/{pid}/{name}").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def process_alive(pid: int) -> bool:
    """True if `pid` exists and is not a zombie (a detached JVM may linger unreaped in /proc)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = _proc_file(pid, "stat")
    return stat is None or stat.rpartition(")")[2].split()[0] != "Z"


def is_our_server(state: ServerState) -> bool:
    """Alive and still the Neo4j of that home dir (guards against PID reuse)."""
    if not process_alive(state.pid):
        return False
    cmdline = _proc_file(state.pid, "cmdline")
    if cmdline is None:  # no procfs: trust the pid
        return True
    return ENTRY_POINT in cmdline and f"--home-dir={state.home}" in cmdline


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the JVM's process group (it leads its own session), ignoring a vanished group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def terminate_pid(pid: int, timeout: float = DEFAULT_STOP_TIMEOUT_S) -> None:
    """Stop a server this process did not start: SIGTERM, wait, then SIGKILL the group."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if _wait_gone(pid, timeout):
        return
    log.warning("Neo4j pid %s ignored SIGTERM for %.0fs; sending SIGKILL", pid, timeout)
    signal_group(pid, signal.SIGKILL)
    _wait_gone(pid, 10.0)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while process_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def read_server_info(driver: Driver) -> tuple[str, str]:
    """(version, edition) as the server reports them."""
    records, _, _ = driver.execute_query(_COMPONENTS_QUERY)
    return str(records[0]["version"]), str(records[0]["edition"])


def log_tail(home: Path, lines: int = 40) -> str:
    """Tail of the console log and neo4j.log: fatal config errors only reach the console."""
    parts = []
    for path in (home / CONSOLE_LOG, home / "logs" / "neo4j.log"):
        try:
            text = path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue
        if text:
            tail = "\n".join(text.splitlines()[-lines:])
            parts.append(f"--- {path} (tail) ---\n{tail}")
    return "\n".join(parts) or f"(no log output in {home})"


def die_with_parent_hook(sig: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A preexec_fn making the kernel send `sig` to the child when this process dies (Linux
    only; None elsewhere)."""
    if sys.platform != "linux":
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


class LocalNeo4jServer:
    """A Neo4j Community JVM on loopback with its data, logs and conf under `home`.

    `detach=True` leaves it running after this process exits (the CLI); otherwise it is
    stopped at interpreter exit. `die_with_parent=True` also has the kernel kill it if this
    process is killed; only use it from a long-lived thread, since Linux ties that to the
    thread that started the JVM.
    """

    def __init__(
        self,
        home: Path,
        *,
        bolt_port: int | None = None,
        http_port: int | None = None,
        version: str | None = None,
        java: JavaRuntime | None = None,
        heap_min: str = DEFAULT_HEAP_MIN,
        heap_max: str = DEFAULT_HEAP_MAX,
        pagecache: str = DEFAULT_PAGECACHE,
        startup_timeout: float = DEFAULT_STARTUP_TIMEOUT_S,
        stop_timeout: float = DEFAULT_STOP_TIMEOUT_S,
        detach: bool = False,
        die_with_parent: bool = False,
    ) -> None:
        self.home = home.resolve()
        self.version = version or neo4j_version()
        self._ports = (bolt_port, http_port)
        self._java = java
        self._heap = (heap_min, heap_max)
        self._pagecache = pagecache
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._detach = detach
        self._die_with_parent = die_with_parent and not detach
        self._proc: subprocess.Popen[bytes] | None = None
        self._state: ServerState | None = None

    @property
    def state(self) -> ServerState:
        if self._state is None:
            raise RuntimeError("LocalNeo4jServer is not started")
        return self._state

    @property
    def uri(self) -> str:
        return self.state.uri

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> ServerState:
        """Launch the JVM and return once Bolt answers; raises Neo4jStartError otherwise."""
        if self._proc is not None:
            raise RuntimeError(f"Neo4j in {self.home} is already started by this object")
        java = self._java or find_java()
        lib = resolve_jars(self.version)
        bolt_port, http_port = self._pick_ports()
        self._prepare_home(bolt_port, http_port)
        self._proc = self._spawn(java, lib)
        if not self._detach:
            atexit.register(self.stop)
        try:
            self._state = ServerState(
                pid=self._proc.pid,
                bolt_port=bolt_port,
                http_port=http_port,
                uri=f"bolt://{LOOPBACK}:{bolt_port}",
                version=self.version,
                home=str(self.home),
            )
            write_state(self.home, self._state)  # early, so `stop` finds a server still starting
            version, edition = self._wait_for_bolt(self._proc, self._state.uri)
            self._state = replace(self._state, version=version, edition=edition)
            write_state(self.home, self._state)
        except BaseException:
            self.stop()
            raise
        return self._state

    def stop(self) -> None:
        """SIGTERM, wait up to stop_timeout, then SIGKILL the process group. Idempotent."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        atexit.unregister(self.stop)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                log.warning("Neo4j pid %s ignored SIGTERM; sending SIGKILL", proc.pid)
                signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
        clear_state(self.home)

    def __enter__(self) -> LocalNeo4jServer:
        if self._proc is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _pick_ports(self) -> tuple[int, int]:
        bolt, http = self._ports
        bolt = bolt if bolt is not None else _free_port_except(http)
        http = http if http is not None else _free_port_except(bolt)
        for name, port in (("bolt", bolt), ("http", http)):
            if not port_is_free(port):
                raise Neo4jStartError(f"{name} port {LOOPBACK}:{port} is already in use")
        return bolt, http

    def _prepare_home(self, bolt_port: int, http_port: int) -> None:
        for sub in ("conf", "data", "logs", "run"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        conf = render_conf(self.home, bolt_port, http_port, self._pagecache)
        (self.home / "conf" / "neo4j.conf").write_text(conf, encoding="utf-8")

    def _spawn(self, java: JavaRuntime, lib: Path) -> subprocess.Popen[bytes]:
        command = java_command(java, lib, self.home, *self._heap)
        log.info("starting Neo4j %s in %s: %s", self.version, self.home, " ".join(command))
        with (self.home / CONSOLE_LOG).open("wb") as console:
            # Own session: a terminal's Ctrl-C / SIGHUP does not reach it, and stop() can
            # SIGKILL the whole group.
            return subprocess.Popen(  # noqa: S603 - argv built from a located java and our paths
                command,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                start_new_session=True,
                preexec_fn=die_with_parent_hook() if self._die_with_parent else None,  # noqa: PLW1509
            )

    def _wait_for_bolt(self, proc: subprocess.Popen[bytes], uri: str) -> tuple[str, str]:
        """Poll Bolt until it answers, the JVM exits, or startup_timeout passes."""
        deadline = time.monotonic() + self.startup_timeout
        last_error: Exception | None = None
        with GraphDatabase.driver(uri, auth=None, connection_timeout=2.0) as driver:
            while True:
                if (code := proc.poll()) is not None:
                    raise Neo4jStartError(
                        f"Neo4j exited with code {code} during startup (home {self.home}).\n"
                        f"{log_tail(self.home)}"
                    )
                try:
                    driver.verify_connectivity()
                    return read_server_info(driver)
                except (ServiceUnavailable, SessionExpired, TransientError) as exc:
                    last_error = exc
                if time.monotonic() > deadline:
                    raise Neo4jStartError(
                        f"Neo4j did not answer on {uri} within {self.startup_timeout:.0f}s "
                        f"(last error: {last_error}).\n{log_tail(self.home)}"
                    )
                time.sleep(_POLL_INTERVAL_S)
