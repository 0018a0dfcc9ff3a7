"""Evidence files (tài liệu kiểm chứng): checked on upload, stored in the database, and served
only to accounts whose subtree holds the assessed unit."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from .. import audit
from ..models import CriterionScore, EvidenceFile, User
from .assessment import Assessment, AssessmentError, is_unit_manager

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Documents that administrations issue as evidence, each with the bytes its files start with:
# the declared name and type are not trusted on their own.
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def _clean_name(filename: str) -> str:
    name = unicodedata.normalize("NFC", PurePath(filename.replace("\\", "/")).name).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-200:] or "tai-lieu"


def add_evidence(session: Session, assessment: Assessment, row: CriterionScore, *,
                 filename: str, data: bytes, user: User) -> EvidenceFile:
    """Store one evidence file for ``row`` after checking its type and size."""
    if assessment.status != "draft":
        raise AssessmentError(_l("the self-assessment was submitted; evidence can no longer "
                                 "change"))
    if row.responsible_user_id != user.id and not is_unit_manager(session, user,
                                                                 assessment.unit_id):
        raise AssessmentError(_l("only the account assigned to this criterion or a manager of "
                                 "the unit may add evidence"))
    name = _clean_name(filename)
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise AssessmentError(_l("%(name)s: files of type '%(type)s' are not accepted; send "
                                 "%(allowed)s", name=name, type=suffix or "-",
                                 allowed=", ".join(sorted(ALLOWED))))
    if not data:
        raise AssessmentError(_l("%(name)s: the file is empty", name=name))
    if len(data) > MAX_EVIDENCE_BYTES:
        raise AssessmentError(_l("%(name)s: %(size)s bytes; the limit is %(limit)s bytes",
                                 name=name, size=len(data), limit=MAX_EVIDENCE_BYTES))
    content_type, signatures = ALLOWED[suffix]
    if not any(data.startswith(sig) for sig in signatures):
        raise AssessmentError(_l("%(name)s: the content is not a %(type)s file", name=name,
                                 type=suffix))
    evidence = EvidenceFile(criterion_score_id=row.id, unit_id=assessment.unit_id,
                            filename=name, content_type=content_type, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), data=data,
                            uploaded_by_id=user.id)
    session.add(evidence)
    session.flush()
    audit.record(session, "parindex.evidence", target=f"{assessment.unit.code}:"
                 f"{assessment.year}:{row.item_code}", user_id=user.id,
                 detail={"file": name, "size": len(data), "sha256": evidence.sha256})
    session.commit()
    return evidence
