"""mockcml capture, in-process: what it reads, what it writes, and how it behaves."""

from __future__ import annotations

import ssl
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import yaml

from mockcml.capture import capture
from mockcml.capture.client import HttpSource, SourceError, retry_after
from mockcml.capture.reader import Options
from mockcml.capture.writer import dump, write
from mockcml.fixtures import check
from mockcml.settings import Settings
from tests.capture.conftest import ROOT, serve, source
from tests.capture.walk import answers, differences

REAL_KEYS = ("mockcml-admin-key", "alice-key", "alice-app-key", "bob-key", "carol-key",
             "dave-key", "erin-key", "mallory-key", "mallory-expired-key")


def _capture(client, tmp_path, **options):  # noqa: ANN001, ANN202
    result = capture(source(client), Options(**options), files_dir="scenario.files")
    path = tmp_path / "scenario.yaml"
    write(path, result.scenario, "captured in a test", result.binaries)
    return result, path


def test_capture_of_the_demo_serves_the_same_answers(demo, tmp_path):
    result, path = _capture(demo, tmp_path, files=True)
    scenario, problems = check([str(path)], Settings(), datetime.now(UTC).timestamp())
    assert problems == []
    before = {who: answers(demo, key) for who, key in (("admin", "mockcml-admin-key"),
                                                         ("alice", "alice-key"),
                                                         ("mallory", "mallory-key"))}
    with serve(str(path)) as replay:
        replay.post("/_mock/clock/freeze")
        for who, answered in before.items():
            again = answers(replay, f"{who}-placeholder-key")
            assert differences(answered, again) == [], who
    # Ids the format can carry survive (they are compared above); spot-check a few.
    projects = {p["name"]: p for p in result.scenario["projects"]}
    assert projects["churn-model"]["jobs"][0]["runs"][-1]["status"] == "running"
    assert [u["username"] for u in result.scenario["users"]] == [
        "admin", "alice", "bob", "carol", "dave", "erin", "mallory"]  # ids 1..7 kept


def test_capture_never_writes_a_real_key(demo, tmp_path):
    result, path = _capture(demo, tmp_path)
    text = path.read_text()
    for key in REAL_KEYS:
        assert f" {key}\n" not in text and f"key: {key}\n" not in text
    users = {u["username"]: u for u in result.scenario["users"]}
    assert users["admin"]["admin"] is True  # the capturing admin stays one
    assert "admin" not in users["alice"]
    # alice has two keys, one of them for applications too: both come back as placeholders.
    assert users["alice"]["api_keys"][0] == "alice-placeholder-key"
    assert users["alice"]["api_keys"][1]["audiences"] == ["API", "Application"]


def test_a_non_admin_captures_what_it_sees_and_is_not_made_admin(demo, tmp_path):
    result = capture(source(demo, key="mallory-key"), Options())
    names = sorted(p["name"] for p in result.scenario["projects"])
    # Mallory's own project and the public and organization ones; never others' private ones.
    assert {"mallory-notes", "nightly-reports", "etl-pipeline"} <= set(names)
    assert "churn-model" not in names and "carol-scratch" not in names
    users = {u["username"]: u for u in result.scenario["users"]}
    assert not any(u.get("admin") for u in users.values())
    # Not allowed to list other users' keys: one placeholder each, and the summary says so.
    assert users["alice"]["api_keys"] == ["alice-placeholder-key"]
    assert any("key details of" in s for s in result.skipped)
    path = tmp_path / "mallory.yaml"
    write(path, result.scenario)
    assert check([str(path)], Settings(), datetime.now(UTC).timestamp())[1] == []


def test_project_globs_and_run_limit(demo, tmp_path):
    result, _ = _capture(demo, tmp_path, projects=["churn-*", "bob/nightly-reports"], runs=1)
    names = [p["name"] for p in result.scenario["projects"]]
    assert sorted(names) == ["churn-model", "nightly-reports"]
    for project in result.scenario["projects"]:
        for job in project.get("jobs", ()):
            assert len(job.get("runs", ())) <= 1
    # The registry's version names a run of churn-model, which was captured.
    assert result.scenario["registry"][0]["versions"][0]["run"] == "gbm-depth-6"
    assert any("not matching --project" in line for line in result.summary())


def test_a_version_whose_project_is_left_out_is_skipped_and_said(demo, tmp_path):
    result, path = _capture(demo, tmp_path, projects=["etl-pipeline"])
    assert "versions" not in result.scenario["registry"][0]
    assert any("version 1 of registered model churn-classifier" in s for s in result.skipped)
    assert check([str(path)], Settings(), datetime.now(UTC).timestamp())[1] == []


