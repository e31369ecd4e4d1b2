"""Projects: CRUD, fields, pagination, search_filter and sort."""

from __future__ import annotations

import json

from tests.helpers import assert_envelope, auth, make_project, unique


class TestUnauthenticated:
    def test_list_without_key(self, api):
        assert_envelope(api.get("/api/v2/projects"), 401, 16)


class TestCreateAndGet:
    def test_fields_and_types(self, api):
        project = make_project(api, description="d", environment={"A": "1"}, visibility="public")
        assert set(project) == {
            "id", "name", "owner", "creator", "description", "visibility", "default_engine_type",
            "created_at", "updated_at", "creation_status", "permissions", "shared_memory_limit",
            "environment", "ephemeral_storage_request", "ephemeral_storage_limit", "slug",
        }
        assert project["environment"] == '{"A":"1"}'  # a JSON string, not a map
        assert json.loads(project["environment"]) == {"A": "1"}
        assert project["visibility"] == "public"
        assert project["owner"]["username"] == "admin" == project["creator"]["username"]
        assert project["created_at"].endswith("Z")
        assert project["shared_memory_limit"] == 64
        assert project["default_engine_type"] == "ml_runtime"
        assert project["creation_status"] == "success"
        assert project["permissions"]["admin"] is True
        got = api.get(f"/api/v2/projects/{project['id']}", headers=auth())
        assert got.status_code == 200 and got.json() == project

    def test_defaults(self, api):
        project = make_project(api)
        assert project["visibility"] == "private"
        assert project["environment"] == "{}"

    def test_missing_name_is_400(self, api):
        assert_envelope(api.post("/api/v2/projects", json={}, headers=auth()), 400, 3)

    def test_bad_visibility_is_400(self, api):
        response = api.post("/api/v2/projects", json={"name": unique("p"), "visibility": "secret"},
                            headers=auth())
        assert_envelope(response, 400, 3)

    def test_duplicate_name_is_409_code_6(self, api):
        project = make_project(api)
        response = api.post("/api/v2/projects", json={"name": project["name"]}, headers=auth())
        assert_envelope(response, 409, 6)

    def test_get_missing_is_404(self, api):
        assert_envelope(api.get("/api/v2/projects/none-such", headers=auth()), 404, 5)


class TestUpdate:
    def test_patch_changes_only_sent_fields(self, api):
        project = make_project(api, description="before", environment={"K": "v"})
        response = api.patch(f"/api/v2/projects/{project['id']}", json={"description": "after"},
                             headers=auth())
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["description"] == "after"
        assert updated["name"] == project["name"] and updated["environment"] == '{"K":"v"}'
        assert updated["updated_at"] >= project["updated_at"]

    def test_patch_environment_takes_the_json_string(self, api):
        project = make_project(api)
        response = api.patch(f"/api/v2/projects/{project['id']}",
                             json={"environment": '{"X":"y"}'}, headers=auth())
        assert response.json()["environment"] == '{"X":"y"}'

    def test_patch_bad_environment_is_400(self, api):
        project = make_project(api)
        response = api.patch(f"/api/v2/projects/{project['id']}",
                             json={"environment": "not json"}, headers=auth())
        assert_envelope(response, 400, 3)

    def test_patch_missing_is_404(self, api):
        assert_envelope(api.patch("/api/v2/projects/nope", json={"name": "x"}, headers=auth()),
                        404, 5)


class TestDelete:
    def test_delete_removes_jobs_and_runs(self, api):
        from tests.helpers import make_job

        project = make_project(api)
        job = make_job(api, project["id"])
        run = api.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", headers=auth())
        assert run.status_code == 200
        assert api.delete(f"/api/v2/projects/{project['id']}", headers=auth()).json() == {}
        assert_envelope(api.get(f"/api/v2/projects/{project['id']}", headers=auth()), 404, 5)
        all_jobs = api.get("/api/v2/jobs", headers=auth(), params={"page_size": 100000}).json()
        assert job["id"] not in [j["id"] for j in all_jobs["jobs"]]


