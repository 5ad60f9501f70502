"""Units: every agency belongs to the province, a commune or district, the national level or another province.

Schema: a ``units`` table; ``agencies.unit_id``; agency names unique within a unit (``uq_agencies_unit_id_name``)
instead of across the whole directory (a partial unique index keeps names unique among agencies without a unit);
the agency level ``trung-uong`` (national bodies); ``assignments.note`` (what a plan adds to a name: "(nếu có)").

Data: each agency is put in its unit, and an agency that plans of several communes shared is split, one row per
unit, keeping its history (``models.unit_split``): assignments go to the row of their plan's unit, groups of a
commune keep that commune's members only, contacts stay on the row of the first plan's unit unless their name
or email names another unit's place, and every split is written to the audit log and flagged for review.
Downgrade merges rows of the same name back into the oldest one, then restores the single-directory schema.

Revision ID: 0004_units
Revises: 0004_formats
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_units'
down_revision: str | None = '0004_formats'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = "level IN ('tinh', 'huyen', 'xa', 'trung-uong', 'other')"
OLD_LEVELS = "level IN ('tinh', 'huyen', 'xa', 'other')"


def upgrade() -> None:
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('tinh', 'huyen', 'xa', 'trung-uong', 'ngoai')", name=op.f('ck_units_kind')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('key', name=op.f('uq_units_key'))
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agencies_unit_id'), ['unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agencies_unit_id_units'), 'units', ['unit_id'], ['id'],
                                    ondelete='RESTRICT')
        batch_op.drop_constraint(batch_op.f('uq_agencies_name'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_agencies_unit_id_name'), ['unit_id', 'name'])
        batch_op.drop_constraint(batch_op.f('ck_agencies_level'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_agencies_level'), LEVELS)
    op.create_index('uq_agencies_name_without_unit', 'agencies', ['name'], unique=True,
                    sqlite_where=sa.text('unit_id IS NULL'), postgresql_where=sa.text('unit_id IS NULL'))
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))

    from models.unit_split import split_by_unit

    split_by_unit(op.get_bind())


def downgrade() -> None:
    from models.unit_split import merge_same_names

    merge_same_names(op.get_bind())
    op.execute("UPDATE agencies SET level = 'other' WHERE level = 'trung-uong'")
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('note')
    op.drop_index('uq_agencies_name_without_unit', table_name='agencies',
                  sqlite_where=sa.text('unit_id IS NULL'), postgresql_where=sa.text('unit_id IS NULL'))
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_agencies_level'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_agencies_level'), OLD_LEVELS)
        batch_op.drop_constraint(batch_op.f('uq_agencies_unit_id_name'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_agencies_name'), ['name'])
        batch_op.drop_constraint(batch_op.f('fk_agencies_unit_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agencies_unit_id'))
        batch_op.drop_column('unit_id')
    op.drop_table('units')
