"""The local store's tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

A recording is kept whole as its Engage JSON document; the other columns and tables exist
only so searches run in SQL: one row per contact for name searches, one per event data value
for ``userData`` searches. Times are naive UTC. The recording index (``recording_index``) is
the gateway's copy of other sources' listings, synced by `gateway.index_sync`.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "annotation_rows",
    "contacts",
    "index_walks",
    "metadata",
    "recording_index",
    "recordings",
    "retention_policies",
    "schema_migrations",
    "user_data",
]

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

recordings = sa.Table(
    "recordings",
    metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("region", sa.String(255), nullable=False),
    sa.Column("caller_number", sa.String(255), nullable=False),
    sa.Column("dialed_number", sa.String(255), nullable=False),
    sa.Column("start_time", sa.DateTime, nullable=False),
    sa.Column("stop_time", sa.DateTime, nullable=False),
    sa.Column("duration_ms", sa.BigInteger, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_recordings_start", "start_time", "id"),
    sa.Index("ix_recordings_duration", "duration_ms", "id"),
    sa.Index("ix_recordings_region_start", "region", "start_time"),
)

contacts = sa.Table(
    "recording_contacts",
    metadata,
    sa.Column("recording_id", sa.String(255), nullable=False, index=True),
    sa.Column("contact_type", sa.String(20), nullable=False),
    sa.Column("phone_number", sa.String(255), nullable=False),
    sa.Column("user_name", sa.String(255)),
    sa.Column("first_name", sa.String(255)),
    sa.Column("last_name", sa.String(255)),
    sa.Index("ix_contacts_user_name", "user_name"),
)

user_data = sa.Table(
    "recording_user_data",
    metadata,
    sa.Column("recording_id", sa.String(255), nullable=False, index=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Annotations the gateway keeps for recordings whose source has none of its own (any source); not
# named ``annotations``, which would shadow ``from __future__ import annotations``.
annotation_rows = sa.Table(
    "annotations",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("recording_source", sa.String(255), nullable=False),
    sa.Column("recording_id", sa.String(512), nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("description", sa.Text),
    sa.Column("location_ms", sa.BigInteger),
    sa.Column("duration_ms", sa.BigInteger),
    sa.Column("created_by", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_annotations_recording", "recording_source", "recording_id"),
)

# Retention policies the gateway applies to the local store's recordings (first enabled match by order).
retention_policies = sa.Table(
    "retention_policies",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("order", sa.Integer, nullable=False),
    sa.Column("region", sa.String(255)),
    sa.Column("archive_after_days", sa.Integer),
    sa.Column("delete_after_days", sa.Integer),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("modified_at", sa.DateTime, nullable=False),
)

# Ids compare by code point on every backend, as the gateway's merge compares them.
_NATIVE_ID = sa.String(512).with_variant(sa.String(512, collation="C"), "postgresql")

# The metadata index of sources whose own listing cannot give every order: one row per recording,
# with what orders and pushed-down filters need, and the mapped recording (a page needs no upstream call).
recording_index = sa.Table(
    "recording_index",
    metadata,
    sa.Column("source", sa.String(255), primary_key=True),
    sa.Column("id", _NATIVE_ID, primary_key=True),
    sa.Column("start_us", sa.BigInteger),  # epoch microseconds
    sa.Column("duration_ms", sa.BigInteger),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("region", sa.String(255)),
    sa.Column("conversation_id", sa.String(512)),
    sa.Column("call_id", sa.String(512)),
    # False while the numbers live on a call resource not read yet (`call_id`).
    sa.Column("numbers_known", sa.Boolean, nullable=False),
    sa.Column("caller_number", sa.String(255)),
    sa.Column("dialed_number", sa.String(255)),
    sa.Column("recording", sa.JSON, nullable=False),
    sa.Column("synced_at", sa.DateTime, nullable=False),
)
# Keyset listings sort a missing value as 0, as the merge does.
sa.Index(
    "ix_recording_index_start",
    recording_index.c.source,
    sa.func.coalesce(recording_index.c.start_us, 0),
    recording_index.c.id,
)
sa.Index(
    "ix_recording_index_duration",
    recording_index.c.source,
    sa.func.coalesce(recording_index.c.duration_ms, 0),
    recording_index.c.id,
)
sa.Index("ix_recording_index_calls", recording_index.c.source, recording_index.c.numbers_known)

# When each indexed source's listing was last walked to its end (its index is complete as of then).
index_walks = sa.Table(
    "recording_index_walks",
    metadata,
    sa.Column("source", sa.String(255), primary_key=True),
    sa.Column("walked_at", sa.DateTime, nullable=False),
)
