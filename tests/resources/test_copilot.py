"""Copilot models and embedding models (same rules, separate lists) and usage events."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from mockcml.resources.copilot.tables import CopilotEvent
from tests.helpers import assert_envelope, auth, unique

KINDS = {
    "chat": ("/api/v2/copilot/models", "/api/v2/copilot/model", "copilot_models"),
    "embedding": ("/api/v2/copilot/embedding_models", "/api/v2/copilot/embedding_model",
                  "copilot_embedding_models"),
}
FIELDS = {"id", "provider", "name", "endpoint", "enabled", "default", "provider_id"}


def _create(client, kind, **fields):
    base = KINDS[kind][0]
    body = {"provider": "Bedrock", "name": unique("model"),
            "endpoint": "https://llm.example.com/v1", **fields}
    response = client.post(base, headers=auth(), json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _list(client, kind, key="mockcml-admin-key", **params):
    base, _, field = KINDS[kind]
    response = client.get(base, headers=auth(key), params={"page_size": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()[field]


@pytest.mark.parametrize("kind", KINDS)
def test_only_site_admins_change_models_everyone_reads(world, kind):
    base, single, _ = KINDS[kind]
    made = _create(world, kind)
    calls = [("POST", base, {"json": {"provider": "p", "name": "n"}}),
             ("PATCH", f"{base}/{made['id']}", {"json": {"name": "changed"}}),
             ("DELETE", f"{base}/{made['id']}", {})]
    for method, path, kwargs in calls:
        assert_envelope(world.request(method, path, **kwargs), 401, 16)
        assert_envelope(world.request(method, path, headers=auth("alice-key"), **kwargs),
                        403, 7)
    assert _list(world, kind, "alice-key") == [made]
    got = world.get(f"{single}/{made['id']}", headers=auth("alice-key"))
    assert got.status_code == 200 and got.json() == made
    assert_envelope(world.get(f"{single}/{made['id']}"), 401, 16)


@pytest.mark.parametrize("kind", KINDS)
def test_create_get_update_delete(api, kind):
    base, single, _ = KINDS[kind]
    made = _create(api, kind, provider_id="prov-1")
    assert set(made) == FIELDS and made["enabled"] is True and made["default"] is False
    assert api.get(f"{single}/{made['id']}", headers=auth()).json() == made
    changed = api.patch(f"{base}/{made['id']}", headers=auth(), json={"enabled": False})
    assert changed.status_code == 200 and changed.json() == {**made, "enabled": False}
    assert api.delete(f"{base}/{made['id']}", headers=auth()).json() == {}
    assert_envelope(api.get(f"{single}/{made['id']}", headers=auth()), 404, 5)
    assert_envelope(api.delete(f"{base}/{made['id']}", headers=auth()), 404, 5)
    assert_envelope(api.patch(f"{base}/{made['id']}", headers=auth(), json={}), 404, 5)


def test_the_two_kinds_are_separate(api):
    chat = _create(api, "chat")
    assert_envelope(api.get(f"/api/v2/copilot/embedding_model/{chat['id']}", headers=auth()),
                    404, 5)
    assert chat["id"] not in {m["id"] for m in _list(api, "embedding")}
    # The same provider and name may exist once per kind.
    _create(api, "embedding", name=chat["name"])


@pytest.mark.parametrize("body", [
    {}, {"provider": "Bedrock"}, {"name": "x"}, {"provider": " ", "name": "x"},
    {"provider": "p", "name": "x", "endpoint": "not a url"},
    {"provider": "p", "name": "x", "enabled": False, "default": True},
    {"provider": "p", "name": "x", "enabled": "yes"},
])
def test_invalid_input_is_400_and_writes_nothing(api, body):
    before = _list(api, "chat")
    assert_envelope(api.post(KINDS["chat"][0], headers=auth(), json=body), 400, 3)
    assert _list(api, "chat") == before


def test_duplicates_are_409(api):
    made = _create(api, "chat")
    assert_envelope(api.post(KINDS["chat"][0], headers=auth(), json={
        "provider": made["provider"], "name": made["name"]}), 409, 6)
    other = _create(api, "chat")
    assert_envelope(api.patch(f"{KINDS['chat'][0]}/{other['id']}", headers=auth(),
                              json={"name": made["name"]}), 409, 6)


def test_one_default_per_kind_and_filters():
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        first = _create(client, "chat", default=True)
        second = _create(client, "chat", default=True, provider="OpenAI")
        embedding = _create(client, "embedding", default=True)
        defaults = {m["id"]: m["default"] for m in _list(client, "chat")}
        assert defaults == {first["id"]: False, second["id"]: True}
        assert _list(client, "embedding")[0]["default"] is True and embedding
        found = _list(client, "chat", search_filter=json.dumps({"default": "true"}))
        assert [m["id"] for m in found] == [second["id"]]
        ordered = _list(client, "chat", sort="-provider")
        assert [m["provider"] for m in ordered] == ["OpenAI", "Bedrock"]
        assert_envelope(client.get(KINDS["chat"][0], headers=auth(), params={
            "search_filter": '{"default":"maybe"}'}), 400, 3)


def test_events_are_recorded_for_any_user(world):
    url = "/api/v2/copilot/event"
    body = {"event_type": "completion_accepted", "model_name": "m", "prompt_word_count": "42",
            "include_selection": True, "application_id": "7"}
    assert_envelope(world.post(url, json=body), 401, 16)
    assert world.post(url, headers=auth("alice-key"), json=body).json() == {}
    assert_envelope(world.post(url, headers=auth("alice-key"), json={"model_name": "m"}),
                    400, 3)
    assert_envelope(world.post(url, headers=auth("alice-key"),
                               json={"event_type": "x", "prompt_word_count": -1}), 400, 3)
    with world.app.state.mock.db.transaction() as session:
        events = session.execute(select(CopilotEvent)).scalars().all()
    assert [(e.event_type, e.prompt_word_count, e.application_id) for e in events] == [
        ("completion_accepted", 42, 7)]
