"""Generate the ``cmlapi`` Python SDK in ``sdk/`` from ``openapi/swagger.json``.

    python scripts/build_sdk.py           # (re)write sdk/cmlapi, sdk/pyproject.toml, sdk/README.md
    python scripts/build_sdk.py --check   # exit 1 when sdk/ differs from a fresh generation

The client is produced by openapi-generator (the PyPI package ``openapi-generator-cli``,
which bundles the jar; ``pip install -e '.[sdk]'``) with its ``python-legacy`` generator:
the classic swagger-codegen shape of the workspace SDK (``CMLServiceApi`` with one method
per operation, body first, then path parameters, query parameters as keywords; urllib3
models with ``to_dict()``).  A few lines of the generated runtime are then made lenient
(see ``PATCHES``) and the hand-written files of ``sdk/overlay/`` are laid on top.
The output depends only on the contract, the overlay and the pinned generator version.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.metadata
import importlib.resources
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "openapi" / "swagger.json"
SDK = ROOT / "sdk"
OVERLAY = SDK / "overlay"
PACKAGE = "cmlapi"

GENERATOR = "python-legacy"
GENERATOR_PACKAGE = "openapi-generator-cli"
GENERATOR_VERSION = "6.6.0"  # 7.x keeps only the pydantic-based Python generators

# What the script owns below sdk/: everything else there (overlay/, ruff.toml) is hand-kept.
MANAGED = (PACKAGE, "pyproject.toml", "README.md")

# (file, generated text, replacement): each generated text must occur exactly once, so a
# generator change that moves them fails loudly instead of silently dropping a fix.
PATCHES: tuple[tuple[str, str, str], ...] = (
    # Answers are taken as the server sends them: a value that does not convert to the
    # declared primitive type (e.g. "" for an int) stays as it is instead of crashing.
    (
        "cmlapi/api_client.py",
        "        except TypeError:\n            return data\n",
        "        except (TypeError, ValueError):\n            return data\n",
    ),
    # Timestamps that are not RFC 3339 (ExperimentRun times are epoch milliseconds) are kept
    # as sent rather than raising ApiException(status=0).
    (
        "cmlapi/api_client.py",
        "        except ValueError:\n"
        "            raise rest.ApiException(\n"
        "                status=0,\n"
        '                reason="Failed to parse `{0}` as date object".format(string)\n'
        "            )\n",
        "        except (ValueError, TypeError, OverflowError):\n"
        "            return string\n",
    ),
    (
        "cmlapi/api_client.py",
        "        except ValueError:\n"
        "            raise rest.ApiException(\n"
        "                status=0,\n"
        "                reason=(\n"
        '                    "Failed to parse `{0}` as datetime object"\n'
        "                    .format(string)\n"
        "                )\n"
        "            )\n",
        "        except (ValueError, TypeError, OverflowError):\n"
        "            return string\n",
    ),
    # HTTPResponse.getheaders()/getheader() are deprecated in urllib3 2; .headers works in 1 and 2.
    (
        "cmlapi/rest.py",
        "return self.urllib3_response.getheaders()",
        "return self.urllib3_response.headers",
    ),
    (
        "cmlapi/rest.py",
        "return self.urllib3_response.getheader(name, default)",
        "return self.urllib3_response.headers.get(name, default)",
    ),
)

INIT_ADDITION = """
# Hand-written helpers (sdk/overlay/cmlapi/utils.py)
from cmlapi import utils
from cmlapi.utils import default_client
"""


class GeneratorUnavailable(RuntimeError):
    """java or the pinned openapi-generator-cli package is missing."""


def package_version(contract: Path = CONTRACT) -> str:
    """The contract's info.version as a PEP 440 version (26.06.13 -> 26.6.13)."""
    version = json.loads(contract.read_bytes())["info"]["version"]
    if re.fullmatch(r"\d+(\.\d+)*", version):
        return ".".join(str(int(part)) for part in version.split("."))
    return version


