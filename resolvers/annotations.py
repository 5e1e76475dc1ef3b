"""Annotating recordings: the same mutations whatever source keeps them (the type is in resolvers.recordings)."""

from datetime import UTC, datetime

import strawberry

from gateway import models
from gateway.errors import NotFound
from gateway.events import EventType, RecordingChange
from gateway.ids import GlobalId
from gateway.sources.base import AnnotationSource
from resolvers.common import Info
from resolvers.recordings import Annotation, keeps_annotations

__all__ = ["AnnotationMutation"]


@strawberry.input
class AnnotationInput:
    name: str | None = None
    description: str | None = None
    location_ms: int | None = None
    duration_ms: int | None = None

    def to_domain(self) -> models.AnnotationChanges:
        return models.AnnotationChanges(
            name=self.name, description=self.description, location_ms=self.location_ms, duration_ms=self.duration_ms
        )


@strawberry.type
class DeleteAnnotationPayload:
    deleted_id: strawberry.ID


async def _announce(info: Info, annotation: models.Annotation) -> None:
    source = annotation.recording_source or annotation.source
    await info.context.services.events.publish(
        RecordingChange(EventType.ANNOTATED, source, annotation.recording_id, datetime.now(UTC))
    )


@strawberry.type
class AnnotationMutation:
    @strawberry.mutation(
        description="Annotate any recording: in its source when it keeps annotations, else in the gateway."
    )
    async def create_annotation(self, info: Info, recording_id: strawberry.ID, input: AnnotationInput) -> Annotation:
        target = GlobalId.decode(recording_id, expected_type="Recording")
        services = info.context.services
        if keeps_annotations(info, target.source):
            keeper = services.capable(target.source, AnnotationSource, "annotations")
            annotation = await keeper.create_annotation(target.native_id, input.to_domain())
        else:
            if await info.context.loaders.recordings(target.source).load(target.native_id) is None:
                raise NotFound(f"recording {target.native_id} not found in {target.source}")
            annotation = await services.annotations.create(
                target.source, target.native_id, input.to_domain(), info.context.principal.id
            )
        await _announce(info, annotation)
        return Annotation.from_domain(annotation)

    @strawberry.mutation
    async def update_annotation(self, info: Info, id: strawberry.ID, input: AnnotationInput) -> Annotation:
        target = GlobalId.decode(id, expected_type="Annotation")
        if keeps_annotations(info, target.source):
            keeper = info.context.services.capable(target.source, AnnotationSource, "annotations")
            annotation = await keeper.update_annotation(target.native_id, input.to_domain())
        else:
            annotation = await info.context.services.annotations.update(target.native_id, input.to_domain())
        await _announce(info, annotation)
        return Annotation.from_domain(annotation)

    @strawberry.mutation
    async def delete_annotation(self, info: Info, id: strawberry.ID) -> DeleteAnnotationPayload:
        target = GlobalId.decode(id, expected_type="Annotation")
        if keeps_annotations(info, target.source):
            await info.context.services.capable(target.source, AnnotationSource, "annotations").delete_annotation(
                target.native_id
            )
        else:
            await info.context.services.annotations.delete(target.native_id)
        return DeleteAnnotationPayload(deleted_id=id)