class TestListing:
    def _seed(self, api, count=25):
        tag = unique("page")
        return tag, [make_project(api, name=f"{tag}-{i:02d}")["id"] for i in range(count)]

    def _all_pages(self, api, params):
        seen, token, pages = [], None, 0
        while True:
            query = dict(params, **({"page_token": token} if token else {}))
            body = api.get("/api/v2/projects", params=query, headers=auth()).json()
            seen += [p["name"] for p in body["projects"]]
            pages += 1
            token = body.get("next_page_token")
            if not token:
                return seen, pages

    def test_default_page_size_is_10_and_pages_cover_everything(self, api):
        tag, _ = self._seed(api)
        flt = json.dumps({"name": tag})
        first = api.get("/api/v2/projects", params={"search_filter": flt}, headers=auth()).json()
        assert len(first["projects"]) == 10 and first["next_page_token"]
        names, pages = self._all_pages(api, {"search_filter": flt})
        assert pages == 3 and len(names) == 25 and len(set(names)) == 25

    def test_page_size_10_and_large_page_sizes(self, api):
        tag, _ = self._seed(api)
        flt = json.dumps({"name": tag})
        names, pages = self._all_pages(api, {"search_filter": flt, "page_size": 10})
        assert pages == 3 and names == sorted(names)
        big = api.get("/api/v2/projects", headers=auth(),
                      params={"search_filter": flt, "page_size": 100000}).json()
        assert len(big["projects"]) == 25 and not big.get("next_page_token")

    def test_camel_case_query_names(self, api):
        tag, _ = self._seed(api, 3)
        body = api.get("/api/v2/projects", headers=auth(),
                       params={"searchFilter": json.dumps({"name": tag}), "pageSize": 2}).json()
        assert len(body["projects"]) == 2 and body["next_page_token"]

    def test_sort_descending_and_multi_key(self, api):
        tag, _ = self._seed(api, 5)
        body = api.get("/api/v2/projects", headers=auth(), params={
            "search_filter": json.dumps({"name": tag}), "sort": "-name"}).json()
        names = [p["name"] for p in body["projects"]]
        assert names == sorted(names, reverse=True)
        newest = api.get("/api/v2/projects", headers=auth(), params={
            "search_filter": json.dumps({"name": tag}), "sort": "-created_at,+name"}).json()
        assert newest["projects"][0]["name"] == f"{tag}-04"

    def test_sorted_paging_is_stable(self, api):
        tag, _ = self._seed(api, 12)
        names, _ = self._all_pages(api, {"search_filter": json.dumps({"name": tag}),
                                         "sort": "-name", "page_size": 5})
        assert names == sorted(names, reverse=True) and len(names) == 12

    def test_filter_is_case_sensitive_substring(self, api):
        tag = unique("Case")
        make_project(api, name=f"{tag}-DSE")
        found = api.get("/api/v2/projects", headers=auth(), params={
            "search_filter": json.dumps({"name": f"{tag}-DS"})}).json()["projects"]
        assert [p["name"] for p in found] == [f"{tag}-DSE"]
        none = api.get("/api/v2/projects", headers=auth(), params={
            "search_filter": json.dumps({"name": f"{tag}-ds"})}).json()["projects"]
        assert none == []

    def test_filter_on_dotted_key(self, api):
        tag, _ = self._seed(api, 2)
        body = api.get("/api/v2/projects", headers=auth(), params={
            "search_filter": json.dumps({"name": tag, "creator.username": "adm"})}).json()
        assert len(body["projects"]) == 2

    def test_bad_filter_json_is_400(self, api):
        response = api.get("/api/v2/projects", params={"search_filter": "{name"}, headers=auth())
        assert_envelope(response, 400, 3)

    def test_filter_unknown_key_is_400(self, api):
        response = api.get("/api/v2/projects", headers=auth(),
                           params={"search_filter": json.dumps({"colour": "x"})})
        body = assert_envelope(response, 400, 3)
        assert "colour" in body["message"]

    def test_unknown_sort_key_is_400(self, api):
        assert_envelope(api.get("/api/v2/projects", params={"sort": "-colour"}, headers=auth()),
                        400, 3)

    def test_token_reused_with_other_filter_or_sort_is_400(self, api):
        tag, _ = self._seed(api, 12)
        flt = json.dumps({"name": tag})
        token = api.get("/api/v2/projects", headers=auth(),
                        params={"search_filter": flt}).json()["next_page_token"]
        other_sort = api.get("/api/v2/projects", headers=auth(),
                             params={"search_filter": flt, "sort": "-name", "page_token": token})
        assert_envelope(other_sort, 400, 3)
        other_filter = api.get("/api/v2/projects", headers=auth(),
                               params={"search_filter": "{}", "page_token": token})
        assert_envelope(other_filter, 400, 3)

    def test_garbage_token_is_400(self, api):
        assert_envelope(api.get("/api/v2/projects", params={"page_token": "!!"}, headers=auth()),
                        400, 3)

    def test_project_names(self, api):
        tag, _ = self._seed(api, 3)
        body = api.get("/api/v2/projectnames", headers=auth(),
                       params={"search_filter": json.dumps({"name": tag})}).json()
        assert body["project_names"] == [f"{tag}-00", f"{tag}-01", f"{tag}-02"]

    def test_batch_list(self, api):
        _, ids = self._seed(api, 3)
        body = api.get("/api/v2/projects/batch", headers=auth(),
                       params=[("project_ids", ids[2]), ("project_ids", ids[0]),
                               ("project_ids", "missing")]).json()
        assert [p["id"] for p in body["projects"]] == [ids[2], ids[0]]
