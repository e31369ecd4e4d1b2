"""Fixture records of ML Runtimes: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Field,
    Record,
    Ref,
    Text,
)

RUNTIME_STATUSES = ("ENABLED", "DISABLED", "DEPRECATED")
# Fixture status -> the API's name (accepted as well). A test keeps these in step with the
# lifecycle modules of mockcml/resources.

RUNTIME = Record("Runtime", "An ML Runtime image that jobs can name in runtime_identifier.", (
    Field("image_identifier", Text(nonempty=True, no_spaces=True),
          "The image, e.g. docker.repository.cloudera.com/cloudera/cdsw/"
          "ml-runtime-workbench-python3.10-standard:2023.08.2-b8.", required=True),
    Field("editor", Text(), "Editor, e.g. Workbench or JupyterLab.",
          default="read from image_identifier"),
    Field("kernel", Text(), "Kernel, e.g. Python 3.10.", default="read from image_identifier"),
    Field("edition", Text(), "Edition, e.g. Standard or Nvidia GPU.",
          default="read from image_identifier"),
    Field("description", Text(), "Free text.", default="built from the other fields"),
    Field("full_version", Text(), "Version, e.g. 2023.08.2-b8.",
          default="the image tag"),
    Field("status", Choice(RUNTIME_STATUSES), "RuntimeStatus.", default="ENABLED"),
    Field("register_user", Ref("user"), "Username of who registered the image "
          "(register_user_id on the wire); none for Cloudera's own images."),
), key=("image_identifier",))
