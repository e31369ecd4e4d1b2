"""The dashboard's routes in-process: its files, the timeline it draws, its protection."""

from __future__ import annotations

import re
import tomllib

from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.control.ui import STATIC
from mockcml.settings import Settings
from tests.helpers import ROOT, RUNTIME, assert_envelope, auth


def _client(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)


def test_page_and_files_are_served_with_their_types():
    with _client() as client:
        page = client.get("/_mock/ui")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        for ref in re.findall(r'(?:src|href)="(/_mock/ui/[^"]+)"', page.text):
            response = client.get(ref)
            assert response.status_code == 200, ref
        assert client.get("/_mock/ui/dashboard.js").headers["content-type"].startswith(
            "text/javascript")


def test_nothing_outside_the_static_folder_is_served():
    with _client() as client:
        for name in ("..%2F__init__.py", "timeline.py", "nope.css", "%2E%2E%2Fui%2F__init__.py"):
            assert_envelope(client.get(f"/_mock/ui/{name}"), 404, 5)


def test_the_page_needs_nothing_from_the_internet():
    for path in STATIC.iterdir():
        text = path.read_text()
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), path.name
        assert "@import" not in text and "cdn" not in text.lower(), path.name


def test_static_files_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "mockcml/control/ui/static/*" in config["tool"]["hatch"]["build"]["targets"][
        "wheel"]["artifacts"]


def test_timeline_follows_a_run_through_its_phases_on_the_mock_clock():
    with _client() as client:
        client.post("/_mock/clock/freeze")
        pid = client.post("/api/v2/projects", json={"name": "t"}, headers=auth()).json()["id"]
        job = client.post(f"/api/v2/projects/{pid}/jobs", headers=auth(), json={
            "name": "j", "script": "a.py", "runtime_identifier": RUNTIME}).json()
        run = client.post(f"/api/v2/projects/{pid}/jobs/{job['id']}/runs", headers=auth(),
                          json={}).json()
        seen = []
        for by in (0, 1.5, 2, 10):
            if by:
                client.post("/_mock/clock/advance", json={"by": by})
            data = client.get("/_mock/timeline").json()
            item = next(i for i in data["items"] if i["id"] == run["id"])
            assert all(s["start"] <= s["end"] <= data["now"] for s in item["segments"])
            seen.append((item["status"], [s["phase"] for s in item["segments"]]))
    assert seen == [
        ("ENGINE_SCHEDULING", ["scheduling"]),
        ("ENGINE_STARTING", ["scheduling", "starting"]),
        ("ENGINE_RUNNING", ["scheduling", "starting", "running"]),
        ("ENGINE_SUCCEEDED", ["scheduling", "starting", "running"]),
    ]
    assert item == {**item, "kind": "job run", "name": "j", "project": "t"}


def test_timeline_shows_applications_builds_and_deployments_of_the_demo():
    with _client(fixtures=[str(ROOT / "fixtures" / "demo.yaml")]) as client:
        items = client.get("/_mock/timeline").json()["items"]
    kinds = {(i["kind"], i["status"]) for i in items}
    assert ("application", "APPLICATION_RUNNING") in kinds
    assert ("model build", "build failed") in kinds
    assert ("model deployment", "deployed") in kinds
    stopped = next(i for i in items if i["kind"] == "model deployment" and i["status"] == "stopped")
    assert [s["phase"] for s in stopped["segments"]] == ["pending", "deploying", "deployed",
                                                          "stopping"]


def test_page_reads_are_open_and_its_buttons_are_guarded_by_the_token():
    with _client(control_token="sesame") as client:
        assert client.get("/_mock/ui").status_code == 200
        assert client.get("/_mock/timeline").status_code == 200
        # What the page's buttons call.
        for path, body in (("/_mock/clock/advance", {"by": "1m"}), ("/_mock/clock/freeze", None),
                           ("/_mock/clock/scale", {"time_scale": 0})):
            assert_envelope(client.post(path, json=body), 401, 16)
        assert_envelope(client.delete("/_mock/journal"), 401, 16)
