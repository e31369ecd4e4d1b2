"""HTTP side of users and keys: decode the call, ask the service, shape the answer."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument, NotFound, PermissionDenied
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.users import keys
from mockcml.resources.users.service import AUDIENCES, get_user_by_id, key_audiences
from mockcml.resources.users.tables import ApiKey


@operation("ValidateAPIKey")
def validate_api_key(call: Call) -> dict:
    audience = (call.body or {}).get("audience") or "API"
    if audience not in AUDIENCES:
        raise InvalidArgument(f"unknown audience {audience!r}, expected API or Application")
    if audience not in key_audiences(call.key):
        # Seen on a live workspace: an API key checked for "Application" is a 403 / code 7.
        raise PermissionDenied("audience mismatch")
    return {"valid": True, "username": call.user.username, "message": "API key is valid"}


@operation("GetShortUserByID")
def get_short_user_by_id(call: Call) -> dict:
    # Any signed-in user may look a user up; ids are the users table's integers.
    # The contract types user_id int32; the path arrives decoded (core.contract.decode_path).
    user = get_user_by_id(call.session, str(call.path["user_id"]))
    if user is None:
        raise NotFound(f"user {call.path['user_id']!r} not found")
    return short_user(user)


def key_details(key: ApiKey) -> dict:
    """V2KeyDetails: everything about a key except its secret, which is never stored."""
    return {
        "key_id": key.key_id,
        # Typed as a plain string by the reference; written as RFC 3339 like every time.
        "created_at": timestamp(key.created_at),
        "expiry_date": key.expiry_date,
        "comments": key.comments,
        "audiences": key_audiences(key),
    }


@operation("CreateV2Key", same_ids=("username",))
def create_v2_key(call: Call) -> dict:
    owner = keys.key_owner(call.session, call.user, call.path["username"])
    key, secret = keys.create_key(call.session, owner, call.body or {}, call.now)
    return {"api_key": secret, **key_details(key)}


@operation("ListV2Keys")
def list_v2_keys(call: Call) -> dict:
    owner = keys.key_owner(call.session, call.user, call.path["username"])
    return {"keys": [key_details(key) for key in keys.list_keys(call.session, owner)]}


@operation("DeleteV2Key")
def delete_v2_key(call: Call) -> dict:
    owner = keys.key_owner(call.session, call.user, call.path["username"])
    keys.delete_key(call.session, owner, call.path["key_id"])
    return {}


@operation("DeleteV2Keys")
def delete_v2_keys(call: Call) -> dict:
    owner = keys.key_owner(call.session, call.user, call.path["username"])
    keys.delete_keys(call.session, owner)
    return {}
