"""Every list and get a client can make of a mockcml, as one comparable dict.

``answers(client, key)`` GETs every list (all pages) and every object's own get, file
listings and downloads, metric histories and registered versions, keyed by a path made of
*names* (not ids), so two servers holding the same world compare equal even where an id
could not be kept. Ids are part of the answers and so are compared too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

# Fields that say nothing about the world: pagination cursors, and the address of the
# server itself (a registered version names the workspace it was registered in).
VOLATILE = {"next_page_token", "workspace_url"}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class Walker:
    def __init__(self, client: httpx.Client, key: str) -> None:
        self.client = client
        self.headers = {"authorization": f"Bearer {key}"}
        self.out: dict[str, Any] = {}

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(path, params=params, headers=self.headers)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    def listing(self, label: str, path: str, items: str, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token = ""
        while True:
            page = self.get(path, page_size=3, **params, **({"page_token": token} if token else {}))
            found.extend(page.get(items) or [])
            token = page.get("next_page_token") or ""
            if not token:
                break
        self.out[label] = _clean(found)
        return found

    def walk(self) -> dict[str, Any]:
        self.listing("runtimes", "/api/v2/runtimes", "runtimes")
        projects = self.listing("projects", "/api/v2/projects", "projects",
                                include_all_projects="true")
        for p in projects:
            self.project(p)
        for m in self.listing("registry", "/api/v2/registry/models", "models"):
            base = f"/api/v2/registry/models/{m['model_id']}"
            detail = self.get(base)
            self.out[f"registry/{m['name']}"] = _clean(detail)
            for v in detail.get("model_versions") or []:
                self.out[f"registry/{m['name']}/{v['number']}"] = _clean(
                    self.get(f"{base}/versions/{v['model_version_id']}"))
        return self.out

    def project(self, p: dict[str, Any]) -> None:
        base = f"/api/v2/projects/{p['id']}"
        at = f"{p['owner']['username']}/{p['name']}"
        self.out[at] = _clean(self.get(base))
        self.listing(f"{at}/collaborators", f"{base}/collaborators", "collaborators")
        for j in self.listing(f"{at}/jobs", f"{base}/jobs", "jobs"):
            self.out[f"{at}/jobs/{j['name']}"] = _clean(self.get(f"{base}/jobs/{j['id']}"))
            runs = self.listing(f"{at}/jobs/{j['name']}/runs", f"{base}/jobs/{j['id']}/runs",
                                "job_runs")
            for r in runs:
                self.out[f"{at}/jobs/{j['name']}/runs/{r['id']}"] = _clean(
                    self.get(f"{base}/jobs/{j['id']}/runs/{r['id']}"))
        for a in self.listing(f"{at}/apps", f"{base}/applications", "applications"):
            self.out[f"{at}/apps/{a['name']}"] = _clean(self.get(f"{base}/applications/{a['id']}"))
        for m in self.listing(f"{at}/models", f"{base}/models", "models"):
            mbase = f"{base}/models/{m['id']}"
            self.out[f"{at}/models/{m['name']}"] = _clean(self.get(mbase))
            for b in self.listing(f"{at}/models/{m['name']}/builds", f"{mbase}/builds",
                                  "model_builds"):
                self.out[f"{at}/builds/{b['id']}"] = _clean(self.get(f"{mbase}/builds/{b['id']}"))
                for d in self.listing(f"{at}/builds/{b['id']}/deployments",
                                      f"{mbase}/builds/{b['id']}/deployments",
                                      "model_deployments"):
                    self.out[f"{at}/deployments/{d['id']}"] = _clean(
                        self.get(f"{mbase}/builds/{b['id']}/deployments/{d['id']}"))
        self.files(at, base, "")
        for e in self.listing(f"{at}/experiments", f"{base}/experiments", "experiments"):
            ebase = f"{base}/experiments/{e['id']}"
            self.out[f"{at}/experiments/{e['name']}"] = _clean(self.get(ebase))
            for r in self.listing(f"{at}/experiments/{e['name']}/runs", f"{ebase}/runs",
                                  "experiment_runs"):
                rpath = f"{at}/experiments/{e['name']}/runs/{r['name']}"
                self.out[rpath] = _clean(self.get(f"{ebase}/runs/{r['id']}"))
                for metric in r["data"]["metrics"]:
                    self.out[f"{rpath}/metrics/{metric['key']}"] = _clean(self.get(
                        f"{ebase}/runs/{r['id']}/metrics/{quote(metric['key'], safe='')}"))

    def files(self, at: str, base: str, directory: str) -> None:
        listing = self.get(f"{base}/files/{quote(directory, safe='/')}")["files"]
        self.out[f"{at}/files/{directory}"] = sorted(listing, key=lambda f: f["path"])
        for entry in listing:
            path = f"{directory}/{entry['path']}" if directory else entry["path"]
            if entry["is_dir"]:
                self.files(at, base, path)
            else:
                response = self.client.post(f"{base}/files/{quote(path, safe='/')}:download",
                                            headers=self.headers)
                assert response.status_code == 200, response.text
                self.out[f"{at}/files/{path}:content"] = response.content


def answers(client: httpx.Client, key: str) -> dict[str, Any]:
    return Walker(client, key).walk()


def differences(a: dict[str, Any], b: dict[str, Any], limit: int = 20) -> list[str]:
    """Readable differences between two walks (first ``limit``)."""
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            out.append(f"{key}: only in {'first' if key in a else 'second'}")
        elif a[key] != b[key]:
            out.append(f"{key}:\n  {a[key]!r}\n  {b[key]!r}")
        if len(out) >= limit:
            break
    return out
