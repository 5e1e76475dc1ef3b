"""The ``genesysCloud`` namespace: Genesys Cloud operations that have no unified meaning.

Reads hang off ``Query.genesysCloud(source:)``; writes are top-level ``genesysCloud*`` mutations
(top level, so they run one after another as GraphQL requires of mutations). Both name the
source instance and take vendor ids; bodies shaped by the vendor (policies, settings, keys) are
JSON, passed through as the Platform API takes them. Recordings, policies and annotations come
back as the unified types; the rest as the vendor's JSON.
"""

from typing import Any

import strawberry
from strawberry.scalars import JSON

from gateway.errors import BadInput
from gateway.ids import GlobalId
from gateway.sources.genesys_cloud import GenesysCloudSource
from gateway.sources.genesys_cloud import mapping as gc
from resolvers.common import Info
from resolvers.policies import RetentionPolicy
from resolvers.recordings import Annotation, Recording, load_recording

__all__ = ["GenesysCloudMutation", "GenesysCloudQuery", "GenesysCloudRoot"]


def _source(info: Info, instance: str) -> GenesysCloudSource:
    return info.context.services.source_of(instance, GenesysCloudSource)


def _body(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(f"{name} must be a JSON object")
    return value


@strawberry.type(description="Paging of a Genesys Cloud entity listing (1-based pages).")
class GenesysCloudPaging:
    page_size: int | None
    page_number: int | None
    total: int | None
    page_count: int | None

    @staticmethod
    def of(listing: dict[str, Any]) -> "GenesysCloudPaging":
        return GenesysCloudPaging(
            page_size=listing.get("pageSize"),
            page_number=listing.get("pageNumber"),
            total=listing.get("total"),
            page_count=listing.get("pageCount"),
        )


@strawberry.type(description="A Genesys Cloud entity listing, its entities as the vendor's JSON.")
class GenesysCloudListing:
    entities: list[JSON]
    paging: GenesysCloudPaging


@strawberry.type(description="A page of user recordings (the API user's inbox) as recordings.")
class GenesysCloudUserRecordings:
    entities: list[Recording]
    paging: GenesysCloudPaging


@strawberry.type
class GenesysCloudRetentionPolicies:
    entities: list[RetentionPolicy]
    paging: GenesysCloudPaging


@strawberry.type(description="The user recordings inbox: read, unread and total counts.")
class GenesysCloudUserRecordingsSummary:
    read_count: int | None
    unread_count: int | None
    total_count: int | None


@strawberry.type(description="A vendor media answer: 200 with media URLs, or 202 while still transcoding.")
class GenesysCloudMedia:
    status: int
    transcoding: bool
    recording: JSON | None


@strawberry.type
class GenesysCloudDeleted:
    deleted_ids: list[str]


def _listing(listing: dict[str, Any]) -> GenesysCloudListing:
    return GenesysCloudListing(entities=list(listing.get("entities") or []), paging=GenesysCloudPaging.of(listing))


def _policy(source: GenesysCloudSource, raw: dict[str, Any]) -> RetentionPolicy:
    return RetentionPolicy.from_domain(gc.retention_policy(source.instance, raw))


async def _recording(info: Info, source: GenesysCloudSource, native_id: str) -> Recording:
    """The recording as the search shows it, read again after a write (the write invalidated it)."""
    info.context.loaders.recordings(source.instance).clear(native_id)
    return await load_recording(info, GlobalId(source.instance, "Recording", native_id))


@strawberry.type(description="Genesys Cloud reads with no unified meaning; `source` is the instance id.")
class GenesysCloudQuery:
    source: str

    @strawberry.field(description="The API user's recordings (GET /userrecordings, conversation expanded).")
    async def user_recordings(
        self, info: Info, page_size: int | None = None, page_number: int | None = None
    ) -> GenesysCloudUserRecordings:
        source = _source(info, self.source)
        listing = await source.admin.user_recordings(page_size, page_number, expand=True)
        recordings = [
            gc.user_recording(source.instance, raw, format=source.reader.format)
            for raw in listing.get("entities") or []
        ]
        for recording in recordings:
            info.context.loaders.prime_recording(recording)
        return GenesysCloudUserRecordings(
            entities=[Recording.from_domain(r) for r in recordings], paging=GenesysCloudPaging.of(listing)
        )

    @strawberry.field(description="One user recording; its media through `media`/`mediaFiles.download`.")
    async def user_recording(self, info: Info, user_recording_id: str) -> Recording:
        native_id = gc.USER_RECORDING_PREFIX + user_recording_id
        return await load_recording(info, GlobalId(_source(info, self.source).instance, "Recording", native_id))

    @strawberry.field
    async def user_recordings_summary(self, info: Info) -> GenesysCloudUserRecordingsSummary:
        summary = await _source(info, self.source).admin.user_recordings_summary()
        return GenesysCloudUserRecordingsSummary(
            read_count=summary.get("readCount"),
            unread_count=summary.get("unreadCount"),
            total_count=summary.get("totalCount"),
        )

    @strawberry.field(description="All recordings of one conversation.")
    async def conversation_recordings(self, info: Info, conversation_id: str) -> list[Recording]:
        recordings = await _source(info, self.source).reader.of_conversation(conversation_id)
        for recording in recordings:
            info.context.loaders.prime_recording(recording)
        return [Recording.from_domain(r) for r in recordings]

    @strawberry.field(description="One annotation of a conversation recording.")
    async def annotation(self, info: Info, conversation_id: str, recording_id: str, annotation_id: str) -> Annotation:
        source = _source(info, self.source)
        raw = await source.admin.annotation(conversation_id, recording_id, annotation_id)
        return Annotation.from_domain(
            gc.annotation(source.instance, gc.recording_id(conversation_id, recording_id), raw)
        )

    @strawberry.field(description="Media retention policies, filtered and paged by the vendor.")
    async def retention_policies(
        self,
        info: Info,
        name: str | None = None,
        enabled: bool | None = None,
        page_size: int | None = None,
        page_number: int | None = None,
        sort_by: str | None = None,
        summary: bool | None = None,
        has_errors: bool | None = None,
        delete_days_threshold: int | None = None,
    ) -> GenesysCloudRetentionPolicies:
        source = _source(info, self.source)
        listing = await source.admin.policies(
            name=name,
            enabled=enabled,
            pageSize=page_size,
            pageNumber=page_number,
            sortBy=sort_by,
            summary=summary,
            hasErrors=has_errors,
            deleteDaysThreshold=delete_days_threshold,
        )
        return GenesysCloudRetentionPolicies(
            entities=[_policy(source, p) for p in listing.get("entities") or []], paging=GenesysCloudPaging.of(listing)
        )

    @strawberry.field(description="One policy; `vendorData` holds its full conditions and actions.")
    async def retention_policy(self, info: Info, policy_id: str) -> RetentionPolicy:
        source = _source(info, self.source)
        return _policy(source, await source.admin.policy(policy_id))

    @strawberry.field(description="Recordings whose conversation could not be matched. media: Call or Screen.")
    async def orphan_recordings(
        self,
        info: Info,
        page_size: int | None = None,
        page_number: int | None = None,
        has_conversation: bool | None = None,
        media: str | None = None,
    ) -> GenesysCloudListing:
        admin = _source(info, self.source).admin
        return _listing(await admin.orphans(page_size, page_number, has_conversation, media))

    @strawberry.field
    async def orphan_recording(self, info: Info, orphan_id: str) -> JSON:
        return JSON(await _source(info, self.source).admin.orphan(orphan_id))

    @strawberry.field(description="An orphan's media URLs in a format (202: still transcoding, ask again).")
    async def orphan_recording_media(
        self,
        info: Info,
        orphan_id: str,
        format_id: str | None = None,
        download: bool | None = None,
        file_name: str | None = None,
    ) -> GenesysCloudMedia:
        status, body = await _source(info, self.source).admin.orphan_media(orphan_id, format_id, download, file_name)
        return GenesysCloudMedia(status=status, transcoding=status == 202, recording=body)

    @strawberry.field
    async def encryption_keys(
        self, info: Info, page_size: int | None = None, page_number: int | None = None
    ) -> GenesysCloudListing:
        return _listing(await _source(info, self.source).admin.keys(page_size, page_number))

    @strawberry.field
    async def key_rotation_schedule(self, info: Info) -> JSON:
        return JSON(await _source(info, self.source).admin.rotation_schedule())

    @strawberry.field(description="Local key manager configurations (the API key is write-only).")
    async def local_key_settings(self, info: Info) -> GenesysCloudListing:
        return _listing(await _source(info, self.source).admin.local_key_settings())

    @strawberry.field
    async def local_key_setting(self, info: Info, settings_id: str) -> JSON:
        return JSON(await _source(info, self.source).admin.local_key_setting(settings_id))

    @strawberry.field
    async def recording_settings(self, info: Info, create_default: bool | None = None) -> JSON:
        return JSON(await _source(info, self.source).admin.recording_settings(create_default))

    @strawberry.field
    async def screen_sessions(
        self, info: Info, page_size: int | None = None, page_number: int | None = None
    ) -> GenesysCloudListing:
        return _listing(await _source(info, self.source).admin.screen_sessions(page_size, page_number))


@strawberry.type
class GenesysCloudRoot:
    @strawberry.field(name="genesysCloud", description="Genesys Cloud-only reads of one source instance.")
    def genesys_cloud(self, info: Info, source: str) -> GenesysCloudQuery:
        return GenesysCloudQuery(source=_source(info, source).instance)


@strawberry.type
class GenesysCloudMutation:
    @strawberry.mutation(description="PUT /userrecordings/{id}: e.g. {read: true} or {name}.")
    async def genesys_cloud_update_user_recording(
        self, info: Info, source: str, user_recording_id: str, changes: JSON
    ) -> Recording:
        gc_source = _source(info, source)
        raw = await gc_source.admin.update_user_recording(user_recording_id, _body(changes, "changes"))
        return Recording.from_domain(gc.user_recording(gc_source.instance, raw, format=gc_source.reader.format))

    @strawberry.mutation
    async def genesys_cloud_delete_user_recording(
        self, info: Info, source: str, user_recording_id: str
    ) -> GenesysCloudDeleted:
        await _source(info, source).admin.delete_user_recording(user_recording_id)
        return GenesysCloudDeleted(deleted_ids=[user_recording_id])

    @strawberry.mutation(description="PUT a recording's retention: {archiveDate, deleteDate} set or null to clear.")
    async def genesys_cloud_update_recording_retention(
        self,
        info: Info,
        source: str,
        conversation_id: str,
        recording_id: str,
        retention: JSON,
        clear_export: bool | None = None,
    ) -> Recording:
        gc_source = _source(info, source)
        await gc_source.admin.update_recording_retention(
            conversation_id, recording_id, _body(retention, "retention"), clear_export
        )
        return await _recording(info, gc_source, gc.recording_id(conversation_id, recording_id))

    @strawberry.mutation(description="POST a media retention policy (a PolicyCreate).")
    async def genesys_cloud_create_retention_policy(self, info: Info, source: str, policy: JSON) -> RetentionPolicy:
        gc_source = _source(info, source)
        return _policy(gc_source, await gc_source.admin.create_policy(_body(policy, "policy")))

    @strawberry.mutation(description="PUT: replace a policy with a full Policy.")
    async def genesys_cloud_replace_retention_policy(
        self, info: Info, source: str, policy_id: str, policy: JSON
    ) -> RetentionPolicy:
        gc_source = _source(info, source)
        return _policy(gc_source, await gc_source.admin.replace_policy(policy_id, _body(policy, "policy")))

    @strawberry.mutation(description="PATCH: merge the given fields (a PolicyUpdate) into a policy.")
    async def genesys_cloud_patch_retention_policy(
        self, info: Info, source: str, policy_id: str, changes: JSON
    ) -> RetentionPolicy:
        gc_source = _source(info, source)
        return _policy(gc_source, await gc_source.admin.patch_policy(policy_id, _body(changes, "changes")))

    @strawberry.mutation
    async def genesys_cloud_delete_retention_policy(
        self, info: Info, source: str, policy_id: str
    ) -> GenesysCloudDeleted:
        await _source(info, source).admin.delete_policy(policy_id)
        return GenesysCloudDeleted(deleted_ids=[policy_id])

    @strawberry.mutation(description="Bulk delete: only the policies named (at most 100).")
    async def genesys_cloud_delete_retention_policies(
        self, info: Info, source: str, policy_ids: list[str]
    ) -> GenesysCloudDeleted:
        if not policy_ids:
            raise BadInput("policyIds must name at least one policy")
        await _source(info, source).admin.delete_policies(policy_ids)
        return GenesysCloudDeleted(deleted_ids=policy_ids)

    @strawberry.mutation(
        description="PUT an orphan: a regular recording of its (or the given) conversation, "
        "with optional {conversationId, archiveDate, deleteDate, exportDate}."
    )
    async def genesys_cloud_recover_orphan_recording(
        self, info: Info, source: str, orphan_id: str, changes: JSON | None = None
    ) -> Recording:
        gc_source = _source(info, source)
        body = _body(changes, "changes") if changes is not None else None
        raw = await gc_source.admin.orphan_to_recording(orphan_id, body)
        return await _recording(info, gc_source, gc.recording_id(str(raw["conversationId"]), str(raw["id"])))

    @strawberry.mutation(description="Delete an orphan recording; answers the deleted orphan.")
    async def genesys_cloud_delete_orphan_recording(self, info: Info, source: str, orphan_id: str) -> JSON | None:
        return JSON(await _source(info, source).admin.delete_orphan(orphan_id))

    @strawberry.mutation(description="Create a native recording encryption key.")
    async def genesys_cloud_create_encryption_key(self, info: Info, source: str) -> JSON:
        return JSON(await _source(info, source).admin.create_key())

    @strawberry.mutation(description="Create a local recording key: {configId, publicKey, keypairId}.")
    async def genesys_cloud_create_local_key(self, info: Info, source: str, key: JSON) -> JSON:
        return JSON(await _source(info, source).admin.create_local_key(_body(key, "key")))

    @strawberry.mutation(description="PUT the key rotation schedule: {period: DISABLED|DAILY|WEEKLY|MONTHLY|YEARLY}.")
    async def genesys_cloud_update_key_rotation_schedule(self, info: Info, source: str, schedule: JSON) -> JSON:
        admin = _source(info, source).admin
        return JSON(await admin.update_rotation_schedule(_body(schedule, "schedule")))

    @strawberry.mutation(description="Create local key manager settings: {name, url, apiId, apiKey}.")
    async def genesys_cloud_create_local_key_settings(self, info: Info, source: str, settings: JSON) -> JSON:
        admin = _source(info, source).admin
        return JSON(await admin.create_local_key_settings(_body(settings, "settings")))

    @strawberry.mutation(description="PUT local key manager settings: {name, url, apiId, apiKey}.")
    async def genesys_cloud_update_local_key_settings(
        self, info: Info, source: str, settings_id: str, settings: JSON
    ) -> JSON:
        admin = _source(info, source).admin
        return JSON(await admin.update_local_key_settings(settings_id, _body(settings, "settings")))

    @strawberry.mutation(description="PUT the organization's recording settings.")
    async def genesys_cloud_update_recording_settings(self, info: Info, source: str, settings: JSON) -> JSON:
        admin = _source(info, source).admin
        return JSON(await admin.update_recording_settings(_body(settings, "settings")))

    @strawberry.mutation(description="PATCH a screen recording session: {state: STOPPED} ends it.")
    async def genesys_cloud_update_screen_session(
        self, info: Info, source: str, session_id: str, changes: JSON
    ) -> bool:
        await _source(info, source).admin.update_screen_session(session_id, _body(changes, "changes"))
        return True
