"""Fixture records of users and their API keys: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Field,
    KeyOrRecord,
    ListOf,
    Record,
    Text,
    Time,
    bool_field,
)

AUDIENCES = ("API", "Application")

API_KEY = Record("ApiKey", "An API key of the user (the secret itself; the mock stores a digest).", (
    Field("key", Text(nonempty=True, no_spaces=True), "The secret sent as 'Bearer <key>'.",
          required=True),
    Field("audiences", ListOf(Choice(AUDIENCES)), "What the key may be validated for.",
          default=["API"]),
    Field("expiry_date", Time(future=True),
          "When the key stops working (RFC 3339 or relative, e.g. \"+30d\"; a past time gives "
          "an expired key)."),
    Field("comments", Text(), "Free text, as CreateV2KeyRequest.comments."),
), key=("key",))

USER = Record("User", "A user of the workspace.", (
    Field("username", Text(nonempty=True, no_spaces=True), "Unique login name.", required=True),
    Field("name", Text(), "Display name.", default="the username"),
    Field("email", Text(), "E-mail address.", default="<username>@example.com"),
    bool_field("admin", "Site administrator: sees and may change every project."),
    Field("api_keys", ListOf(KeyOrRecord(API_KEY)),
          "Keys that authenticate as this user: strings, or mappings with key, audiences, "
          "expiry_date, comments."),
), key=("username",), extend=("api_keys",))
