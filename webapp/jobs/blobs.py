"""Files kept in the database in chunks, so that every application instance can serve them.

A file is one :class:`~webapp.models.JobFile` row and its bytes in :class:`~webapp.models.BlobChunk`
rows of at most ``CHUNK_SIZE`` bytes; writing and reading hold one chunk in memory at a time.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session

from ..models import BlobChunk, JobFile

# 1 MiB: large enough that a 100 MB export is a hundred rows, small enough for any driver.
CHUNK_SIZE = 1024 * 1024


def store(session: Session, job_id: int, name: str, source: BinaryIO, *,
          chunk_size: int = CHUNK_SIZE, content_type: str | None = None) -> JobFile:
    """Copy ``source`` into chunk rows of job ``job_id`` under ``name`` (the caller commits)."""
    guessed = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    record = JobFile(job_id=job_id, name=name, content_type=guessed)
    session.add(record)
    session.flush()
    digest, size, seq = hashlib.sha256(), 0, 0
    while piece := source.read(chunk_size):
        # A Core insert: no ORM object keeps the bytes alive after the statement.
        session.execute(insert(BlobChunk).values(file_id=record.id, seq=seq, data=piece))
        digest.update(piece)
        size += len(piece)
        seq += 1
    record.size, record.chunks, record.sha256 = size, seq, digest.hexdigest()
    session.flush()
    return record


def store_path(session: Session, job_id: int, path: Path, *,
               chunk_size: int = CHUNK_SIZE) -> JobFile:
    """Store the file at ``path`` under its own name."""
    with path.open("rb") as source:
        return store(session, job_id, path.name, source, chunk_size=chunk_size)


def find(session: Session, job_id: int, name: str) -> JobFile | None:
    """The stored file ``name`` of a job, or None."""
    return session.scalar(select(JobFile).where(JobFile.job_id == job_id, JobFile.name == name))


def files_of(session: Session, job_id: int) -> list[JobFile]:
    """A job's files in the order they were stored."""
    return list(session.scalars(select(JobFile).where(JobFile.job_id == job_id)
                                .order_by(JobFile.id)))


def stream(engine: Engine, file_id: int, chunks: int) -> Iterator[bytes]:
    """The file's bytes, one chunk per query on a connection of its own (a download outlives
    the request's session)."""
    with engine.connect() as conn:
        for seq in range(chunks):
            data = conn.scalar(select(BlobChunk.data).where(BlobChunk.file_id == file_id,
                                                            BlobChunk.seq == seq))
            if data is None:  # deleted while being read (expired): end short, never mix
                raise FileNotFoundError(f"chunk {seq} of stored file {file_id} is gone")
            yield bytes(data)


def delete_files(session: Session, job_id: int) -> int:
    """Delete a job's files and their chunks (the caller commits); return how many files."""
    ids = list(session.scalars(select(JobFile.id).where(JobFile.job_id == job_id)))
    if ids:
        session.execute(delete(BlobChunk).where(BlobChunk.file_id.in_(ids)))
        session.execute(delete(JobFile).where(JobFile.id.in_(ids)))
    return len(ids)
