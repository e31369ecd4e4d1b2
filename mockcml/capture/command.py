"""The ``mockcml capture`` and ``mockcml export`` commands (argparse lives in mockcml/cli.py)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

HEADER = """Captured by `mockcml capture` from {url} at {when}.
Check it with `mockcml check {name}`; serve it with `mockcml serve --fixtures {name}`.
API keys are placeholders, never the workspace's own: each user's is in api_keys below."""


class Progress:
    """One status line rewritten in place, on a terminal only (logs and CI stay clean)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.width = 0
        self.started = time.monotonic()

    def __call__(self, text: str) -> None:
        if not self.live:
            return
        line = f"capturing [{time.monotonic() - self.started:5.1f}s] {text}"[:100]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def done(self) -> None:
        if self.live and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def add_arguments(capture: argparse.ArgumentParser) -> None:
    capture.add_argument("--url", required=True, help="workspace URL, e.g. https://ml-xxxx.example.com")
    capture.add_argument("--key", required=True,
                         help="API key to read with (never written to the scenario)")
    capture.add_argument("--project", action="append", default=[], metavar="NAME_OR_GLOB",
                         help="capture only projects whose name (or owner/name) matches "
                              "(repeatable; default: every project the key sees)")
    capture.add_argument("--runs", type=_count, default=10, metavar="N",
                         help="the last N runs of each job (default 10; 0: none)")
    capture.add_argument("--files", action="store_true",
                         help="file contents too (listings are always captured)")
    capture.add_argument("--max-file-bytes", type=_count, default=1_000_000, metavar="BYTES",
                         help="skip contents of larger files (default 1000000)")
    capture.add_argument("--proxy", metavar="URL",
                         help="HTTP(S) proxy for every call (default: HTTPS_PROXY/HTTP_PROXY)")
    capture.add_argument("--ca-bundle", metavar="PEM",
                         help="trust this CA bundle instead of the system's (private CAs)")
    capture.add_argument("--admin", action="append", default=[], metavar="USERNAME",
                         help="mark this user a site administrator (repeatable; default: the "
                              "capturing user, when it sees other users' private projects)")
    capture.add_argument("--retries", type=_count, default=5,
                         help="retries of a call answered 429 or 503 (default 5)")
    capture.add_argument("-o", "--output", required=True, metavar="FILE",
                         help="scenario YAML to write")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value}")
    return value


def capture(args: argparse.Namespace) -> int:
    from mockcml.capture import capture as run_capture
    from mockcml.capture.client import HttpSource, SourceError
    from mockcml.capture.reader import Options
    from mockcml.capture.writer import write

    if args.ca_bundle and not Path(args.ca_bundle).is_file():
        print(f"mockcml capture: no CA bundle at {args.ca_bundle}", file=sys.stderr)
        return 2
    output = Path(args.output)
    options = Options(projects=args.project, runs=args.runs, files=args.files,
                      max_file_bytes=args.max_file_bytes)
    progress = Progress(sys.stderr)
    try:
        source = HttpSource(args.url, args.key, proxy=args.proxy, ca_bundle=args.ca_bundle,
                            retries=args.retries)
    except (OSError, ValueError) as exc:  # an unreadable CA bundle, a malformed proxy URL
        print(f"mockcml capture: {exc}", file=sys.stderr)
        return 2
    try:
        with source:
            result = run_capture(source, options, admins=args.admin,
                                 files_dir=f"{output.stem}.files", progress=progress)
            stats = source.stats
    except SourceError as exc:
        progress.done()
        print(f"mockcml capture: {exc}", file=sys.stderr)
        return 1
    progress.done()
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    header = HEADER.format(url=_without_credentials(args.url), when=when, name=output.name)
    written = write(output, result.scenario, header, result.binaries)
    print(f"wrote {written[0]} ({stats.calls} calls, {stats.retries} retried)")
    for line in result.summary():
        print(f"  {line}")
    return 0


def _without_credentials(url: str) -> str:
    """The URL for the file's header, without any user:password@ in it."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc)) if parts.netloc else url


def export(args: argparse.Namespace) -> int:
    import base64
    import os

    import httpx

    token = args.control_token or os.environ.get("MOCKCML_CONTROL_TOKEN")
    headers = {"x-mockcml-control-token": token} if token else {}
    params = {}
    if args.output:
        # A bundle: the YAML plus binary file contents, written next to it as sources.
        params = {"bundle": "true", "files_dir": f"{Path(args.output).stem}.files"}
    try:
        response = httpx.get(f"{args.url.rstrip('/')}/_mock/export", headers=headers,
                             params=params, timeout=300)
    except httpx.HTTPError as exc:
        print(f"mockcml export: {args.url}: {exc}", file=sys.stderr)
        return 1
    if response.status_code != 200:
        print(f"mockcml export: HTTP {response.status_code}: {response.text[:300]}",
              file=sys.stderr)
        return 1
    if not args.output:
        sys.stdout.write(response.text)
        return 0
    bundle = response.json()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    for relative, data in bundle["files"].items():
        target = output.parent / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
    output.write_text(bundle["scenario"], encoding="utf-8")
    print(f"wrote {output}" + (f" and {len(bundle['files'])} binary files" if bundle["files"] else ""))
    return 0
