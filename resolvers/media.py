"""A recording's media files, and the signed gateway links that download them."""

from datetime import UTC, datetime

import strawberry
from strawberry.scalars import JSON

from gateway import models
from gateway.media import MediaTicket
from gateway.sources.base import MediaSource
from resolvers.common import Info
from resolvers.enums import MediaFormat

__all__ = ["MediaFile", "MediaLink", "MediaMask", "media_link"]


@strawberry.type
class MediaMask:
    time: datetime
    type: str


@strawberry.type(description="A signed gateway URL for a media file; it expires, and is checked when fetched.")
class MediaLink:
    url: str
    expires_at: datetime
    format: MediaFormat | None


def media_link(
    info: Info, recording: models.Recording, media_file_id: str, format: models.MediaFormat | None
) -> MediaLink:
    """A signed link to one media file of `recording`, issued to the principal asking."""
    services = info.context.services
    services.capable(recording.source, MediaSource, "media")
    token, expires = services.media_links.issue(
        MediaTicket(recording.source, recording.source_id, media_file_id, format, info.context.principal.id)
    )
    base = str(info.context.connection.base_url).rstrip("/")
    return MediaLink(url=f"{base}/media/{token}", expires_at=datetime.fromtimestamp(expires, UTC), format=format)


@strawberry.type(description="One media file of a recording (a call may have several legs).")
class MediaFile:
    id: strawberry.ID
    format: MediaFormat
    mime_type: str | None
    media_id: str | None
    call_uuid: str | None
    start_time: datetime | None
    end_time: datetime | None
    duration_ms: int | None
    size_bytes: float | None = strawberry.field(description="Bytes (a Float: files may exceed 2^31).")
    encrypted: bool
    storage: str | None
    tenant: str | None
    ivr_profile: str | None
    parameters: JSON
    masks: list[MediaMask]
    partitions: list[str]
    access_groups: list[str]
    _recording: strawberry.Private[models.Recording]

    @strawberry.field(description="Where to download it: a signed link, in `format` when the source converts.")
    def download(self, info: Info, format: MediaFormat | None = None) -> MediaLink:
        return media_link(info, self._recording, self.id, format)

    @classmethod
    def from_domain(cls, media: models.MediaFile, recording: models.Recording) -> "MediaFile":
        return cls(
            id=strawberry.ID(media.id),
            format=media.format,
            mime_type=media.mime_type,
            media_id=media.media_id,
            call_uuid=media.call_uuid,
            start_time=media.start_time,
            end_time=media.end_time,
            duration_ms=media.duration_ms,
            size_bytes=media.size_bytes,
            encrypted=media.encrypted,
            storage=media.storage,
            tenant=media.tenant,
            ivr_profile=media.ivr_profile,
            parameters=JSON(media.parameters),
            masks=[MediaMask(time=m.time, type=m.type) for m in media.masks],
            partitions=list(media.partitions),
            access_groups=list(media.access_groups),
            _recording=recording,
        )
