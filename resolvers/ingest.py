"""Writes to the local store: ingest (Engage's POST body, same field names) and delete."""

import enum
from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.base import has_object_definition
from strawberry.utils.str_converters import to_camel_case

from gateway.events import EventType, RecordingChange
from gateway.ids import GlobalId
from gateway.sources.base import DeletingSource
from resolvers.common import Info
from resolvers.recordings import Recording

__all__ = ["IngestMutation", "IngestRecordingInput", "IngestRecordingPayload", "to_json"]


@strawberry.enum(description="Where a media file is stored: Amazon S3 or a WebDAV server.")
class MediaStorage(enum.Enum):
    awsS3 = "awsS3"
    webDAV = "webDAV"


@strawberry.enum
class EngageEvent(enum.Enum):
    Joined = "Joined"
    Left = "Left"


@strawberry.enum
class EngageContactType(enum.Enum):
    External = "External"
    User = "User"


@strawberry.enum
class MaskType(enum.Enum):
    paused = "paused"
    resume = "resume"


@strawberry.input(description="Engage's mediaDescriptor: how the gateway finds the media in storage.")
class MediaDescriptorInput:
    storage: MediaStorage
    path: str
    storage_version: str | None = strawberry.field(default=strawberry.UNSET, name="storage_version")
    auth: JSON | None = strawberry.field(default=strawberry.UNSET, description="Storage credentials; never returned.")
    data: JSON | None = strawberry.field(default=strawberry.UNSET, description="For awsS3: {bucket}.")


@strawberry.input
class MediaMaskInput:
    time: str
    type: MaskType


@strawberry.input(description="Engage's MediaFileDescriptor as POSTed.")
class MediaFileInput:
    media_descriptor: MediaDescriptorInput
    call_uuid: str = strawberry.field(name="callUUID")
    start_time: str = strawberry.field(description="ISO 8601, e.g. 2013-05-17T11:45:32.000-0800.")
    stop_time: str
    media_id: str | None = strawberry.UNSET
    type: str | None = strawberry.UNSET
    duration: str | None = strawberry.UNSET
    size: str | None = strawberry.UNSET
    tenant: str | None = strawberry.UNSET
    ivrprofile: str | None = strawberry.UNSET
    parameters: JSON | None = strawberry.UNSET
    masks: list[MediaMaskInput] | None = strawberry.UNSET
    pkcs7: str | None = strawberry.UNSET
    cert_alias: list[str] | None = strawberry.UNSET
    partitions: list[str] | None = strawberry.UNSET
    accessgroups: list[str] | None = strawberry.UNSET
    accessgroup: list[str] | None = strawberry.field(
        default=strawberry.UNSET, deprecation_reason="Spelling in Genesys's own examples; use accessgroups."
    )


@strawberry.input
class ContactInput:
    phone_number: str = strawberry.field(description="May be UNKNOWN, never empty.")
    type: EngageContactType
    user_name: str | None = strawberry.field(default=strawberry.UNSET, description="Required for User contacts.")
    first_name: str | None = strawberry.field(default=strawberry.UNSET, description="Required for User contacts.")
    last_name: str | None = strawberry.field(default=strawberry.UNSET, description="Required for User contacts.")


@strawberry.input
class EventInput:
    occurred_at: str
    event: EngageEvent
    contact: ContactInput
    data: JSON | None = strawberry.field(default=strawberry.UNSET, description="String values, searchable as userData.")


@strawberry.input(description="A recording as Genesys Engage's ops POST takes it; a re-POST merges.")
class IngestRecordingInput:
    id: str
    caller_phone_number: str
    dialed_phone_number: str
    region: str
    media_files: list[MediaFileInput]
    event_history: list[EventInput]


def to_json(value: Any) -> Any:
    """An input object as the JSON document it stands for (GraphQL names, unset fields left out)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if has_object_definition(value):
        document = {}
        for field in value.__strawberry_definition__.fields:
            item = getattr(value, field.python_name)
            if item is not strawberry.UNSET and item is not None:
                document[field.graphql_name or to_camel_case(field.python_name)] = to_json(item)
        return document
    return value


@strawberry.type
class IngestRecordingPayload:
    recording: Recording
    created: bool = strawberry.field(description="False when the POST merged into an existing recording.")


@strawberry.enum(description="What deleteRecording removes (Engage's subresources flag).")
class DeleteSubresources(enum.Enum):
    METADATA = "metadata"
    METADATA_AND_MEDIA = "metadata_and_media"


@strawberry.type
class MediaDeletionFailure:
    media_file_id: str
    media_id: str | None
    storage: str
    path: str
    message: str


@strawberry.type
class DeleteRecordingPayload:
    deleted_id: strawberry.ID
    media_deleted: bool
    complete: bool = strawberry.field(description="False when some media files could not be deleted.")
    failed_media: list[MediaDeletionFailure]


@strawberry.type
class IngestMutation:
    @strawberry.mutation(description="Store a recording in the gateway, validated and merged as Engage does.")
    async def ingest_recording(self, info: Info, input: IngestRecordingInput) -> IngestRecordingPayload:
        services = info.context.services
        recording, created = await services.local.ingest_recording(to_json(input))
        info.context.loaders.prime_recording(recording)
        await services.events.publish(
            RecordingChange(
                EventType.CREATED if created else EventType.UPDATED,
                recording.source,
                recording.source_id,
                datetime.now(UTC),
            )
        )
        return IngestRecordingPayload(recording=Recording.from_domain(recording), created=created)

    @strawberry.mutation(description="Delete a recording's metadata, and its media with METADATA_AND_MEDIA.")
    async def delete_recording(
        self, info: Info, id: strawberry.ID, subresources: DeleteSubresources = DeleteSubresources.METADATA
    ) -> DeleteRecordingPayload:
        global_id = GlobalId.decode(id, expected_type="Recording")
        source = info.context.services.capable(global_id.source, DeletingSource, "way to delete recordings")
        outcome = await source.delete_recording(
            global_id.native_id, with_media=subresources is DeleteSubresources.METADATA_AND_MEDIA
        )
        await info.context.services.events.publish(
            RecordingChange(EventType.DELETED, global_id.source, global_id.native_id, datetime.now(UTC))
        )
        return DeleteRecordingPayload(
            deleted_id=id,
            media_deleted=outcome.media_deleted,
            complete=not outcome.failed_media,
            failed_media=[
                MediaDeletionFailure(
                    media_file_id=f.media_file_id,
                    media_id=f.media_id,
                    storage=f.storage,
                    path=f.path,
                    message=f.message,
                )
                for f in outcome.failed_media
            ],
        )
