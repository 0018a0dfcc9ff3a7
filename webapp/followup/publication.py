"""A unit's public face: the opt-in to a transparency page and its "you said, we did" note."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import audit
from ..models import Unit, UnitPublication


def publication_of(session: Session, unit: Unit) -> UnitPublication:
    """The unit's publication settings (unpublished, no note, when never set)."""
    found = session.get(UnitPublication, unit.id)
    return found if found is not None else UnitPublication(unit_id=unit.id, published=False)


def save_publication(session: Session, unit: Unit, *, published: bool, note_vi: str | None,
                     note_en: str | None, user_id: int | None = None) -> UnitPublication:
    """Store the opt-in and the note (empty notes are stored as none)."""
    pub = session.get(UnitPublication, unit.id)
    if pub is None:
        pub = UnitPublication(unit_id=unit.id)
        session.add(pub)
    pub.published = published
    pub.note_vi = (note_vi or "").strip()[:4000] or None
    pub.note_en = (note_en or "").strip()[:4000] or None
    audit.record(session, "units.publication", target=unit.code, user_id=user_id,
                 detail={"published": published})
    session.commit()
    return pub
