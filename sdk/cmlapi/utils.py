"""Helpers that the generated client does not provide (hand-written, not generated).

``default_client`` builds a ready :class:`cmlapi.CMLServiceApi`; ``Cursor`` walks every
page of a list method.  Both only use the generated client, so they work against any
server that speaks the CML API v2.
"""

import os
import re

from cmlapi.api.cml_service_api import CMLServiceApi
from cmlapi.api_client import ApiClient
from cmlapi.configuration import Configuration

URL_VARIABLE = "CDSW_API_URL"
KEY_VARIABLE = "CDSW_APIV2_KEY"

# Inside a workspace CDSW_API_URL is the v1 endpoint, e.g. https://ml.example.com/api/v1;
# the generated paths already start with /api/v2, so only the origin is kept.
_API_SUFFIX = re.compile(r"/api/v[0-9]+$")


def _base_url(url):
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    return _API_SUFFIX.sub("", url)


def default_client(url=None, cml_api_key=None):
    """Return a :class:`cmlapi.CMLServiceApi` that talks to ``url`` with ``cml_api_key``.

    Without arguments the workspace variables are used: ``CDSW_API_URL`` (a trailing
    ``/api/v1`` or ``/api/v2`` is dropped) and ``CDSW_APIV2_KEY``.  Every request then
    carries ``authorization: Bearer <key>``.
    """
    url = url or os.environ.get(URL_VARIABLE)
    cml_api_key = cml_api_key or os.environ.get(KEY_VARIABLE)
    missing = []
    if not url:
        missing.append(f"the url argument or the {URL_VARIABLE} environment variable")
    if not cml_api_key:
        missing.append(f"the cml_api_key argument or the {KEY_VARIABLE} environment variable")
    if missing:
        raise ValueError("cmlapi.default_client needs " + " and ".join(missing))

    configuration = Configuration(host=_base_url(url))
    client = ApiClient(configuration)
    token = cml_api_key.strip()
    if not token.lower().startswith("bearer "):
        token = "Bearer " + token
    client.set_default_header("authorization", token)
    return CMLServiceApi(client)


def _list_attribute(page, items_field):
    if items_field is not None:
        return items_field
    types = getattr(type(page), "openapi_types", None)
    if not types:
        raise TypeError(f"{type(page).__name__} is not a paged list response")
    names = [name for name, kind in types.items() if kind.startswith("list[")]
    if len(names) != 1:
        found = ", ".join(names) if names else "none"
        raise ValueError(
            f"{type(page).__name__} has {len(names)} list fields ({found}); "
            "pass items_field= to Cursor"
        )
    return names[0]


class Cursor:
    """Iterate over every item a list method returns, page after page.

    ``Cursor(client.list_projects, search_filter='{"name":"demo"}')`` or
    ``Cursor(client.list_jobs, project_id=pid, page_size=50)``: the extra arguments are
    passed to each call, and ``page_token`` follows ``next_page_token`` until the server
    sends an empty one.  The item list is found from the response model (``projects``,
    ``jobs``, ``job_runs``...); name it with ``items_field=`` when a response has several.
    """

    def __init__(self, list_method, *args, items_field=None, **kwargs):
        self.list_method = list_method
        self.args = args
        self.kwargs = kwargs
        self.items_field = items_field

    def pages(self):
        """Yield each response page in turn."""
        kwargs = dict(self.kwargs)
        seen = set()
        while True:
            page = self.list_method(*self.args, **kwargs)
            yield page
            token = getattr(page, "next_page_token", None)
            if not token:
                return
            if token in seen:
                raise RuntimeError(f"the server sent page token {token!r} twice")
            seen.add(token)
            kwargs["page_token"] = token

    def items(self):
        """Yield every item of every page."""
        field = self.items_field
        for page in self.pages():
            field = _list_attribute(page, field)
            yield from getattr(page, field, None) or []

    def __iter__(self):
        return self.items()
