"""The Python SDK a workspace hands out next to its API, without authentication.

``GET /api/v2/python.tar.gz`` is an installable source distribution of the committed
``sdk/`` package (``pip install http://HOST/api/v2/python.tar.gz``), packed in memory on
first request.  ``GET /api/v2/python.html`` documents that SDK: every ``CMLServiceApi``
method with its signature and route, and every model with its fields, derived from the
contract by the rules the generator follows (``scripts/build_sdk.py``).
"""

from __future__ import annotations

import gzip
import html
import io
import re
import tarfile
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from mockcml.core.contract import load_contract

TARBALL_PATH = "/api/v2/python.tar.gz"
HTML_PATH = "/api/v2/python.html"

_HERE = Path(__file__).resolve().parent
# Installed wheels carry the SDK inside the package (pyproject force-include); a source
# checkout has it at the repository root.
_CANDIDATES = (_HERE / "sdk", _HERE.parent / "sdk")
_PACKAGE = "cmlapi"
# 2023-11-14T22:13:20Z: a fixed stamp keeps the archive byte-for-byte reproducible (and
# after 1980, which zip-based wheel builds need).
_MTIME = 1_700_000_000
_VERSION = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)


def sdk_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / _PACKAGE / "__init__.py").is_file() and (
            candidate / "pyproject.toml"
        ).is_file():
            return candidate
    raise FileNotFoundError("the cmlapi SDK (sdk/) is missing from the installation")


# --------------------------------------------------------------------------- the sdist


def _metadata(root: Path, version: str) -> bytes:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {version}",
        f"Summary: {project.get('description', '')}",
    ]
    if "license" in project and "text" in project["license"]:
        lines.append(f"License: {project['license']['text']}")
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    lines += [f"Requires-Dist: {dependency}" for dependency in project.get("dependencies", [])]
    lines.append("Description-Content-Type: text/markdown")
    readme = root / "README.md"
    body = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8")


def _sdist_members(root: Path) -> list[tuple[str, Path]]:
    """The files that make the source distribution: build config, README and the package."""
    members = [(name, root / name) for name in ("pyproject.toml", "README.md")
               if (root / name).is_file()]
    members += [
        (path.relative_to(root).as_posix(), path)
        for path in (root / _PACKAGE).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]
    return sorted(members)


@cache
def build_sdist(root: Path | None = None) -> tuple[str, bytes]:
    """``(file name, gzip bytes)`` of ``cmlapi-<version>.tar.gz``, built once per process."""
    root = root or sdk_dir()
    init = (root / _PACKAGE / "__init__.py").read_text(encoding="utf-8")
    match = _VERSION.search(init)
    if not match:
        raise ValueError("sdk/cmlapi/__init__.py does not declare __version__")
    version = match.group(1)
    base = f"{_PACKAGE}-{version}"

    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(f"{base}/{name}")
            info.size = len(data)
            info.mtime = _MTIME
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))

        add("PKG-INFO", _metadata(root, version))
        for name, path in _sdist_members(root):
            add(name, path.read_bytes())
    gz_bytes = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=gz_bytes, mtime=0) as gz:
        gz.write(tar_bytes.getvalue())
    return f"{base}.tar.gz", gz_bytes.getvalue()