def generator_command() -> list[str]:
    java = shutil.which("java")
    if not java:
        raise GeneratorUnavailable("java is not on PATH (openapi-generator needs Java 11+)")
    try:
        installed = importlib.metadata.version(GENERATOR_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed != GENERATOR_VERSION:
        raise GeneratorUnavailable(
            f"{GENERATOR_PACKAGE}=={GENERATOR_VERSION} is required (found {installed}); "
            f"pip install '{GENERATOR_PACKAGE}=={GENERATOR_VERSION}' or pip install -e '.[sdk]'"
        )
    jar = importlib.resources.files("openapi_generator_cli") / "openapi-generator.jar"
    if not jar.is_file():
        raise GeneratorUnavailable(f"{GENERATOR_PACKAGE} does not contain openapi-generator.jar")
    return [java, "-jar", str(jar)]


def generator_available() -> bool:
    try:
        generator_command()
    except GeneratorUnavailable:
        return False
    return True


def _run_generator(contract: Path, out: Path) -> None:
    options = {
        "packageVersion": package_version(contract),
        "projectName": PACKAGE,
        "prependFormOrBodyParameters": "true",  # body (or form files) first, then the path
        "sortParamsByRequiredFlag": "true",  # required before optional: query params are kwargs
        "hideGenerationTimestamp": "true",
        "generateSourceCodeOnly": "true",  # only the package: no setup.py, CI files, tox.ini
    }
    cmd = [
        *generator_command(), "generate",
        "-g", GENERATOR,
        "-i", str(contract),
        "-o", str(out),
        "--package-name", PACKAGE,
        "--additional-properties", ",".join(f"{key}={value}" for key, value in options.items()),
        "--global-property", "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (out / PACKAGE / "__init__.py").is_file():
        sys.stderr.write(result.stdout[-5000:] + result.stderr[-5000:])
        raise RuntimeError(f"openapi-generator failed with exit code {result.returncode}")


def _patch(package_root: Path) -> None:
    for name, old, new in PATCHES:
        path = package_root / name
        text = path.read_text(encoding="utf-8")
        count = text.count(old)
        if count != 1:
            raise RuntimeError(f"patch for {name} expects its text once, found it {count} times")
        path.write_text(text.replace(old, new), encoding="utf-8")
    init = package_root / PACKAGE / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + INIT_ADDITION, encoding="utf-8")


def _copy_overlay(dest: Path) -> None:
    for source in sorted(OVERLAY.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            target = dest / source.relative_to(OVERLAY)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def generate(dest: Path, contract: Path = CONTRACT) -> None:
    """Write the managed files of a fresh SDK into ``dest`` (replacing the ones there)."""
    with tempfile.TemporaryDirectory(prefix="cmlapi-gen-") as tmp:
        raw = Path(tmp) / "raw"
        _run_generator(contract, raw)
        staged = Path(tmp) / "sdk"
        shutil.copytree(raw / PACKAGE, staged / PACKAGE)
        _patch(staged)
        _copy_overlay(staged)
        for name in MANAGED:
            target = dest / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        dest.mkdir(parents=True, exist_ok=True)
        for name in MANAGED:
            source = staged / name
            if source.is_dir():
                shutil.copytree(source, dest / name)
            else:
                shutil.copyfile(source, dest / name)


def managed_files(root: Path) -> set[str]:
    files = set()
    for name in MANAGED:
        path = root / name
        if path.is_file():
            files.add(name)
        elif path.is_dir():
            files.update(
                item.relative_to(root).as_posix()
                for item in path.rglob("*")
                if item.is_file() and "__pycache__" not in item.parts
            )
    return files


def differences(expected: Path, actual: Path) -> list[str]:
    """Human-readable list of managed files that differ between two SDK trees."""
    want, have = managed_files(expected), managed_files(actual)
    lines = [f"missing: {name}" for name in sorted(want - have)]
    lines += [f"unexpected: {name}" for name in sorted(have - want)]
    lines += [
        f"differs: {name}"
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare sdk/ with a fresh generation instead of writing it")
    parser.add_argument("--output", type=Path, default=SDK,
                        help="directory to write (default: sdk/ of the repository)")
    args = parser.parse_args(argv)
    try:
        if args.check:
            with tempfile.TemporaryDirectory(prefix="cmlapi-check-") as tmp:
                generate(Path(tmp))
                diff = differences(Path(tmp), args.output)
            if diff:
                print(f"{args.output} is out of date; run python scripts/build_sdk.py",
                      file=sys.stderr)
                print("\n".join(f"  {line}" for line in diff), file=sys.stderr)
                return 1
            print(f"{args.output} matches {CONTRACT.relative_to(ROOT)}")
            return 0
        generate(args.output)
    except GeneratorUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(managed_files(args.output))} files to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
