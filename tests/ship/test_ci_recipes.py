"""The CI recipes of docs/docker.md, carried out as far as a machine without Docker allows."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import yaml

from mockcml.settings import Settings
from tests.helpers import LiveServer, free_port

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "docker.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def _settings_named(env: dict) -> None:
    known = {f"MOCKCML_{name.upper()}" for name in Settings.model_fields}
    for name in env:
        if name.startswith("MOCKCML_"):
            assert name in known, f"{name} is not a mockcml setting"


def test_github_actions_service_recipe():
    workflow = yaml.safe_load(_blocks("yaml")[0])
    job = workflow["jobs"]["test"]
    service = job["services"]["mockcml"]
    assert "8080:8080" in service["ports"]
    _settings_named(service["env"])
    assert any("/_mock/health" in step.get("run", "") for step in job["steps"])
    steps = yaml.safe_load(_blocks("yaml")[1])
    assert any("docker run" in step["run"] for step in steps)


def test_gitlab_ci_service_recipe_and_its_wait_step():
    pipeline = yaml.safe_load(_blocks("yaml")[2])
    service = pipeline["test"]["services"][0]
    assert service["alias"] == "mockcml"
    _settings_named(service["variables"])
    wait_step = pipeline["test"]["script"][0]
    code = wait_step.split("<<'EOF'\n", 1)[1].rsplit("EOF", 1)[0]
    with LiveServer() as server:
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ,
                              "CML_URL": server.url}, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr


def test_docker_shell_recipe_is_valid_shell():
    docker_recipe = next(b for b in _blocks("sh") if "docker run -d --rm" in b)
    assert subprocess.run(["sh", "-n"], input=docker_recipe, text=True).returncode == 0


def test_plain_shell_recipe_runs_and_stops_the_server(tmp_path):
    recipe = next(b for b in _blocks("sh") if "mockcml serve >mockcml.log" in b)
    port = str(free_port())
    # The recipe's tests: one real call with the variables it hands them.
    check = (f'{sys.executable} -c "import os, urllib.request as u; '
             "r = u.Request(os.environ['CML_URL'] + '/api/v2/auth/validate_key', data=b'{}', "
             "headers={'authorization': 'Bearer ' + os.environ['CML_API_KEY']}); "
             'u.urlopen(r).read()"')
    script = recipe.replace("8080", port).rstrip().rsplit("pytest", 1)
    script = script[0] + check + script[1]
    bin_dir = Path(shutil.which("mockcml") or Path(sys.executable).parent / "mockcml").parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr + (tmp_path / "mockcml.log").read_text()
    with socket.socket() as sock:  # the trap stopped the server: nothing listens any more
        assert sock.connect_ex(("127.0.0.1", int(port))) != 0


def test_compose_recipe_runs_four_workers_on_postgresql():
    compose = yaml.safe_load(next(b for b in _blocks("yaml") if "services:\n  db:" in b))
    db, mock = compose["services"]["db"], compose["services"]["mockcml"]
    assert db["image"].startswith("postgres") and "pg_isready" in db["healthcheck"]["test"]
    assert mock["depends_on"]["db"]["condition"] == "service_healthy"
    assert mock["command"][:2] == ["mockcml", "serve"]
    args = mock["command"][2:]
    assert args[args.index("--workers") + 1] == "4"
    _settings_named(mock["environment"])
    assert Settings(db=mock["environment"]["MOCKCML_DB"]).url.startswith("postgresql+psycopg")
    assert "/_mock/health" in " ".join(mock["healthcheck"]["test"])
    # The workers flag parses and these settings are accepted for several workers.
    from mockcml import workers
    from mockcml.cli import _parser, _settings

    settings = _settings(_parser().parse_args(["serve", *args, "--db",
                                               mock["environment"]["MOCKCML_DB"]]))
    assert settings.workers == 4 and workers.refusal(settings) is None
