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
from .inclusion import SurveyAudio, SurveyTranslation, UnitSurveyOptions
from .integration import ApiKey
from .par_index import (
    ActionPlanOwner,
    Assessment,
    CriterionScore,
    EvidenceFile,
    OfficialResult,
    ScorecardPoint,
    ScorecardVersion,
    Target,
)
from .procedure import DossierCount, Procedure, ProcedureField
from .response import Comment, CommentContact, DossierToken, Response
from .statistics import StatCell, StatCellSet
from .survey import SurveyVersion
from .unit import Counter, Unit
from .user import AuditEntry, Role, User

__all__ = [
    "ActionPlan",
    "ActionPlanOwner",
    "Assessment",
    "CriterionScore",
    "EvidenceFile",
    "OfficialResult",
    "ScorecardPoint",
    "ScorecardVersion",
    "Target",
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
    "SurveyAudio",
    "SurveyTranslation",
    "UnitSurveyOptions",
    "SampleMember",
    "SamplingFrame",
    "StatCell",
    "StatCellSet",
    "SurveyVersion",
    "Unit",
    "UnitPublication",
    "User",
]
