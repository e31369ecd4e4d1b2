"""ListRuntimes: runtimes seeded from fixtures, listed with paging, filters and sorting."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.settings import Settings
from tests.helpers import assert_envelope

REPO = "docker.repository.cloudera.com/cloudera/cdsw/"
IMAGES = [
    REPO + "ml-runtime-workbench-python3.10-standard:2023.08.2-b8",
    REPO + "ml-runtime-jupyterlab-python3.11-standard:2024.10.1-b12",
    REPO + "ml-runtime-pbj-workbench-python3.11-cuda:2024.10.1-b12",
    REPO + "ml-runtime-workbench-r4.3-standard:2024.02.1-b4",
    REPO + "ml-runtime-workbench-python3.7-standard:2022.04.1-b6",
]
FIXTURE = "users: [{username: u, api_keys: [u-key]}]\nruntimes:\n" + "".join(
    f"  - {{image_identifier: {image}}}\n" for image in IMAGES
) + "  - {image_identifier: zz.example/old:1, status: DEPRECATED, description: retired}\n"
URL = "/api/v2/runtimes"
KEY = {"authorization": "Bearer u-key"}


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    path = tmp_path / "runtimes.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    app = create_app(Settings(fixtures=[str(path)], time_scale=0))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _list(client, **params) -> dict:
    response = client.get(URL, headers=KEY, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_needs_an_api_key(client):
    assert_envelope(client.get(URL), 401, 16)
    assert_envelope(client.get(URL, headers={"authorization": "Bearer nope"}), 401, 16)


def test_fields(client):
    runtimes = {r["image_identifier"]: r for r in _list(client, page_size=100)["runtimes"]}
    assert set(runtimes) == set(IMAGES) | {"zz.example/old:1"}
    gpu = runtimes[IMAGES[2]]
    assert gpu == {"image_identifier": IMAGES[2], "editor": "PBJ Workbench",
                   "kernel": "Python 3.11", "edition": "Nvidia GPU",
                   "description": "Nvidia GPU edition Python runtime",
                   "full_version": "2024.10.1-b12", "status": "ENABLED", "register_user_id": 0}
    assert runtimes["zz.example/old:1"]["status"] == "DEPRECATED"


def test_paging(client):
    seen, token, pages = [], None, 0
    while True:
        params = {"page_size": 4, **({"page_token": token} if token else {})}
        page = _list(client, **params)
        seen += [r["image_identifier"] for r in page["runtimes"]]
        pages += 1
        token = page["next_page_token"]
        if not token:
            break
    assert pages == 2 and len(seen) == 6 and len(set(seen)) == 6
    assert len(_list(client)["runtimes"]) == 6  # default page size 10


def test_filters(client):
    def images(**search):
        return {r["image_identifier"] for r in _list(client, search_filter=json.dumps(search),
                                                       page_size=100)["runtimes"]}

    assert images(kernel="R 4.3") == {IMAGES[3]}
    assert images(kernel="Python") == {IMAGES[0], IMAGES[1], IMAGES[2], IMAGES[4]}
    assert images(kernel="python") == set()  # case-sensitive substrings
    assert images(editor="JupyterLab") == {IMAGES[1]}
    assert images(edition="Nvidia") == {IMAGES[2]}
    assert images(full_version="2024.10") == {IMAGES[1], IMAGES[2]}
    assert images(description="retired") == {"zz.example/old:1"}
    assert images(image_identifier="r4.3", editor="Workbench") == {IMAGES[3]}


def test_unknown_filter_key_is_rejected(client):
    response = client.get(URL, headers=KEY, params={"search_filter": '{"colour":"red"}'})
    assert_envelope(response, 400, 3)


def test_sorting(client):
    def order(sort):
        return [r["full_version"] for r in _list(client, sort=sort, page_size=100)["runtimes"]]

    assert order("full_version") == sorted(order("full_version"))
    assert order("-full_version") == sorted(order("full_version"), reverse=True)
    kernels = [r["kernel"] for r in _list(client, sort="kernel,-full_version",
                                          page_size=100)["runtimes"]]
    assert kernels == sorted(kernels)
    assert_envelope(client.get(URL, headers=KEY, params={"sort": "status"}), 400, 3)


def test_sorted_paging_is_stable(client):
    first = _list(client, sort="-editor", page_size=3)
    second = _list(client, sort="-editor", page_size=3, page_token=first["next_page_token"])
    editors = [r["editor"] for r in first["runtimes"] + second["runtimes"]]
    assert editors == sorted(editors, reverse=True)
    assert len({r["image_identifier"] for r in first["runtimes"] + second["runtimes"]}) == 6


def test_without_fixtures_there_are_no_runtimes():
    with TestClient(create_app(Settings(time_scale=0))) as c:
        response = c.get(URL, headers={"authorization": "Bearer mockcml-admin-key"})
        assert response.json() == {"runtimes": [], "next_page_token": ""}
