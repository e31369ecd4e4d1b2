"""Hostile input: every request below gets an envelope error (or a valid answer) in bounded
time and memory, leaves the server healthy and changes nothing.

Requests go to a live server over raw HTTP (http.client sends the target exactly as
written: no dot-segment folding, no percent-decoding, no URL length limit) with a 10 s
timeout; the server's RSS (from /proc) must stay under 1 GB, /_mock/health must answer
afterwards, and a snapshot of what the admin sees (every listing, the project's files) must
be the same before and after. Targets too long for uvicorn's HTTP parser (over 64 KB) are
also sent straight to the ASGI application, which must answer them with the envelope.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import importlib
import json
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.core.contract import load_contract
from mockcml.core.registry import implemented
from mockcml.resources import RESOURCE_MODULES
from mockcml.settings import Settings
from tests.helpers import ADMIN_KEY, RUNTIME, LiveServer, auth
from tests.robustness import ENVELOPE_KEYS, World, build_world, check_envelope, multipart

pytestmark = pytest.mark.live

TIMEOUT = 10.0
MAX_RSS_KB = 1024 * 1024
H = auth()
MB = 1024 * 1024


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class Target:
    def __init__(self, server: LiveServer, world: World) -> None:
        self.server = server
        self.world = world
        self.client = httpx.Client(base_url=server.url, timeout=30)

    def send(self, method: str, target: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=TIMEOUT)
        began = time.monotonic()
        try:
            conn.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
            all_headers = {**H, **(headers or {})}
            if body is not None:
                all_headers.setdefault("content-type", "application/json")
                all_headers["content-length"] = str(len(body))
            for name, value in all_headers.items():
                conn.putheader(name, value)
            conn.endheaders(body)
            response = conn.getresponse()
            data = response.read()
            return Answer(response.status, response.getheader("content-type") or "", data,
                          time.monotonic() - began)
        finally:
            conn.close()

    def rss_kb(self) -> int:
        with open(f"/proc/{self.server.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def snapshot(self) -> dict[str, Any]:
        """What the admin sees: every listing's ids, the project's files, the world's rows."""
        ids, pid = self.world.ids, self.world.ids["project"]
        lists = {
            "/api/v2/projects": ("projects", {"include_all_projects": "true"}),
            "/api/v2/jobs": ("jobs", {}),
            "/api/v2/models": ("models", {}),
            "/api/v2/experiments": ("experiments", {}),
            "/api/v2/registry/models": ("models", {}),
            f"/api/v2/projects/{pid}/jobs/{ids['job']}/runs": ("job_runs", {}),
            f"/api/v2/projects/{pid}/applications": ("applications", {}),
            f"/api/v2/projects/{pid}/experiments/{ids['experiment']}/runs":
                ("experiment_runs", {}),
            f"/api/v2/projects/{pid}/collaborators": ("collaborators", {}),
            "/api/v2/users/admin/v2_keys": ("keys", {}),
        }
        snap: dict[str, Any] = {}
        for url, (key, params) in lists.items():
            response = self.client.get(url, headers=H, params={"page_size": 100000, **params})
            assert response.status_code == 200, (url, response.text)
            snap[url] = sorted(json.dumps(item, sort_keys=True) for item in response.json()[key])
        for folder in ("", "data"):
            response = self.client.get(f"/api/v2/projects/{pid}/files/{folder}", headers=H)
            assert response.status_code == 200, response.text
            snap[f"files/{folder}"] = response.json()
        for what in ("job", "application", "model", "experiment"):
            response = self.client.get(f"/api/v2/projects/{pid}/{what}s/{ids[what]}", headers=H)
            assert response.status_code == 200, response.text
            snap[what] = response.json()
        return snap


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    server = LiveServer(env={"MOCKCML_TIME_SCALE": "0"})
    with server, httpx.Client(base_url=server.url, timeout=30) as client:
        world = build_world(client, ADMIN_KEY, "admin")
        found = Target(server, world)
        try:
            yield found
        finally:
            found.client.close()
    assert b"Traceback" not in server.log, server.log[-3000:]


