"""``mockcml capture`` as a user runs it: the CLI against live servers, through a proxy
and through TLS with a private CA."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.capture.relay import Relay
from tests.capture.walk import answers, differences
from tests.helpers import ROOT, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.live]
DEMO = str(ROOT / "fixtures" / "demo.yaml")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockcml", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


@contextmanager
def _frozen(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        assert client.post("/_mock/clock/freeze").status_code == 200
        yield client


def test_capture_serve_and_compare_every_answer(tmp_path: Path):
    out = tmp_path / "demo-capture.yaml"
    with LiveServer("--fixtures", DEMO) as source, _frozen(source) as client:
        done = _cli("capture", "--url", source.url, "--key", "mockcml-admin-key", "--files",
                    "-o", str(out))
        assert done.returncode == 0, done.stderr
        # Not a terminal: no progress line, only the summary.
        assert "\r" not in done.stderr and "capturing" not in done.stderr
        assert f"wrote {out}" in done.stdout and "14 projects" in done.stdout
        before = {who: answers(client, key) for who, key in
                  (("admin", "mockcml-admin-key"), ("bob", "bob-key"))}
    assert _cli("check", str(out)).returncode == 0
    with LiveServer("--fixtures", str(out)) as replay, _frozen(replay) as client:
        for who, answered in before.items():
            assert differences(answered, answers(client, f"{who}-placeholder-key")) == [], who


def test_capture_through_an_http_proxy(tmp_path: Path):
    out = tmp_path / "proxied.yaml"
    with LiveServer("--fixtures", DEMO) as source, Relay(proxy=True) as proxy:
        done = _cli("capture", "--url", source.url, "--key", "mockcml-admin-key",
                    "--project", "etl-*", "--proxy", f"http://127.0.0.1:{proxy.port}",
                    "-o", str(out))
        assert done.returncode == 0, done.stderr
    # Every call went through the proxy, with absolute URLs as a forward proxy sees them.
    assert proxy.seen and all(f" {source.url}/api/v2/" in f" {line.split(' ', 1)[1]}"
                              for line in proxy.seen), proxy.seen[:5]
    assert any("/jobs" in line for line in proxy.seen)
    assert "etl-pipeline" in out.read_text()


def _certificate(folder: Path) -> tuple[str, str]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


def test_capture_over_tls_trusts_the_ca_bundle_given(tmp_path: Path):
    cert, key = _certificate(tmp_path)
    out = tmp_path / "tls.yaml"
    with LiveServer("--fixtures", DEMO) as source, \
            Relay(("127.0.0.1", source.port), tls=(cert, key)) as front:
        url = f"https://127.0.0.1:{front.port}"
        refused = _cli("capture", "--url", url, "--key", "mockcml-admin-key",
                       "--project", "sandbox", "-o", str(out))
        assert refused.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in refused.stderr
        assert not out.exists()
        done = _cli("capture", "--url", url, "--key", "mockcml-admin-key", "--project",
                    "sandbox", "--ca-bundle", cert, "-o", str(out))
        assert done.returncode == 0, done.stderr
    assert "name: sandbox" in out.read_text()
