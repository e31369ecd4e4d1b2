"""What a user of a workspace does: ``pip install http://HOST/api/v2/python.tar.gz`` into a
fresh virtual environment, then drive the server with nothing but ``cmlapi``.

The virtual environment is made once for the module (pip may fetch urllib3, six and
python-dateutil from the package index).  Each scenario runs as a script in that
environment's interpreter, isolated from this repository.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockcml.core.contract import load_contract
from mockcml.sdk_docs import model_class, snake_case
from tests.helpers import ADMIN_KEY, LiveServer, auth
from tests.sdk import REFERENCE

pytestmark = pytest.mark.live

RUNTIME = ("docker.repository.cloudera.com/cloudera/cdsw/"
           "ml-runtime-pbj-jupyterlab-python3.11-standard:2025.01.1-b8")


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(env={"MOCKCML_TIME_SCALE": "0.01"}) as live:
        yield live


@pytest.fixture(scope="module")
def venv_python(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cmlapi-venv")
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=120)
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"{server.url}/api/v2/python.tar.gz"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return python


def run_sdk(python: Path, server: LiveServer, script: str, *args: str) -> str:
    """Run ``script`` in the SDK's environment, configured the way a workspace session is."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "CDSW_", "VIRTUAL_ENV"))
    }
    env.update(CDSW_API_URL=f"{server.url}/api/v1", CDSW_APIV2_KEY=ADMIN_KEY)
    result = subprocess.run(
        [str(python), "-I", "-c", textwrap.dedent(script), *args],
        capture_output=True, text=True, env=env, cwd=python.parent, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _unimplemented_operation(server: LiveServer) -> str | None:
    """An operation without path parameters that the server still answers with 501."""
    with server.client() as client:
        for op in load_contract().operations:
            if op.method == "GET" and not op.path_params:
                response = client.get(op.route, headers=auth())
                if response.status_code == 501:
                    return snake_case(op.operation_id)
    return None


def test_the_tarball_and_the_page_need_no_authorization(server: LiveServer) -> None:
    tarball = httpx.get(f"{server.url}/api/v2/python.tar.gz", timeout=30)
    assert tarball.status_code == 200
    assert tarball.headers["content-type"] == "application/gzip"
    assert 'filename="cmlapi-' in tarball.headers["content-disposition"]
    with tarfile.open(fileobj=io.BytesIO(tarball.content)) as tar:
        info = next(m for m in tar.getmembers() if m.name.endswith("/PKG-INFO"))
        assert "Name: cmlapi" in tar.extractfile(info).read().decode()
    assert httpx.get(f"{server.url}/api/v2/python.tar.gz", timeout=30).content == tarball.content

    page = httpx.get(f"{server.url}/api/v2/python.html", timeout=30)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


def test_the_page_documents_every_method_and_model(server: LiveServer) -> None:
    page = httpx.get(f"{server.url}/api/v2/python.html", timeout=30).text
    assert f"pip install {server.url}/api/v2/python.tar.gz" in page
    # nothing is loaded from elsewhere: the page works offline
    assert "<script" not in page and "<link" not in page and " src=" not in page
    for op in load_contract().operations:
        name = snake_case(op.operation_id)
        assert f'id="method-{name}"' in page, name
        assert f"<code>{op.path}</code>" in page, op.path
    assert "create_job_run(body, project_id, job_id) → " in page
    if REFERENCE.is_file():
        for op in json.loads(REFERENCE.read_text(encoding="utf-8"))["operations"]:
            assert f'id="method-{op["sdk_method"]}"' in page
    for name, schema in load_contract().definitions.items():
        if schema.get("properties"):
            assert f'id="model-{model_class(name)}"' in page, name
            for field in schema["properties"]:
                assert f"<td><code>{field}</code></td>" in page


def test_the_installed_sdk_validates_its_key_and_reports_errors(
    server: LiveServer, venv_python: Path
) -> None:
    missing = _unimplemented_operation(server) or ""
    out = run_sdk(venv_python, server, """
        import json, sys
        import cmlapi
        from cmlapi.rest import ApiException

        assert "site-packages" in cmlapi.__file__, cmlapi.__file__
        client = cmlapi.default_client()
        answer = client.validate_api_key(cmlapi.ValidateAPIKeyRequest(audience="API"))
        assert isinstance(answer, cmlapi.ValidateAPIKeyResponse), type(answer)
        assert answer.valid is True and answer.username == "admin", answer.to_dict()
        assert client.validate_api_key({"audience": "API"}).username == "admin"

        stranger = cmlapi.default_client(sys.argv[1], "not-a-key")
        try:
            stranger.validate_api_key({"audience": "API"})
            raise SystemExit("a wrong key was accepted")
        except ApiException as error:
            assert error.status in (401, 403), error.status

        missing = sys.argv[2]
        if missing:
            try:
                getattr(client, missing)()
                raise SystemExit(missing + " answered")
            except ApiException as error:
                assert error.status == 501 and error.reason == "Not Implemented", error
                assert json.loads(error.body)["code"] == 12, error.body
        print("ok", answer.username)
    """, server.url, missing)
    assert out.strip() == "ok admin"


def _unimplemented_lists(server: LiveServer) -> list[str]:
    probes = {
        "ListProjects": "/api/v2/projects?page_size=1",
        "ListJobs": "/api/v2/projects/none/jobs",
        "ListJobRuns": "/api/v2/projects/none/jobs/none/runs",
    }
    with server.client() as client:
        return [op for op, path in probes.items()
                if client.get(path, headers=auth()).status_code == 501]


@pytest.fixture
def projects_jobs_runs(server: LiveServer) -> None:
    """Skip (at run time) while the server answers 501 for the projects/jobs/runs lists."""
    missing = _unimplemented_lists(server)
    if missing:
        pytest.skip(f"mockcml does not implement {', '.join(missing)} yet (HTTP 501)")


@pytest.mark.usefixtures("projects_jobs_runs")
def test_projects_jobs_and_runs_through_the_installed_sdk(
    server: LiveServer, venv_python: Path
) -> None:
    out = run_sdk(venv_python, server, """
        import json, sys, time
        import cmlapi
        from cmlapi.rest import ApiException

        prefix, runtime = sys.argv[1], sys.argv[2]
        client = cmlapi.default_client()
        created = [client.create_project(cmlapi.CreateProjectRequest(name=f"{prefix}-{i}"))
                   for i in range(3)]
        assert all(isinstance(p, cmlapi.Project) and p.id for p in created)
        mine = json.dumps({"name": prefix})

        first = client.list_projects(page_size=2, search_filter=mine)
        assert len(first.projects) == 2 and first.next_page_token, first
        second = client.list_projects(page_size=2, search_filter=mine,
                                      page_token=first.next_page_token)
        assert len(second.projects) == 1 and not second.next_page_token, second
        seen = {p.id for p in first.projects + second.projects}
        assert seen == {p.id for p in created}

        everything = list(cmlapi.utils.Cursor(client.list_projects, page_size=1,
                                              search_filter=mine))
        assert sorted(p.name for p in everything) == sorted(p.name for p in created)
        assert len({p.id for p in cmlapi.utils.Cursor(client.list_projects)}) >= 3

        project = created[0].id
        job = client.create_job(cmlapi.CreateJobRequest(
            name="sdk-job", script="main.py", runtime_identifier=runtime), project)
        assert isinstance(job, cmlapi.Job) and job.id and job.script == "main.py"

        def wait(run, want, seconds=30):
            deadline = time.monotonic() + seconds
            while run.status != want:
                assert time.monotonic() < deadline, run.to_dict()
                assert run.status not in {"ENGINE_FAILED", "ENGINE_TIMEDOUT"} - {want}, run
                time.sleep(0.05)
                run = client.get_job_run(project, job.id, run.id)
            return run

        run = client.create_job_run({}, project, job.id)
        assert isinstance(run, cmlapi.JobRun) and run.id
        run = wait(run, "ENGINE_SUCCEEDED")
        latest = client.list_job_runs(project, job.id, sort="-created_at", page_size=1)
        assert [r.id for r in latest.job_runs] == [run.id]

        long_run = client.create_job_run(
            cmlapi.CreateJobRunRequest(environment={"MOCKCML_DURATION": "100000"}),
            project, job.id)
        stopping = client.stop_job_run(project, job.id, long_run.id)
        assert stopping.status in ("ENGINE_STOPPING", "ENGINE_STOPPED"), stopping
        wait(stopping, "ENGINE_STOPPED")

        try:
            client.get_job(project, "no-such-job")
            raise SystemExit("a missing job was found")
        except ApiException as error:
            assert error.status == 404, error
            assert json.loads(error.body)["code"] == 5, error.body
        print("ok")
    """, f"sdk-{uuid.uuid4().hex[:8]}", RUNTIME)
    assert out.strip() == "ok"
