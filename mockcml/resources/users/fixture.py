"""How users and their API keys are written in fixture files."""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.users.service import AUDIENCES

API_KEY = k.Record("ApiKey", "An API key of the user (the secret itself; the mock stores a digest).", (
    k.Field("key", k.Text(nonempty=True, no_spaces=True), "The secret sent as 'Bearer <key>'.",
            required=True),
    k.Field("audiences", k.ListOf(k.Choice(AUDIENCES)), "What the key may be validated for.",
            default=["API"]),
    k.Field("expiry_date", k.Time(future=True),
            "When the key stops working (RFC 3339 or relative, e.g. \"+30d\"; a past time gives "
            "an expired key)."),
    k.Field("comments", k.Text(), "Free text, as CreateV2KeyRequest.comments."),
), key=("key",))

USER = k.Record("User", "A user of the workspace.", (
    k.Field("username", k.Text(nonempty=True, no_spaces=True), "Unique login name.", required=True),
    k.Field("name", k.Text(), "Display name.", default="the username"),
    k.Field("email", k.Text(), "E-mail address.", default="<username>@example.com"),
    k.bool_field("admin", "Site administrator: sees and may change every project."),
    k.Field("api_keys", k.ListOf(k.KeyOrRecord(API_KEY)),
            "Keys that authenticate as this user: strings, or mappings with key, audiences, "
            "expiry_date, comments."),
), key=("username",), extend=("api_keys",))
