"""Runtime repos: site administration, unique names and URLs, paging like every list."""

from __future__ import annotations

import json

import pytest

from tests.helpers import assert_envelope, auth, unique

BASE = "/api/v2/runtimerepos"


def _create(client, name=None, url=None):
    name = name or unique("repo")
    body = {"name": name, "url": url or f"https://repos.example.com/{name}.json"}
    response = client.post(BASE, headers=auth(), json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("call", [
    ("GET", BASE, {}), ("POST", BASE, {"json": {"name": "x", "url": "https://e.com/x"}}),
    ("PATCH", f"{BASE}/1", {"json": {"name": "y"}}), ("DELETE", f"{BASE}/1", {}),
])
def test_site_admin_only(world, call):
    method, path, kwargs = call
    assert_envelope(world.request(method, path, **kwargs), 401, 16)
    assert_envelope(world.request(method, path, headers=auth("alice-key"), **kwargs), 403, 7)
    assert world.get(BASE, headers=auth()).json()["runtimerepos"] == []


def test_create_update_list_delete(api):
    repo = _create(api)
    assert set(repo) == {"id", "name", "url"} and isinstance(repo["id"], int)
    renamed = unique("renamed")
    changed = api.patch(f"{BASE}/{repo['id']}", headers=auth(), json={"name": renamed})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**repo, "name": renamed}  # the URL was not sent: it stays
    listed = api.get(BASE, headers=auth(), params={
        "search_filter": json.dumps({"name": renamed})}).json()["runtimerepos"]
    assert listed == [changed.json()]
    assert api.delete(f"{BASE}/{repo['id']}", headers=auth()).json() == {}
    assert_envelope(api.delete(f"{BASE}/{repo['id']}", headers=auth()), 404, 5)
    assert_envelope(api.patch(f"{BASE}/{repo['id']}", headers=auth(), json={"name": "z"}),
                    404, 5)


@pytest.mark.parametrize("body", [
    {}, {"name": "n"}, {"url": "https://e.com/r"}, {"name": " ", "url": "https://e.com/r"},
    {"name": "n", "url": "ftp://e.com/r"}, {"name": "n", "url": "not a url"},
    {"name": 5, "url": "x"},
])
def test_invalid_input_is_400_and_writes_nothing(api, body):
    before = api.get(BASE, headers=auth(), params={"page_size": 1000}).json()
    assert_envelope(api.post(BASE, headers=auth(), json=body), 400, 3)
    assert api.get(BASE, headers=auth(), params={"page_size": 1000}).json() == before


def test_an_unknown_field_is_ignored(api):
    # Not a field of RuntimeRepo: dropped, as grpc-gateway drops it.
    name = unique("repo")
    created = api.post(BASE, headers=auth(), json={
        "name": name, "url": f"https://e.com/{name}.json", "colour": "red"})
    assert created.status_code == 200, created.text
    assert set(created.json()) == {"id", "name", "url"} and created.json()["name"] == name


def test_names_and_urls_are_unique(api):
    first, second = _create(api), _create(api)
    assert_envelope(api.post(BASE, headers=auth(), json={
        "name": first["name"], "url": "https://e.com/other.json"}), 409, 6)
    assert_envelope(api.post(BASE, headers=auth(), json={
        "name": unique("n"), "url": first["url"]}), 409, 6)
    # An update that collides changes nothing, not even the fields that did not collide.
    clash = api.patch(f"{BASE}/{second['id']}", headers=auth(),
                      json={"url": "https://e.com/fresh.json", "name": first["name"]})
    assert_envelope(clash, 409, 6)
    again = api.get(BASE, headers=auth(), params={
        "search_filter": json.dumps({"name": second["name"]})}).json()["runtimerepos"]
    assert again == [second]
    assert_envelope(api.patch(f"{BASE}/abc", headers=auth(), json={}), 400, 3)


def test_paging_and_sorting():
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        made = [_create(client, name=f"repo-{i}") for i in range(5)]
        seen, token = [], ""
        while True:
            body = client.get(BASE, headers=auth(), params={
                "page_size": 2, "sort": "-name", **({"page_token": token} if token else {})}
            ).json()
            seen += [r["name"] for r in body["runtimerepos"]]
            token = body["next_page_token"]
            if not token:
                break
        assert seen == sorted((r["name"] for r in made), reverse=True)
        assert_envelope(client.get(BASE, headers=auth(), params={"sort": "size"}), 400, 3)
        assert_envelope(client.get(BASE, headers=auth(), params={
            "search_filter": '{"owner":"x"}'}), 400, 3)
