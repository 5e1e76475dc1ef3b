"""Annotations on recordings: the type, and the same mutations whatever source keeps them."""

from datetime import UTC, datetime

import strawberry

from gateway import models
from gateway.events import EventType, RecordingChange
from gateway.ids import GlobalId
from gateway.sources.base import Capability
from resolvers.common import Info, Node
from resolvers.users import User, load_user

__all__ = ["Annotation", "AnnotationMutation", "annotations_of"]


@strawberry.type
class Annotation(Node):
    name: str | None
    type: str | None
    description: str | None
    location_ms: int | None = strawberry.field(description="Where in the recording, in milliseconds.")
    duration_ms: int | None
    created_at: datetime | None
    _annotation: strawberry.Private[models.Annotation]

    @classmethod
    def from_domain(cls, a: models.Annotation) -> "Annotation":
        return cls(
            id=strawberry.ID(GlobalId(a.source, "Annotation", a.source_id).encode()), name=a.name, type=a.type,
            description=a.description, location_ms=a.location_ms, duration_ms=a.duration_ms,
            created_at=a.created_at, _annotation=a,
        )

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        user = self._annotation.created_by
        return await load_user(info, GlobalId(user.source, "User", user.source_id)) if user else None

    @strawberry.field(description="The recording annotated.")
    def recording_id(self) -> strawberry.ID:
        a = self._annotation
        return strawberry.ID(GlobalId(a.source, "Recording", a.recording_id).encode())


async def annotations_of(info: Info, recording: models.Recording) -> list[Annotation]:
    """A recording's annotations, batched per source; none for sources that keep none."""
    source = info.context.services.source(recording.source)
    if Capability.ANNOTATIONS not in source.capabilities:
        return []
    found = await info.context.loaders.annotations(source.instance).load(recording.source_id)
    return [Annotation.from_domain(a) for a in found]


@strawberry.input
class AnnotationInput:
    name: str | None = None
    description: str | None = None
    location_ms: int | None = None
    duration_ms: int | None = None

    def to_domain(self) -> models.AnnotationChanges:
        return models.AnnotationChanges(name=self.name, description=self.description,
                                        location_ms=self.location_ms, duration_ms=self.duration_ms)


@strawberry.type
class DeleteAnnotationPayload:
    deleted_id: strawberry.ID


async def _announce(info: Info, annotation: models.Annotation) -> None:
    await info.context.services.events.publish(
        RecordingChange(EventType.ANNOTATED, annotation.source, annotation.recording_id, datetime.now(UTC))
    )


@strawberry.type
class AnnotationMutation:
    @strawberry.mutation
    async def create_annotation(self, info: Info, recording_id: strawberry.ID, input: AnnotationInput) -> Annotation:
        target = GlobalId.decode(recording_id, expected_type="Recording")
        source = info.context.services.source(target.source)
        annotation = await source.create_annotation(target.native_id, input.to_domain())
        await _announce(info, annotation)
        return Annotation.from_domain(annotation)

    @strawberry.mutation
    async def update_annotation(self, info: Info, id: strawberry.ID, input: AnnotationInput) -> Annotation:
        target = GlobalId.decode(id, expected_type="Annotation")
        annotation = await info.context.services.source(target.source).update_annotation(
            target.native_id, input.to_domain()
        )
        await _announce(info, annotation)
        return Annotation.from_domain(annotation)

    @strawberry.mutation
    async def delete_annotation(self, info: Info, id: strawberry.ID) -> DeleteAnnotationPayload:
        target = GlobalId.decode(id, expected_type="Annotation")
        await info.context.services.source(target.source).delete_annotation(target.native_id)
        return DeleteAnnotationPayload(deleted_id=id)
