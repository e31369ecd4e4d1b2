"""The public documents a workspace serves next to its API, without authentication."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mockcml.core.contract import load_contract
from mockcml.sdk_docs import sdk_routes

ASSETS_URL = "/api/v2/swagger-ui"
PUBLIC_PATHS = ("/api/v2/swagger.json", "/api/v2/swagger.html")

# Everything the page needs comes from the swagger-ui-bundle wheel, served by us:
# the page works on a machine with no internet access.
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>mockcml — CML API v2</title>
  <link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script src="{assets}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "/api/v2/swagger.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      persistAuthorization: true,
      // The contract declares the key as a raw header; accept a bare key in Authorize.
      requestInterceptor: function (req) {{
        var value = req.headers && req.headers.authorization;
        if (value && !/^bearer /i.test(value)) {{ req.headers.authorization = "Bearer " + value; }}
        return req;
      }},
      // Descriptions are Markdown, where a placeholder such as <API key> reads as an HTML
      // tag and vanishes: the copy this page renders shows it as text. The contract served
      // at /api/v2/swagger.json stays byte for byte the file.
      responseInterceptor: function (res) {{
        if (res.url && res.url.indexOf("/api/v2/swagger.json") !== -1 && typeof res.text === "string") {{
          res.text = res.text.replace(/<([A-Za-z][A-Za-z0-9 _-]*)>/g, "&lt;$1&gt;");
        }}
        return res;
      }}
    }});
  </script>
</body>
</html>
"""


async def swagger_json(_request) -> Response:
    return Response(load_contract().raw, media_type="application/json")


async def swagger_html(_request) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(assets=ASSETS_URL))


def document_routes() -> list:
    return [
        Route("/api/v2/swagger.json", swagger_json, methods=["GET"]),
        Route("/api/v2/swagger.html", swagger_html, methods=["GET"]),
        Mount(ASSETS_URL, app=StaticFiles(directory=Path(swagger_ui_bundle.swagger_ui_path)),
              name="swagger-ui"),
        *sdk_routes(),
    ]