def test_file_contents_only_with_files_and_under_the_limit(demo, tmp_path):
    listing_only, _ = _capture(demo, tmp_path, projects=["churn-model"])
    files = {f["path"]: f for f in listing_only.scenario["projects"][0]["files"]}
    assert files["train.py"] == {"path": "train.py", "content": ""}
    assert "data/" in files
    small, _ = _capture(demo, tmp_path, projects=["churn-model"], files=True, max_file_bytes=100)
    files = {f["path"]: f for f in small.scenario["projects"][0]["files"]}
    assert files["predict.py"]["content"].startswith("def predict")
    assert files["notebooks/explore.ipynb"]["content"] == ""  # over 100 bytes
    assert any("notebooks/explore.ipynb" in s and "--max-file-bytes" in s for s in small.skipped)


def test_binary_contents_become_source_files(tmp_path):
    with serve(time_scale=0) as client:
        headers = {"authorization": "Bearer mockcml-admin-key"}
        pid = client.post("/api/v2/projects", json={"name": "bin"}, headers=headers).json()["id"]
        blob = bytes(range(256))
        response = client.post(f"/api/v2/projects/{pid}/files",
                               files={"model/weights.bin": ("w", blob)}, headers=headers)
        assert response.status_code == 200, response.text
        result, path = _capture(client, tmp_path, files=True)
    entry = next(f for f in result.scenario["projects"][0]["files"] if "weights" in f["path"])
    assert entry["source"] == f"scenario.files/{pid}/model/weights.bin"
    assert (tmp_path / entry["source"]).read_bytes() == blob
    assert check([str(path)], Settings(), datetime.now(UTC).timestamp())[1] == []


def test_503s_are_retried_with_the_servers_retry_after(demo):
    fault = {"operation_id": "ListJobs", "status": 503, "count": 3, "retry_after": 7}
    assert demo.post("/_mock/faults", json=fault).status_code == 200
    waits: list[float] = []
    src = source(demo, sleep=waits.append)
    result = capture(src, Options(projects=["etl-pipeline"]))
    assert waits == [7.0, 7.0, 7.0]
    assert src.stats.retries == 3 and src.stats.by_status[503] == 3
    assert len(result.scenario["projects"][0]["jobs"]) == 3  # the capture went on


def test_429_without_retry_after_backs_off_exponentially_then_gives_up(demo):
    fault = {"operation_id": "ListRuntimes", "status": 429, "count": 10}
    assert demo.post("/_mock/faults", json=fault).status_code == 200
    waits: list[float] = []
    src = source(demo, sleep=waits.append, retries=3, backoff=0.5)
    with pytest.raises(SourceError) as raised:
        capture(src, Options())
    assert raised.value.status == 429
    assert waits == [0.5, 1.0, 2.0]


def test_other_errors_are_not_retried_and_are_reported(demo):
    fault = {"operation_id": "ListModels", "status": 500, "count": 100}
    assert demo.post("/_mock/faults", json=fault).status_code == 200
    waits: list[float] = []
    result = capture(source(demo, sleep=waits.append), Options(projects=["churn-model"]))
    assert waits == []
    assert any(s.startswith("models of alice/churn-model: HTTP 500") for s in result.skipped)


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after("3", 0) == 3.0
    assert retry_after("junk", 0) is None
    assert retry_after(None, 0) is None
    when = datetime(2030, 1, 1, tzinfo=UTC)
    assert retry_after(format_datetime(when, usegmt=True), when.timestamp() - 5) == 5.0


def test_lists_are_followed_page_by_page(demo):
    src = source(demo)
    pages = list(src.pages("/api/v2/projects", "projects", {"include_all_projects": "true"}))
    assert len(pages) == 14
    # Ten more projects than a page: the client must follow the tokens.
    headers = {"authorization": "Bearer mockcml-admin-key"}
    for n in range(100):
        demo.post("/api/v2/projects", json={"name": f"p{n:03d}"}, headers=headers)
    assert len(list(src.pages("/api/v2/projects", "projects",
                              {"include_all_projects": "true"}))) == 114


