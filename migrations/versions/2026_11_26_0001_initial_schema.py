"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 19:32:17.927044
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("organisers", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_slug")),
    )
    op.create_table(
        "speaker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speaker")),
        sa.UniqueConstraint("slug", name=op.f("uq_speaker_slug")),
    )
    op.create_table(
        "recording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "media_kind",
            sa.Enum(
                "file",
                "url",
                "youtube",
                name="media_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("media_path", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("media_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("youtube_id", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
        sa.Column("poster", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("duration > 0", name=op.f("ck_recording_duration_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_recording_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording")),
        sa.UniqueConstraint("slug", name=op.f("uq_recording_slug")),
    )
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recording_event_id"), ["event_id"], unique=False)

    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "plenary",
                "round_table",
                "panel",
                "talk",
                "qa",
                "break",
                "other",
                name="segment_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint('start < "end"', name=op.f("ck_segment_start_before_end")),
        sa.CheckConstraint("start >= 0", name=op.f("ck_segment_start_not_negative")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["segment.id"],
            name=op.f("fk_segment_parent_id_segment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_segment_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment")),
        sa.UniqueConstraint("recording_id", "slug", name="uq_segment_recording_slug"),
    )
    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_segment_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_segment_recording_start", ["recording_id", "start"], unique=False)

    op.create_table(
        "transcript_cue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
        sa.CheckConstraint('start < "end"', name=op.f("ck_transcript_cue_start_before_end")),
        sa.CheckConstraint("start >= 0", name=op.f("ck_transcript_cue_start_not_negative")),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_transcript_cue_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speaker.id"],
            name=op.f("fk_transcript_cue_speaker_id_speaker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_cue")),
    )
    with op.batch_alter_table("transcript_cue", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transcript_cue_recording_start", ["recording_id", "start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transcript_cue_speaker_id"), ["speaker_id"], unique=False
        )

    op.create_table(
        "annotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("speaker_id", sa.Integer(), nullable=True),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "note",
                "quote",
                "highlight",
                "question",
                "bookmark",
                name="annotation_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("start", sa.Float(), nullable=True),
        sa.Column("end", sa.Float(), nullable=True),
        sa.Column(
            "placement",
            sa.Enum(
                "exact",
                "approximate",
                "unplaced",
                name="placement",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "public",
                "private",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(placement = 'unplaced') = (start IS NULL)",
            name=op.f("ck_annotation_unplaced_has_no_time"),
        ),
        sa.CheckConstraint(
            '"end" IS NULL OR start < "end"', name=op.f("ck_annotation_start_before_end")
        ),
        sa.CheckConstraint("start >= 0", name=op.f("ck_annotation_start_not_negative")),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_annotation_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reply_to_id"],
            ["annotation.id"],
            name=op.f("fk_annotation_reply_to_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_annotation_segment_id_segment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speaker.id"],
            name=op.f("fk_annotation_speaker_id_speaker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation")),
    )
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_annotation_recording_start", ["recording_id", "start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_annotation_reply_to_id"), ["reply_to_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_annotation_segment_id"), ["segment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annotation_speaker_id"), ["speaker_id"], unique=False)

    op.create_table(
        "segment_speaker",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "moderator",
                "speaker",
                "panelist",
                name="speaker_role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_segment_speaker_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speaker.id"],
            name=op.f("fk_segment_speaker_speaker_id_speaker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("segment_id", "speaker_id", name=op.f("pk_segment_speaker")),
    )
    with op.batch_alter_table("segment_speaker", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_segment_speaker_speaker_id"), ["speaker_id"], unique=False
        )

    op.create_table(
        "annotation_tag",
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotation.id"],
            name=op.f("fk_annotation_tag_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("annotation_id", "tag", name=op.f("pk_annotation_tag")),
    )
    with op.batch_alter_table("annotation_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotation_tag_tag"), ["tag"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("annotation_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotation_tag_tag"))

    op.drop_table("annotation_tag")
    with op.batch_alter_table("segment_speaker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segment_speaker_speaker_id"))

    op.drop_table("segment_speaker")
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotation_speaker_id"))
        batch_op.drop_index(batch_op.f("ix_annotation_segment_id"))
        batch_op.drop_index(batch_op.f("ix_annotation_reply_to_id"))
        batch_op.drop_index("ix_annotation_recording_start")

    op.drop_table("annotation")
    with op.batch_alter_table("transcript_cue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transcript_cue_speaker_id"))
        batch_op.drop_index("ix_transcript_cue_recording_start")

    op.drop_table("transcript_cue")
    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.drop_index("ix_segment_recording_start")
        batch_op.drop_index(batch_op.f("ix_segment_parent_id"))

    op.drop_table("segment")
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_event_id"))

    op.drop_table("recording")
    op.drop_table("speaker")
    op.drop_table("event")
