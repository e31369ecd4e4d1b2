"""A throwaway PostgreSQL cluster for tests: ``initdb`` into a temp dir, ``postgres`` on a
free loopback port with its unix socket in the same dir, stopped and deleted afterwards.

Never a system service: the cluster belongs to this process tree and lives in one temp
directory. ``initdb`` refuses to run as root, so as root the programs run as an
unprivileged user (``postgres`` when it exists, else ``nobody``) that owns the directory.

Used two ways:

- ``python -m tests.pg run -- CMD ...`` starts a cluster, runs CMD with
  ``MOCKCML_TEST_DATABASE_URL`` set to it (tests then put every in-process app on a fresh
  database of that cluster, see tests/conftest.py), stops it and returns CMD's exit code;
- ``with ThrowawayPostgres() as pg: pg.url`` from Python.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "mockcml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> str | None:
    """The user that runs the server programs: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) exists")


def _program(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / name).exists():
            return str(base / name)
    raise RuntimeError(f"{name} not found: install PostgreSQL server programs (Debian: postgresql)")


class ThrowawayPostgres:
    """One private cluster; ``url`` is a SQLAlchemy URL of its ``postgres`` database."""

    def __init__(self) -> None:
        self.user = _run_as()
        self.dir = Path(tempfile.mkdtemp(prefix="mockcml-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"
        self._started = False

    def _cmd(self, *args: str) -> subprocess.CompletedProcess:
        argv = list(args)
        if self.user is not None:
            argv = ["runuser", "-u", self.user, "--", *argv]
        return subprocess.run(argv, check=True, capture_output=True, text=True, cwd=self.dir)

    def start(self) -> ThrowawayPostgres:
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.dir.chmod(0o700)
        self._cmd(_program("initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        # A test cluster: no durability, many connections (xdist workers x apps x pool).
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=1000 -c shared_buffers=64MB")
        try:
            self._cmd(_program("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                      "-o", options, "-w", "-t", "60", "start")
        except subprocess.CalledProcessError as exc:
            log = (self.dir / "log").read_text() if (self.dir / "log").exists() else ""
            raise RuntimeError(f"postgres did not start: {exc.stderr}\n{log}") from exc
        self._started = True
        return self

    def stop(self) -> None:
        try:
            if self._started:
                self._started = False
                self._cmd(_program("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                          "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "run" or "--" not in argv:
        print("usage: python -m tests.pg run -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1:]
    with ThrowawayPostgres() as pg:
        print(f"throwaway PostgreSQL at {pg.url} ({pg.dir})", file=sys.stderr, flush=True)
        env = {**os.environ, "MOCKCML_TEST_DATABASE_URL": pg.url}
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
