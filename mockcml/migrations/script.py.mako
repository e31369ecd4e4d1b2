## A revision's header. Only the imports its commands use: autogenerate writes sa.* and
## sqlmodel's AutoString for some changes only (an index or a dropped column needs neither).
## branch_labels and depends_on are left to Alembic's default (None): the history is one line.
<% body = (upgrades or "") + (downgrades or "") %>\
"""${message}

Revision ${up_revision}, after ${down_revision | comma,n}; written ${create_date}.
"""

% if "sa." in body:
import sqlalchemy as sa
% endif
% if "sqlmodel." in body:
import sqlmodel.sql.sqltypes
% endif
from alembic import op
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
