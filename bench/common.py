"""Helpers shared by the benchmarks: repetitions, ratios, child servers, /proc readings, JSON.

Every benchmark reports its figures as :class:`Figure` rows: a measured value, the baseline
it was measured against in the same run, and the ratio of the two per repetition, summarised
as min/median/max. ``python -m bench`` collects the rows of every benchmark into one table.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from mockcml.testing import end_process, free_port

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
ADMIN_KEY = "mockcml-admin-key"
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: Sequence[float]) -> dict[str, float]:
    return {"min": min(samples), "median": statistics.median(samples), "max": max(samples)}


def machine() -> dict[str, str]:
    return {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": str(os.cpu_count()), "system": platform.platform(),
            "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def write(name: str, payload: dict, folder: Path | None = None) -> Path:
    folder = folder or RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2) + "\n")
    return path


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, rows)])


# --- figures ------------------------------------------------------------------------------

@dataclass
class Figure:
    """One row of the results table.

    ``ratios`` holds one ratio per repetition (subject / baseline, both measured in the same
    repetition); ``ok`` is whether the target holds (``None`` when there is no target).
    """

    bench: str
    name: str
    value: str
    baseline: str
    ratios: list[float]
    target: str = ""
    ok: bool | None = None
    note: str = ""
    why: str = ""  # when the target is missed: where the time goes (see bench/HOTSPOTS.md)
    extra: dict = field(default_factory=dict)

    def shortfall(self) -> str:
        """By how much the target is missed, in words."""
        if not self.ratios:
            return ""
        med = statistics.median(self.ratios)
        if self.target.startswith("every"):
            over = sum(1 for r in self.ratios if r > 1.0)
            return (f"{over} of {len(self.ratios)} over their tolerance, the worst at "
                    f"{max(self.ratios):.2f}x it")
        match = re.match(r"(<=|>=) ([\d.]+)x", self.target)
        if not match:
            return ""
        limit = float(match.group(2))
        if match.group(1) == "<=":
            return f"median {med:.2f}x, {med / limit - 1:.0%} over the {limit:g}x limit"
        return f"median {med:.2f}x, {1 - med / limit:.0%} short of {limit:g}x"

    @property
    def ratio(self) -> dict[str, float] | None:
        return summary(self.ratios) if self.ratios else None

    def to_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def ratio_text(figure: Figure, digits: int = 2) -> str:
    if not figure.ratios:
        return "-"
    s = figure.ratio
    if len(figure.ratios) == 1 or s["min"] == s["max"]:
        return f"{s['median']:.{digits}f}x"
    return f"{s['median']:.{digits}f}x ({s['min']:.{digits}f}-{s['max']:.{digits}f})"


def verdict(figure: Figure) -> str:
    if figure.ok is None:
        return ""
    return "ok" if figure.ok else "MISSED"


def figures_table(figures: Sequence[Figure]) -> str:
    rows = [(f.bench, f.name, f.value, f.baseline, ratio_text(f), f.target, verdict(f))
            for f in figures]
    return table(rows, ("bench", "figure", "value", "baseline", "ratio med (min-max)",
                        "target", ""))


def figures_markdown(figures: Sequence[Figure]) -> str:
    lines = ["| bench | figure | value | baseline | ratio, median (min–max) | target | |",
             "|---|---|---:|---:|---:|---|---|"]
    for f in figures:
        ratio = ratio_text(f).replace("-", "–") if f.ratios else "–"
        cells = (f.bench, f.name, f.value, f.baseline, ratio, f.target,
                 {"ok": "ok", "MISSED": "**missed**", "": ""}[verdict(f)])
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def seconds_text(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


# --- child servers -----------------------------------------------------------------------

def compile_bytecode() -> None:
    """Write the bytecode of mockcml and bench/ before anything is timed, as ``pip install``
    does for an installed package. The bare app's dependencies come compiled; with
    PYTHONDONTWRITEBYTECODE set (as on the development machine) every start of an editable
    mockcml would otherwise compile its ~230 modules from source again (0.1-0.3 s), a cost
    of the checkout, not of the server. Files already compiled are skipped."""
    import compileall

    for folder in ("mockcml", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)


@dataclass
class Child:
    """A server in a child process; ``started`` is how long it took to answer ``probe``."""

    proc: subprocess.Popen
    port: int
    started: float
    log_file: object = None  # the child's stderr, a temporary file

    def log(self) -> str:
        if self.log_file is None or self.log_file.closed:
            return ""
        self.log_file.seek(0)
        return self.log_file.read().decode(errors="replace")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        end_process(self.proc)
        if self.log_file is not None:
            self.log_file.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def bare_cmd(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", str(port),
            "--log-level", "warning"]


def mock_cmd(port: int, *args: str) -> list[str]:
    return [sys.executable, "-m", "mockcml", "serve", "--port", str(port),
            "--log-level", "warning", *args]


def start(cmd: Callable[[int], list[str]], probe: str, headers: dict[str, str] | None = None,
          timeout: float = 180.0, env: dict[str, str] | None = None,
          interval: float = 0.005) -> Child:
    """Start ``cmd(port)`` and poll ``probe`` until it answers 200; time from spawn to that.

    The clock starts right before the process is spawned and stops when the first 200
    arrives, so it covers interpreter start, imports, app set-up, fixture loading and the
    first request. Polls are a few milliseconds apart (a refused connection costs little).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}{probe}"
    log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty child never blocks
    begin = time.perf_counter()
    proc = subprocess.Popen(cmd(port), cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=log)
    child = Child(proc, port, 0.0, log)
    deadline = begin + timeout
    with httpx.Client(timeout=30) as client:
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                err = child.log()
                child.stop()
                raise RuntimeError(f"{cmd(port)} exited with {proc.returncode}:\n{err[-2000:]}")
            try:
                if client.get(url, headers=headers).status_code == 200:
                    child.started = time.perf_counter() - begin
                    return child
            except httpx.HTTPError:
                pass
            time.sleep(interval)
    err = child.log()
    proc.kill()
    child.stop()
    raise RuntimeError(f"{cmd(port)} did not answer {probe} within {timeout:.0f} s:\n{err[-2000:]}")


# --- /proc readings ------------------------------------------------------------------------

def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is the state (stat field 3): utime and stime are stat fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def megabytes(value: float) -> str:
    return f"{value / 2**20:.0f} MB"
