"""Revocable API tokens: ``api_tokens`` keeps the SHA-256 of each bearer token the admin hands out.

The earlier tokens were signed with the secret key and could be revoked only all at once, by changing the key;
they are refused from this revision on (the API answers 401 naming the command that makes a new one).

Revision ID: 0009_api_tokens
Revises: 0008_links
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_api_tokens'
down_revision: str | None = '0008_links'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )


def downgrade() -> None:
    op.drop_table('api_tokens')
