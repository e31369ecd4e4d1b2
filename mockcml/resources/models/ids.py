"""Identifiers a workspace gives models, builds and deployments besides their id."""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
# A workspace CRN names the tenant and the workspace; the mock has one of each.
CRN_PREFIX = "crn:cdp:ml:us-west-1:mockcml:workspace:mockcml"


def crn(resource_id: str) -> str:
    return f"{CRN_PREFIX}/{resource_id}"


def access_key() -> str:
    """A model's access key: 32 lower-case letters and digits, as a workspace issues them."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(32))
