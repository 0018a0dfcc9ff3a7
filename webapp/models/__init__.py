"""hailong's data model, one module per aggregate."""

from .base import Base
from .fieldwork import (
    FieldAnswer,
    FieldInterview,
    FieldSample,
    FrameContact,
    FrameUnit,
    SampleMember,
    SamplingFrame,
)
from .followup import ActionPlan, UnitPublication
from .integration import ApiKey
from .procedure import DossierCount, Procedure, ProcedureField
from .response import Comment, CommentContact, DossierToken, Response
from .survey import SurveyVersion
from .unit import Counter, Unit
from .user import AuditEntry, Role, User

__all__ = [
    "ActionPlan",
    "ApiKey",
    "AuditEntry",
    "Base",
    "Comment",
    "CommentContact",
    "Counter",
    "DossierCount",
    "DossierToken",
    "FieldAnswer",
    "FieldInterview",
    "FieldSample",
    "FrameContact",
    "FrameUnit",
    "Procedure",
    "ProcedureField",
    "Response",
    "Role",
    "SampleMember",
    "SamplingFrame",
    "SurveyVersion",
    "Unit",
    "UnitPublication",
    "User",
]