# --- the cases ------------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    method: str
    target: Callable[[World], str]  # raw request target
    body: Callable[[World], bytes | None] = lambda w: None
    headers: dict[str, str] | None = None
    refused: bool = False  # must not succeed (a 4xx); otherwise a valid answer will do


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _token(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


FINGERPRINT = hashlib.sha256(json.dumps(["", ""]).encode()).hexdigest()[:16]
PROJECT = "/api/v2/projects/{p}"
TRAVERSALS = ["..", "%2e%2e", "../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
              "/etc/passwd", "%2Fetc%2Fpasswd", "data/../../x", "data/%2e%2e/%2e%2e/x",
              "..%5c..%5cwindows", "data/..", "%2E%2E/secret"]


def _p(template: str) -> Callable[[World], str]:
    def fill(w: World) -> str:
        i = w.ids
        return template.format(p=i["project"], j=i["job"], r=i["job_run"], e=i["experiment"],
                               er=i["experiment_run"], a=i["application"])
    return fill


def _json(value: Any) -> Callable[[World], bytes]:
    return lambda w: json.dumps(value).encode()


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _job(**fields: Any) -> dict:
    return {"name": "hostile", "script": "x.py", "runtime_identifier": RUNTIME, **fields}


def _cases() -> list[Case]:
    cases = [
        # Size.
        Case("body-20MB", "POST", _p("/api/v2/projects"),
             lambda w: b'{"name":"' + b"x" * (20 * MB) + b'"}', refused=True),
        Case("body-20MB-of-keys", "POST", _p(PROJECT + "/jobs"),
             lambda w: json.dumps({f"k{i}": i for i in range(1_500_000)}).encode(), refused=True),
        Case("multipart-70MB", "POST", _p(PROJECT + "/files"),
             lambda w: multipart(("big.bin", "big.bin", b"\0" * (70 * MB)))[0],
             headers=multipart()[1], refused=True),
        # Depth.
        Case("nested-arrays-100k", "POST", _p("/api/v2/projects"), lambda w: _nested(100_000),
             refused=True),
        Case("nested-objects-100k", "POST", _p("/api/v2/projects"),
             lambda w: b'{"name":"x","description":' + b'{"a":' * 100_000 + b"1"
             + b"}" * 100_001, refused=True),
        Case("nested-990-in-a-field", "POST", _p(PROJECT + "/jobs"),
             lambda w: b'{"name":"x","environment":' + b'{"a":' * 990 + b"1" + b"}" * 991,
             refused=True),
        Case("nested-filter-20k", "GET", lambda w: "/api/v2/projects?search_filter=" + "%5B" * 20_000,
             refused=True),
        Case("nested-environment-string", "PATCH", _p(PROJECT + "/applications/{a}"),
             lambda w: json.dumps({"environment": "[" * 100_000}).encode(), refused=True),
        Case("nested-model-json", "POST", _p(PROJECT + "/experiments/{e}/runs/{er}:logbatch"),
             lambda w: json.dumps({"model_json": "[" * 100_000}).encode(), refused=True),
        # Numbers.
        Case("int-of-100k-digits-body", "POST", _p("/api/v2/projects"),
             lambda w: b'{"name":"x","description":' + b"1" * 100_000 + b"}", refused=True),
        Case("int-of-4000-digits-in-int-field", "POST", _p(PROJECT + "/jobs"),
             lambda w: json.dumps(_job(timeout=10**3999)).encode(), refused=True),
        Case("int-as-string-too-big", "POST", _p(PROJECT + "/jobs"),
             _json(_job(timeout="99999999999999999999999")), refused=True),
        Case("float-overflow", "POST", _p(PROJECT + "/jobs"),
             lambda w: json.dumps(_job())[:-1].encode() + b',"cpu":1e999}', refused=True),
        Case("nan", "POST", _p(PROJECT + "/jobs"),
             lambda w: json.dumps(_job())[:-1].encode() + b',"cpu":NaN}', refused=True),
        Case("int-of-100k-digits-filter", "GET",
             lambda w: "/api/v2/projects?search_filter=" + _q('{"name":' + "1" * 60_000 + "}"),
             refused=True),
        Case("int-of-100k-digits-environment", "PATCH", _p(PROJECT + "/applications/{a}"),
             lambda w: json.dumps({"environment": '{"a":' + "1" * 100_000 + "}"}).encode(),
             refused=True),
        # Encoding.
        Case("invalid-utf8-body", "POST", _p("/api/v2/projects"),
             lambda w: b'{"name":"\xff\xfe\xc3"}', refused=True),
        Case("invalid-utf8-filter", "GET", _p("/api/v2/projects?search_filter=%FF%FE"),
             refused=True),
        Case("invalid-utf8-filter-value", "GET",
             _p("/api/v2/projects?search_filter=%7B%22name%22%3A%22%FF%22%7D")),
        Case("invalid-utf8-sort", "GET", _p("/api/v2/projects?sort=%FF"), refused=True),
        Case("invalid-utf8-page-token", "GET", _p("/api/v2/projects?page_token=%FF%FE"),
             refused=True),
        Case("invalid-utf8-project-id", "GET", _p("/api/v2/projects/%FF%FE"), refused=True),
        Case("invalid-utf8-file-path", "GET", _p(PROJECT + "/files/%FF%FE"), refused=True),
        Case("invalid-utf8-bool", "GET", _p("/api/v2/projects?include_all_projects=%FF"),
             refused=True),
        Case("invalid-utf8-in-multipart-name", "POST", _p(PROJECT + "/files"),
             lambda w: multipart(("@@.txt", "x", b"x"))[0].replace(b"@@", b"\xff\xfe"),
             headers=multipart()[1]),
        Case("latin1-authorization", "GET", _p("/api/v2/projects"),
             headers={"authorization": "Bearer \xff\xfe"}, refused=True),
        # NUL bytes.
        Case("nul-project-id", "GET", _p("/api/v2/projects/a%00b"), refused=True),
        Case("nul-file-path", "GET", _p(PROJECT + "/files/data%00x"), refused=True),
        Case("nul-download", "POST", _p(PROJECT + "/files/data/notes.txt%00.png:download"),
             refused=True),
        Case("nul-rename-target", "PATCH", _p(PROJECT + "/files/data/notes.txt"),
             _json({"path": "data/x\u0000y"}), refused=True),
        Case("nul-upload-name", "POST", _p(PROJECT + "/files"),
             lambda w: multipart(("data/a\0b.txt", "a", b"x"))[0], headers=multipart()[1],
             refused=True),
        Case("nul-raw-in-json", "POST", _p("/api/v2/projects"), lambda w: b'{"name":"a\0b"}',
             refused=True),
        Case("nul-in-filter", "GET",
             lambda w: "/api/v2/projects?search_filter=" + _q('{"name":"a\u0000b"}')),
        Case("nul-in-sort", "GET", _p("/api/v2/projects?sort=name%00"), refused=True),
        # Page sizes.
        *[Case(f"page-size-{label}-{where}", "GET", _p(url + f"?page_size={size}"),
               refused=label != "int32-max")
          for label, size in (("int32-max", 2**31 - 1), ("int32-max+1", 2**31),
                              ("int64-max", 2**63 - 1), ("2^64", 2**64), ("minus-1", -1),
                              ("int32-min", -(2**31)), ("word", "many"), ("empty", ""),
                              ("float", "1.5"), ("exponent", "1e3"), ("hex", "0x10"),
                              ("10k-digits", "9" * 10_000))
          for where, url in (("projects", "/api/v2/projects"),
                             ("runs", PROJECT + "/jobs/{j}/runs"),
                             ("registry", "/api/v2/registry/models"),
                             ("experiment-runs", PROJECT + "/experiments/{e}/runs"))],
        # Long and many query parameters (under the 64 KB an HTTP request line may have here).
        Case("filter-60KB", "GET",
             lambda w: "/api/v2/projects?search_filter=" + _q(json.dumps({"name": "x" * 60_000}))),
        Case("filter-2k-keys", "GET",
             lambda w: "/api/v2/projects?search_filter="
             + _q(json.dumps({f"k{i}": "x" for i in range(2_000)}, separators=(",", ":"))),
             refused=True),
        Case("sort-10k-keys", "GET", lambda w: "/api/v2/projects?sort=" + ",".join(["name"] * 10_000)),
        Case("sort-unknown-60KB", "GET", lambda w: "/api/v2/projects?sort=" + "a" * 60_000,
             refused=True),
        Case("query-6k-params", "GET",
             lambda w: "/api/v2/projects?" + "&".join(f"p{i}=1" for i in range(6_000))),
        Case("query-2500-same", "GET",
             lambda w: "/api/v2/projects?" + "&".join("search_filter=%7B%7D" for _ in range(2_500))),
        Case("query-2000-same-flag", "GET",
             lambda w: "/api/v2/projects?" + "&".join("include_all_projects=true"
                                                      for _ in range(2_000))),
        # Page tokens.
        *[Case(f"page-token-{label}", "GET",
               lambda w, t=token: "/api/v2/projects?page_size=1&page_token=" + _q(t), refused=True)
          for label, token in (
              ("garbage", "!!!"), ("short", "a"), ("not-json", base64.b64encode(b"\x00\xff").decode()),
              ("list", _token([1, 2])), ("no-values", _token({"f": FINGERPRINT})),
              ("values-not-list", _token({"v": "x", "f": FINGERPRINT})),
              ("wrong-width", _token({"v": [1, 2, 3, 4, 5, 6], "f": FINGERPRINT})),
              ("wrong-fingerprint", _token({"v": ["a", "b"], "f": "0" * 16})),
              ("objects", _token({"v": [{"a": 1}, [1]], "f": FINGERPRINT})),
              ("lists", _token({"v": [[1], [2]], "f": FINGERPRINT})),
              ("nulls", _token({"v": [None, None], "f": FINGERPRINT})),
              ("huge-int", _token({"v": [2**70, 2**70], "f": FINGERPRINT})),
              ("nested", base64.urlsafe_b64encode(b"[" * 30_000).decode()),
              ("40KB", "A" * 40_000))],
        # Traversal and absolute paths, on every file operation.
        *[Case(f"traversal-{verb}-{path}", method, _p(PROJECT + "/files/" + path + suffix),
               refused=True)
          for path in TRAVERSALS
          for verb, method, suffix in (("list", "GET", ""), ("download", "POST", ":download"),
                                       ("delete", "DELETE", ""))],
        *[Case(f"traversal-rename-to-{path}", "PATCH", _p(PROJECT + "/files/data/notes.txt"),
               _json({"path": urllib.parse.unquote(path)}), refused=True)
          for path in TRAVERSALS],
        *[Case(f"traversal-upload-{path}", "POST", _p(PROJECT + "/files"),
               lambda w, p=path: multipart((urllib.parse.unquote(p), "x", b"pwned"))[0],
               headers=multipart()[1], refused=True)
          for path in TRAVERSALS],
        # Headers.
        Case("authorization-60KB", "GET", _p("/api/v2/projects"),
             headers={"authorization": "Bearer " + "k" * 60_000}, refused=True),
        Case("content-type-lies", "POST", _p(PROJECT + "/files"),
             lambda w: b'{"name":"x"}', headers={"content-type": "multipart/form-data"},
             refused=True),
        Case("multipart-without-end", "POST", _p(PROJECT + "/files"),
             lambda w: multipart(("a.txt", "a", b"x"))[0][:-30], headers=multipart()[1],
             refused=True),
    ]
    return cases


CASES = _cases()


def _check(answer: Answer, case: Case) -> None:
    assert answer.elapsed < TIMEOUT, answer.elapsed
    if answer.status >= 400:
        body = check_envelope(_Wrapped(answer))
        assert answer.status < 500, body
    else:
        assert not case.refused, (answer.status, answer.text[:500])
        assert answer.content_type.startswith("application/json"), answer.content_type
        answer.json()  # a valid answer is valid JSON
    if case.refused:
        assert 400 <= answer.status < 500, (answer.status, answer.text[:500])


class _Wrapped:
    """An Answer seen through the attributes check_envelope reads."""

    def __init__(self, answer: Answer) -> None:
        self.status_code = answer.status
        self.headers = {"content-type": answer.content_type}
        self.text = answer.text
        self._answer = answer

    def json(self) -> Any:
        return self._answer.json()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_request(target: Target, case: Case) -> None:
    before = target.snapshot()
    answer = target.send(case.method, case.target(target.world), case.body(target.world),
                         case.headers)
    _check(answer, case)
    assert target.client.get("/_mock/health").status_code == 200
    assert target.rss_kb() < MAX_RSS_KB, target.rss_kb()
    if answer.status >= 400 or case.method == "GET":
        assert target.snapshot() == before


@pytest.mark.parametrize("name", ["a\u0000b", "\u0000", "x" * 10_000 + "\u0000"])
def test_nul_in_names_round_trips_or_is_refused(target: Target, name: str) -> None:
    """A NUL in a name is either refused with the envelope or kept exactly."""
    pid = target.world.ids["project"]
    for url, body, kind in (("/api/v2/projects", {"name": name}, "projects"),
                            (f"/api/v2/projects/{pid}/jobs", _job(name=name), "jobs"),
                            (f"/api/v2/projects/{pid}/experiments", {"name": name}, "experiments")):
        before = target.snapshot()
        answer = target.send("POST", url, json.dumps(body).encode())
        assert answer.elapsed < TIMEOUT
        if answer.status >= 400:
            check_envelope(_Wrapped(answer))
            assert answer.status < 500
            assert target.snapshot() == before
            continue
        created = answer.json()
        assert created["name"] == name
        own = url if kind != "projects" else "/api/v2/projects"
        got = target.client.get(f"{own}/{created['id']}", headers=H)
        assert got.status_code == 200 and got.json()["name"] == name
        deleted = target.client.delete(f"{own}/{created['id']}", headers=H)
        assert deleted.status_code == 200, deleted.text
        assert target.snapshot() == before


# --- targets beyond the HTTP parser's limit, straight to the application -------------------

def _asgi(client: TestClient, method: str, target: str, body: bytes = b"",
          headers: dict[str, str] | None = None) -> Answer:
    raw_path, _, query = target.encode("latin-1").partition(b"?")
    all_headers = {"host": "testserver", **H, **(headers or {}),
                   "content-length": str(len(body))}
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": urllib.parse.unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path, "query_string": query, "root_path": "",
        "headers": [(k.encode(), v.encode("latin-1")) for k, v in all_headers.items()],
        "client": ("127.0.0.1", 1), "server": ("testserver", 80), "state": {},
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    began = time.monotonic()
    client.portal.call(client.app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    content_type = dict(start["headers"]).get(b"content-type", b"").decode()
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(start["status"], content_type, data, time.monotonic() - began)


LONG = [
    Case("filter-1MB", "GET",
         lambda w: "/api/v2/projects?search_filter=" + _q(json.dumps({"name": "x" * MB}))),
    Case("filter-1MB-of-keys", "GET",
         lambda w: "/api/v2/projects?search_filter="
         + _q(json.dumps({f"k{i}": "x" for i in range(80_000)})), refused=True),
    Case("filter-1MB-nested", "GET", lambda w: "/api/v2/projects?search_filter=" + "%5B" * MB,
         refused=True),
    Case("filter-1MB-big-int", "GET",
         lambda w: "/api/v2/projects?search_filter=" + _q('{"name":' + "1" * MB + "}"),
         refused=True),
    Case("sort-1MB", "GET", lambda w: "/api/v2/projects?sort=" + ",".join(["-name"] * 150_000)),
    Case("query-50k-params", "GET",
         lambda w: "/api/v2/projects?" + "&".join(f"p{i}=1" for i in range(50_000))),
    Case("page-token-1MB", "GET", lambda w: "/api/v2/projects?page_token=" + "A" * MB,
         refused=True),
    Case("file-path-1MB", "GET", _p(PROJECT + "/files/" + "a/" * (MB // 2)), refused=True),
]


@pytest.fixture(scope="module")
def inprocess() -> Iterator[tuple[TestClient, World]]:
    with TestClient(create_app(Settings(time_scale=0)), raise_server_exceptions=False) as client:
        yield client, build_world(client, ADMIN_KEY, "admin")


@pytest.mark.parametrize("case", LONG, ids=[c.id for c in LONG])
def test_over_long_targets_reach_the_application_safely(inprocess, case: Case) -> None:  # noqa: ANN001
    client, world = inprocess
    answer = _asgi(client, case.method, case.target(world))
    _check(answer, case)


@pytest.mark.parametrize("case", LONG[:3], ids=[c.id for c in LONG[:3]])
def test_over_long_targets_over_http_are_refused_quickly(target: Target, case: Case) -> None:
    """Past 64 KB the HTTP parser refuses the request line itself, before the application."""
    answer = target.send(case.method, case.target(target.world))
    assert answer.elapsed < TIMEOUT
    assert 400 <= answer.status < 500, answer.status
    if answer.content_type.startswith("application/json"):
        assert set(answer.json()) == ENVELOPE_KEYS
    assert target.client.get("/_mock/health").status_code == 200
    assert target.rss_kb() < MAX_RSS_KB


# --- nulls and the edges of time ------------------------------------------------------------

for _module in RESOURCE_MODULES:  # each registers its handlers: implemented() is complete
    importlib.import_module(_module)
JSON_OPERATIONS = [op for op in load_contract().operations
                   if op.body_kind == "json" and op.operation_id in implemented()]


@pytest.mark.parametrize("op", JSON_OPERATIONS, ids=[op.operation_id for op in JSON_OPERATIONS])
def test_every_field_null(target: Target, op) -> None:  # noqa: ANN001
    """null is "not set" in proto3 JSON: a body of nulls is a valid request, never a crash."""
    fields = load_contract().definitions[op.body_model].get("properties", {})
    body = json.dumps(dict.fromkeys(fields)).encode()
    answer = target.send(op.method, target.world.url(op), body)
    assert answer.elapsed < TIMEOUT
    if answer.status >= 400:
        assert answer.status < 500, answer.text
        check_envelope(_Wrapped(answer))
    else:
        answer.json()


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "0256-04-09T09:10:00.500Z",
                                    "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z"])
def test_extreme_timestamps_round_trip(target: Target, moment: str) -> None:
    """Any RFC 3339 instant accepted is written back as RFC 3339 (four-digit years)."""
    ids = target.world.ids
    url = f"/api/v2/projects/{ids['project']}/experiments/{ids['experiment']}/runs"
    answer = target.send("POST", url, json.dumps({"start_time": moment}).encode())
    assert answer.status == 200, answer.text
    assert answer.json()["start_time"] == moment
