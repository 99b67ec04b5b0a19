"""Initial schema: users, calls, overrides, drills.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("username_key", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("team", sa.String(length=128), nullable=True),
        sa.Column("agent_id", sa.String(length=128), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("role IN ('trainee', 'reviewer', 'lead', 'admin')", name="ck_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.UniqueConstraint("username_key", name="uq_users_username_key"),
        sa.UniqueConstraint("agent_id", name="uq_users_agent_id"),
    )
    op.create_index("ix_users_team", "users", ["team"])

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("rubric_id", sa.String(length=200), nullable=True),
        sa.Column("rubric_fingerprint", sa.String(length=128), nullable=False),
        sa.Column("agent_id", sa.String(length=128), nullable=True),
        sa.Column("team", sa.String(length=128), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("started_at", sa.String(length=64), nullable=True),
        sa.Column("call_date", sa.Date(), nullable=True),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["saved_by_id"], ["users.id"], name="fk_calls_saved_by_id_users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_calls"),
        sa.UniqueConstraint("call_id", "rubric_fingerprint", name="uq_calls_call_id_fingerprint"),
    )
    op.create_index("ix_calls_call_id", "calls", ["call_id"])
    op.create_index("ix_calls_agent_id", "calls", ["agent_id"])
    op.create_index("ix_calls_team", "calls", ["team"])
    op.create_index("ix_calls_call_date", "calls", ["call_date"])

    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("model_level", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_overrides_level_range"),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], name="fk_overrides_call_pk_calls", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name="fk_overrides_reviewer_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_overrides"),
    )
    op.create_index("ix_overrides_call_pk", "overrides", ["call_pk"])
    op.create_index("ix_overrides_call_id", "overrides", ["call_id"])
    op.create_index("ix_overrides_reviewer_id", "overrides", ["reviewer_id"])

    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=128), nullable=True),
        sa.Column("scenario_id", sa.String(length=200), nullable=False),
        sa.Column("scenario_title", sa.String(length=300), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("drill_date", sa.Date(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_drills_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_drills"),
    )
    op.create_index("ix_drills_user_id", "drills", ["user_id"])
    op.create_index("ix_drills_team", "drills", ["team"])
    op.create_index("ix_drills_scenario_id", "drills", ["scenario_id"])
    op.create_index("ix_drills_drill_date", "drills", ["drill_date"])


def downgrade() -> None:
    op.drop_table("drills")
    op.drop_table("overrides")
    op.drop_table("calls")
    op.drop_table("users")
