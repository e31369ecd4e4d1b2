"""A key without the API audience cannot use the API (issue 19, item 4).

It answers 403 (code 7) on every operation except ValidateAPIKey, which an application
uses to check a key it was given, and nothing is written.
"""

from __future__ import annotations

from tests.helpers import assert_envelope, auth, unique


def _key(api, audiences: list[str]) -> dict:
    response = api.post("/api/v2/users/admin/v2_keys", json={"audiences": audiences},
                        headers=auth())
    assert response.status_code == 200, response.text
    return response.json()


def _drop(api, key: dict) -> None:
    api.delete(f"/api/v2/users/admin/v2_keys/{key['key_id']}", headers=auth())


def test_application_only_key_is_refused_on_the_api(api):
    key = _key(api, ["Application"])
    try:
        name = unique("aud")
        body = assert_envelope(api.post("/api/v2/projects", json={"name": name},
                                        headers=auth(key["api_key"])), 403, 7)
        assert "audience" in body["message"]
        listed = api.get("/api/v2/projects", headers=auth(),
                         params={"search_filter": f'{{"name": "{name}"}}'}).json()
        assert listed["projects"] == []
        for method, path in (("GET", "/api/v2/projects"), ("GET", "/api/v2/runtimes"),
                             ("GET", "/api/v2/users/admin/v2_keys"),
                             ("DELETE", f"/api/v2/users/admin/v2_keys/{key['key_id']}")):
            assert_envelope(api.request(method, path, headers=auth(key["api_key"])), 403, 7)
        # ValidateAPIKey answers for the key's own audience, and refuses the other one.
        ok = api.post("/api/v2/auth/validate_key", json={"audience": "Application"},
                      headers=auth(key["api_key"]))
        assert ok.status_code == 200 and ok.json()["username"] == "admin"
        assert_envelope(api.post("/api/v2/auth/validate_key", json={"audience": "API"},
                                 headers=auth(key["api_key"])), 403, 7)
    finally:
        _drop(api, key)


def test_keys_with_the_api_audience_work(api):
    for audiences in (["API"], ["Application", "API"]):
        key = _key(api, audiences)
        try:
            assert api.get("/api/v2/projects", headers=auth(key["api_key"])).status_code == 200
        finally:
            _drop(api, key)


def test_an_unknown_key_is_still_401_before_audiences(api):
    assert_envelope(api.get("/api/v2/projects", headers=auth("nope")), 401, 16)
