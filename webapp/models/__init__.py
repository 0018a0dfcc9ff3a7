"""hailong's data model, one module per aggregate."""

from .base import Base
from .fieldwork import (
    BackCheck,
    FieldAnswer,
    FieldInterview,
    FieldSample,
    FrameContact,
    FrameUnit,
    InterviewDraft,
    PaperEntry,
    SampleMember,
    SamplingFrame,
)
from .followup import ActionPlan, UnitPublication
from .forms import FormSubmission
from .inclusion import InterfaceTranslation, SurveyAudio, SurveyTranslation, UnitSurveyOptions
from .integration import ApiKey
from .jobs import BlobChunk, Job, JobFile, JobStatus
from .onestop import OnestopUnitScore
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
    "BlobChunk",
    "Job",
    "JobFile",
    "JobStatus",
    "AuditEntry",
    "Base",
    "Comment",
    "CommentContact",
    "Counter",
    "DossierCount",
    "DossierToken",
    "FieldAnswer",
    "FormSubmission",
    "FieldInterview",
    "BackCheck",
    "FieldSample",
    "InterviewDraft",
    "FrameContact",
    "FrameUnit",
    "OnestopUnitScore",
    "PaperEntry",
    "Procedure",
    "ProcedureField",
    "Response",
    "Role",
    "InterfaceTranslation",
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
