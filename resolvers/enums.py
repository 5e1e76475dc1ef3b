"""The domain enums as GraphQL enums (values are the Python member names)."""

import strawberry

from gateway import models
from gateway.query import Capability
from gateway.sources.base import HealthStatus

__all__ = [
    "ContactType",
    "MediaFormat",
    "ParticipantEventType",
    "RecordingKind",
    "RecordingState",
    "SourceCapability",
    "SourceHealthStatus",
    "SourceKind",
]

SourceKind = strawberry.enum(models.SourceKind, name="SourceKind")
RecordingKind = strawberry.enum(models.RecordingKind, name="RecordingKind")
RecordingState = strawberry.enum(
    models.RecordingState, name="RecordingState", description="Recording states normalized across vendors."
)
MediaFormat = strawberry.enum(models.MediaFormat, name="MediaFormat")
ContactType = strawberry.enum(models.ContactType, name="ContactType")
ParticipantEventType = strawberry.enum(models.ParticipantEventType, name="ParticipantEventType")
SourceCapability = strawberry.enum(Capability, name="SourceCapability")
SourceHealthStatus = strawberry.enum(HealthStatus, name="SourceHealthStatus")