async def python_tarball(_request: Request) -> Response:
    filename, data = build_sdist()
    return Response(
        data,
        media_type="application/gzip",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


# ------------------------------------------------------------------ the SDK's surface


def snake_case(name: str) -> str:
    """The generator's underscore rule: ValidateAPIKey -> validate_api_key, job.id -> job_id."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", name)
    return re.sub(r"[.\-\s]+", "_", name).lower()


def model_class(definition: str) -> str:
    """Class name of a contract definition in the SDK (runtimeError -> RuntimeError)."""
    return definition[:1].upper() + definition[1:]


def _is_class(definitions: dict[str, Any], name: str) -> bool:
    schema = definitions.get(name, {})
    return bool(schema.get("properties") or schema.get("enum"))


def type_name(schema: dict[str, Any], definitions: dict[str, Any]) -> str:
    """The Python type the SDK uses for a schema (int64 strings stay ``str``)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return model_class(name) if _is_class(definitions, name) else "object"
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "array":
        return f"list[{type_name(schema.get('items', {}), definitions)}]"
    if kind == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return f"dict(str, {type_name(extra, definitions)})"
        return "object"
    if kind == "string":
        return {"date-time": "datetime", "date": "date"}.get(fmt or "", "str")
    return {"integer": "int", "number": "float", "boolean": "bool", "file": "file"}.get(
        kind or "", "object"
    )


@dataclass(frozen=True)
class SdkParam:
    name: str  # as the SDK spells it
    wire: str  # as the contract spells it
    where: str  # body, path, query, formData
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class SdkMethod:
    name: str
    operation_id: str
    http_method: str
    path: str
    positional: tuple[SdkParam, ...]
    keyword: tuple[SdkParam, ...]
    returns: str | None
    summary: str
    description: str

    @property
    def signature(self) -> str:
        args = [p.name for p in self.positional] + [f"{p.name}=None" for p in self.keyword]
        return f"{self.name}({', '.join(args)})"


def _param(raw: dict[str, Any], definitions: dict[str, Any]) -> SdkParam:
    schema = raw.get("schema", raw)
    return SdkParam(
        name=snake_case(raw["name"]),
        wire=raw["name"],
        where=raw["in"],
        type=type_name(schema, definitions),
        required=bool(raw.get("required")),
        description=raw.get("description", ""),
    )


def sdk_methods(document: dict[str, Any]) -> list[SdkMethod]:
    """Every CMLServiceApi method, sorted by name: body or form parameters come first, then
    the rest in contract order, and required ones are positional (the generator's rules)."""
    definitions = document.get("definitions", {})
    methods = []
    for path, item in document["paths"].items():
        for verb, spec in item.items():
            if verb not in ("get", "post", "put", "patch", "delete"):
                continue
            raw = spec.get("parameters", [])
            ordered = [p for p in raw if p["in"] in ("body", "formData")]
            ordered += [p for p in raw if p["in"] not in ("body", "formData")]
            params = [_param(p, definitions) for p in ordered]
            success = next((code for code in spec.get("responses", {}) if code.isdigit()), None)
            schema = spec["responses"][success].get("schema") if success else None
            methods.append(SdkMethod(
                name=snake_case(spec["operationId"]),
                operation_id=spec["operationId"],
                http_method=verb.upper(),
                path=path,
                positional=tuple(p for p in params if p.required),
                keyword=tuple(p for p in params if not p.required),
                returns=type_name(schema, definitions) if schema else None,
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
            ))
    return sorted(methods, key=lambda method: method.name)


# ----------------------------------------------------------------------- the HTML page

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2329; }
header { background: #0a3a5c; color: #fff; padding: 1.2em 2em; }
header h1 { margin: 0; font-size: 1.6em; }
main { display: flex; }
nav { width: 20em; flex: none; padding: 1em; border-right: 1px solid #dde3e8; font-size: 13px;
      position: sticky; top: 0; height: 100vh; overflow-y: auto; box-sizing: border-box; }
nav ul { list-style: none; padding-left: 0.5em; margin: 0.2em 0 1em; }
nav li { overflow-wrap: anywhere; }
.kw { font-weight: normal; color: #4d5b66; }
article { padding: 1em 2em; min-width: 0; flex: 1; }
section { border-bottom: 1px solid #eef1f4; padding: 0.6em 0 1em; }
h2 { border-bottom: 2px solid #0a3a5c; padding-bottom: 0.2em; margin-top: 1.5em; }
h3 { font-family: ui-monospace, monospace; font-size: 1.05em; margin: 0.6em 0 0.3em;
     overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, monospace; background: #f3f5f7; border-radius: 3px; }
code { padding: 0 0.25em; }
pre { padding: 0.8em 1em; overflow-x: auto; }
.route { color: #4d5b66; }
.verb { font-weight: bold; color: #0a6b3c; }
table { border-collapse: collapse; margin: 0.4em 0; font-size: 14px; }
th, td { border: 1px solid #dde3e8; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f3f5f7; }
a { color: #0a5c9c; text-decoration: none; }
a:hover { text-decoration: underline; }
.muted { color: #6b7782; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _type_html(type_text: str, classes: set[str]) -> str:
    """Escape a type and link the model names inside it."""
    return re.sub(
        r"[A-Za-z_][A-Za-z0-9_]*",
        lambda m: (f'<a href="#model-{m.group(0)}">{m.group(0)}</a>'
                   if m.group(0) in classes else m.group(0)),
        _e(type_text),
    )


def _method_html(method: SdkMethod, classes: set[str]) -> str:
    args = [_e(p.name) for p in method.positional]
    args += [f'<span class="kw">{_e(p.name)}=None</span>' for p in method.keyword]
    returns = _type_html(method.returns, classes) if method.returns else "None"
    rows = "".join(
        f"<tr><td><code>{_e(p.name)}</code></td><td>{_e(p.where)}"
        f"{'' if p.wire == p.name else f' <code>{_e(p.wire)}</code>'}</td>"
        f"<td>{_type_html(p.type, classes)}</td>"
        f"<td>{'positional' if p.required else 'keyword'}</td><td>{_e(p.description)}</td></tr>"
        for p in (*method.positional, *method.keyword)
    )
    table = (
        "<table><tr><th>argument</th><th>sent in</th><th>type</th><th>passed as</th>"
        f"<th>description</th></tr>{rows}</table>" if rows else ""
    )
    return (
        f'<section id="method-{_e(method.name)}">'
        f"<h3>{_e(method.name)}({', '.join(args)}) → {returns}</h3>"
        f'<p class="route"><span class="verb">{_e(method.http_method)}</span> '
        f"<code>{_e(method.path)}</code> · operation <code>{_e(method.operation_id)}</code></p>"
        f"<p>{_e(method.summary)}. {_e(method.description)}</p>{table}</section>"
    )


def _model_html(name: str, schema: dict[str, Any], definitions: dict[str, Any],
                classes: set[str]) -> str:
    cls = model_class(name)
    parts = [f'<section id="model-{_e(cls)}"><h3>{_e(cls)}</h3>']
    if schema.get("description"):
        parts.append(f"<p>{_e(schema['description'])}</p>")
    if schema.get("enum"):
        values = ", ".join(f"<code>{_e(value)}</code>" for value in schema["enum"])
        parts.append(f"<p>String values: {values}.</p>")
    else:
        rows = "".join(
            f"<tr><td><code>{_e(field)}</code></td>"
            f"<td>{_type_html(type_name(prop, definitions), classes)}"
            f"{' <span class=muted>(int64 as a string)</span>' if prop.get('format') == 'int64' and prop.get('type') == 'string' else ''}"  # noqa: E501
            f"</td><td>{_e(prop.get('description', ''))}</td></tr>"
            for field, prop in schema["properties"].items()
        )
        parts.append(f"<table><tr><th>field</th><th>type</th><th>description</th></tr>"
                     f"{rows}</table>")
    parts.append("</section>")
    return "".join(parts)


@cache
def _page_template() -> str:
    document = load_contract().document
    definitions = document.get("definitions", {})
    methods = sdk_methods(document)
    models = sorted((name for name in definitions if _is_class(definitions, name)),
                    key=model_class)
    empty = sorted(name for name in definitions if not _is_class(definitions, name))
    classes = {model_class(name) for name in models}
    version = _e(document.get("info", {}).get("version", ""))

    nav = (
        '<nav><a href="#start"><b>Getting started</b></a>'
        f'<p><a href="#methods"><b>CMLServiceApi</b></a> ({len(methods)})</p><ul>'
        + "".join(f'<li><a href="#method-{_e(m.name)}">{_e(m.name)}</a></li>' for m in methods)
        + f'</ul><p><a href="#models"><b>Models</b></a> ({len(models)})</p><ul>'
        + "".join(f'<li><a href="#model-{_e(model_class(n))}">{_e(model_class(n))}</a></li>'
                  for n in models)
        + "</ul></nav>"
    )
    start = f"""
<section id="start"><h2>Getting started</h2>
<pre>pip install @@BASE@@{TARBALL_PATH}</pre>
<pre>import cmlapi

client = cmlapi.default_client("@@BASE@@", "&lt;API key&gt;")
# inside a workspace: cmlapi.default_client() reads CDSW_API_URL and CDSW_APIV2_KEY

client.validate_api_key(cmlapi.ValidateAPIKeyRequest(audience="API"))
for project in cmlapi.utils.Cursor(client.list_projects, page_size=100):
    print(project.id, project.name)
job_run = client.create_job_run({{}}, project_id, job_id)
runs = client.list_job_runs(project_id, job_id, sort="-created_at", page_size=1)</pre>
<ul>
<li><code>cmlapi.default_client(url=None, cml_api_key=None)</code> returns a
<code>CMLServiceApi</code> that sends <code>authorization: Bearer &lt;key&gt;</code>.</li>
<li>Positional arguments: the request <code>body</code> first, then the path
parameters in path order (dotted names such as <code>{{project.id}}</code> become
<code>project_id</code>). Query parameters are keyword arguments
(shown as <code>name=None</code>).</li>
<li>Answers are model objects with attribute access and <code>to_dict()</code>; 64-bit integers
arrive as strings. A body may be a model or a plain <code>dict</code>.</li>
<li><code>cmlapi.utils.Cursor(list_method, **kwargs)</code> iterates over every item of every
page, following <code>next_page_token</code>.</li>
<li>Failures raise <code>cmlapi.rest.ApiException</code> with <code>.status</code>,
<code>.reason</code> and <code>.body</code> (the JSON error envelope).</li>
<li>Every method also has a <code>*_with_http_info</code> twin that returns
<code>(data, status, headers)</code>.</li>
</ul></section>"""
    body = "".join(_method_html(m, classes) for m in methods)
    model_html = "".join(_model_html(n, definitions[n], definitions, classes) for n in models)
    empty_html = ", ".join(f"<code>{_e(n)}</code>" for n in empty)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cmlapi — Python SDK for the CML API v2</title>
<style>{_STYLE}</style>
</head>
<body>
<header><h1>cmlapi — Python SDK for the CML API v2</h1>
<div>contract {version} · <a style="color:#cde" href="/api/v2/swagger.html">REST reference</a>
· <a style="color:#cde" href="{TARBALL_PATH}">python.tar.gz</a></div></header>
<main>{nav}<article>{start}
<h2 id="methods">cmlapi.CMLServiceApi</h2>{body}
<h2 id="models">Models (cmlapi.models)</h2>
<p>Every model takes its fields as keyword arguments and has <code>to_dict()</code>.
Answers with no fields ({empty_html}) come back as a plain <code>dict</code>.</p>
{model_html}
</article></main>
</body>
</html>
"""


async def python_html(request: Request) -> HTMLResponse:
    base = str(request.base_url).rstrip("/")
    return HTMLResponse(_page_template().replace("@@BASE@@", _e(base)))


def sdk_routes() -> list[Route]:
    return [
        Route(TARBALL_PATH, python_tarball, methods=["GET"]),
        Route(HTML_PATH, python_html, methods=["GET"]),
    ]
