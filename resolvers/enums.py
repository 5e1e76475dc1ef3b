"""The domain enums as GraphQL enums (values are the Python member names).

Each name is an alias of its domain enum, so that it is a valid annotation; `strawberry.enum` registers the
domain enum itself (it marks and returns the class it is given), under the GraphQL name.
"""

import strawberry

from gateway import models
from gateway.events import EventType
from gateway.query import Capability, SortField
from gateway.sources.base import HealthStatus

__all__ = [
    "ContactType",
    "MediaFormat",
    "ParticipantEventType",
    "RecordingChangeType",
    "RecordingKind",
    "RecordingSortField",
    "RecordingState",
    "SourceCapability",
    "SourceHealthStatus",
    "SourceKind",
]

SourceKind = models.SourceKind
RecordingKind = models.RecordingKind
RecordingState = models.RecordingState
MediaFormat = models.MediaFormat
ContactType = models.ContactType
ParticipantEventType = models.ParticipantEventType
SourceCapability = Capability
SourceHealthStatus = HealthStatus
RecordingChangeType = EventType
RecordingSortField = SortField

strawberry.enum(SourceKind)
strawberry.enum(RecordingKind)
strawberry.enum(RecordingState, description="Recording states normalized across vendors.")
strawberry.enum(MediaFormat)
strawberry.enum(ContactType)
strawberry.enum(ParticipantEventType)
strawberry.enum(SourceCapability, name="SourceCapability")
strawberry.enum(SourceHealthStatus, name="SourceHealthStatus")
strawberry.enum(RecordingChangeType, name="RecordingChangeType")
strawberry.enum(RecordingSortField, name="RecordingSortField")
