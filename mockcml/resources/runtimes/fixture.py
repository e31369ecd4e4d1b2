"""The ``runtimes`` list of a fixture file: images jobs and applications may name."""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.runtimes.service import RUNTIME_STATUSES

# Fixture status -> the API's name (accepted as well). A test keeps these in step with the
# lifecycle modules of mockcml/resources.

RUNTIME = k.Record("Runtime", "An ML Runtime image that jobs can name in runtime_identifier.", (
    k.Field("image_identifier", k.Text(nonempty=True, no_spaces=True),
            "The image, e.g. docker.repository.cloudera.com/cloudera/cdsw/"
            "ml-runtime-workbench-python3.10-standard:2023.08.2-b8.", required=True),
    k.Field("editor", k.Text(), "Editor, e.g. Workbench or JupyterLab.",
            default="read from image_identifier"),
    k.Field("kernel", k.Text(), "Kernel, e.g. Python 3.10.", default="read from image_identifier"),
    k.Field("edition", k.Text(), "Edition, e.g. Standard or Nvidia GPU.",
            default="read from image_identifier"),
    k.Field("description", k.Text(), "Free text.", default="built from the other fields"),
    k.Field("full_version", k.Text(), "Version, e.g. 2023.08.2-b8.",
            default="the image tag"),
    k.Field("status", k.Choice(RUNTIME_STATUSES), "RuntimeStatus.", default="ENABLED"),
    k.Field("register_user", k.Ref("user"), "Username of who registered the image "
            "(register_user_id on the wire); none for Cloudera's own images."),
), key=("image_identifier",))