def test_ca_bundle_is_what_httpx_trusts(tmp_path):
    cert = tmp_path / "ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=mockcml test CA", "-keyout", str(tmp_path / "k.pem"),
                    "-out", str(cert)], check=True, capture_output=True)
    with HttpSource("https://ml.example.invalid", "k", ca_bundle=str(cert)) as src:
        context = src.client._transport._pool._ssl_context
        assert isinstance(context, ssl.SSLContext)
        subjects = [dict(x[0] for x in c["subject"]) for c in context.get_ca_certs()]
        assert subjects == [{"commonName": "mockcml test CA"}]  # only the bundle


def test_a_proxy_setting_reaches_httpx():
    with HttpSource("https://ml.example.invalid", "k", proxy="http://127.0.0.1:3128") as src:
        mounts = {str(pattern.pattern): t for pattern, t in src.client._mounts.items()}
        proxy = mounts["all://"]._pool._proxy_url
        assert (proxy.host, proxy.port) == (b"127.0.0.1", 3128)


def test_cli_refuses_a_missing_ca_bundle(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mockcml", "capture", "--url", "https://x.invalid",
                           "--key", "k", "--ca-bundle", str(tmp_path / "none.pem"), "-o",
                           str(tmp_path / "out.yaml")], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "no CA bundle" in done.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_written_yaml_keeps_text_readable():
    text = dump({"files": [{"path": "a.py", "content": "print(1)\nprint(2)\n"}]}, "a header")
    assert text.startswith("# a header\n")
    assert "content: |\n" in text
    assert yaml.safe_load(text)["files"][0]["content"] == "print(1)\nprint(2)\n"


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_is_drawn_on_a_terminal_only(demo):
    from mockcml.capture.command import Progress

    for tty in (True, False):
        stream = _Terminal(tty)
        progress = Progress(stream)
        capture(source(demo), Options(projects=["sandbox"]), progress=progress)
        progress.done()
        if tty:
            assert "\rcapturing [" in stream.text and "project 1/1: sandbox" in stream.text
            assert stream.text.endswith("\r")  # the line is wiped before the summary
        else:
            assert stream.text == ""


def test_cli_exits_1_and_says_why_when_the_workspace_cannot_be_reached(tmp_path, capsys):
    from mockcml.cli import main

    out = tmp_path / "x.yaml"
    code = main(["capture", "--url", "http://127.0.0.1:9", "--key", "k", "--retries", "0",
                 "-o", str(out)])
    assert code == 1
    assert "ConnectError" in capsys.readouterr().err
    assert not out.exists()


def test_a_run_that_failed_before_running_still_makes_a_valid_scenario(tmp_path):
    from mockcml.capture.reader import Workspace
    from mockcml.capture.scenario import Converter

    job = {"id": "j1", "name": "j", "script": "a.py", "creator": {"username": "u"},
           "_runs": [
               {"id": "r1", "status": "ENGINE_FAILED", "created_at": "2026-01-01T00:00:00Z",
                "starting_at": "2026-01-01T00:00:01Z", "finished_at": "2026-01-01T00:00:02Z"},
               {"id": "r2", "status": "ENGINE_FAILED", "created_at": "2026-01-01T00:00:00Z",
                "finished_at": "2026-01-01T00:00:05Z"}]}
    project = {"id": "p1", "name": "p", "owner": {"username": "u"},
               "default_engine_type": "legacy_engine", "_jobs": [job]}
    ws = Workspace(now=datetime(2026, 2, 1, tzinfo=UTC).timestamp(),
                   users=[{"id": 1, "username": "u", "name": "u", "email": ""}],
                   projects=[project])
    scenario = Converter(ws).scenario()
    runs = scenario["projects"][0]["jobs"][0]["runs"]
    assert runs[0] == {"id": "r1", "status": "failed", "created_at": "2026-01-01T00:00:00Z",
                       "scheduling": 1, "starting": 1, "running": 0}
    assert runs[1]["scheduling"] == 5
    path = tmp_path / "s.yaml"
    write(path, scenario)
    assert check([str(path)], Settings(), datetime.now(UTC).timestamp())[1] == []


def test_an_html_answer_is_an_error_that_says_so():
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>sign in</html>", headers={"content-type": "text/html"})

    with HttpSource("https://ml.example.invalid", "k", transport=httpx.MockTransport(handler)) as src:
        with pytest.raises(SourceError, match="expected JSON, got text/html"):
            src.get("/api/v2/runtimes")


def test_the_header_never_carries_credentials_of_the_url():
    from mockcml.capture.command import _without_credentials

    assert _without_credentials("https://u:p@ml.example.com:8443/x") == "https://ml.example.com:8443/x"
    assert _without_credentials("https://ml.example.com") == "https://ml.example.com"
