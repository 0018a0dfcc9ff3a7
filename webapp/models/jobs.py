"""Background jobs and the files they produce, kept in the database so every instance sees them.

A :class:`Job` row holds the whole state of one piece of background work (an export, say): who
asked, what they asked, how far it got, its result or error. The queue (:mod:`webapp.jobs.queue`)
carries only the job's id. Files a job produces are :class:`JobFile` rows whose bytes are split
into :class:`BlobChunk` rows, so any application instance can stream them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONDocument, utcnow


class JobStatus:
    """The states of a job (a plain string column; see :mod:`webapp.jobs.store`)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, but its files were deleted after their time


class Job(Base):
    """One background job: owner, kind, request, progress, result or error, and liveness."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_status_heartbeat", "status", "heartbeat_at"),
        Index("ix_job_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What a URL shows: random, so a job cannot be guessed from another's.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    request: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=2)
    # The worker running it (host:pid) and when it last said it was alive; for a queued job,
    # when it was last put on the queue (None: once, at ``created_at``).
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    # When its files are deleted by the cleanup job (None: never, or nothing to delete).
    expires_at: Mapped[dt.datetime | None] = mapped_column(index=True)


class JobFile(Base):
    """One file a job produced; its bytes are the :class:`BlobChunk` rows in ``seq`` order."""

    __tablename__ = "job_file"
    __table_args__ = (UniqueConstraint("job_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    chunks: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    content_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")


class BlobChunk(Base):
    """A piece of a stored file (at most ``webapp.jobs.blobs.CHUNK_SIZE`` bytes)."""

    __tablename__ = "blob_chunk"
    __table_args__ = (UniqueConstraint("file_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("job_file.id", ondelete="CASCADE"))
    seq: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
