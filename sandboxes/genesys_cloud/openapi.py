"""The OpenAPI 3 document of the simulated API (``GET /openapi.json``), built from tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..openapi import ref
from .encoding import FORMATS

__all__ = ["document", "openapi_route"]

_ENVELOPE = "entities pageSize:int pageNumber:int total:int pageCount:int firstUri previousUri nextUri lastUri selfUri"
_REF = "id name selfUri"
_ORPHAN_STATUSES = "NO_CONVERSATION/UNKNOWN_CONVERSATION/CONVERSATION_NOT_COMPLETE/CONVERSATION_NOT_EVALUATED/EVALUATED"

# Schema shorthand: "field" is a string, "field:int|bool|num|dt|obj|[str]" a primitive,
# "field:Name" / "field:[Name]" a reference to a schema defined here, "field:A/B/C" an enum of
# strings and "field:ONLY" (capitals) an enum of one.
_SCHEMAS: Mapping[str, str] = {
    "ErrorBody": "message code status:int entityId entityName messageWithParams contextId details:[obj] errors:[obj]",
    "Ref": _REF,
    "MediaResult": "mediaUri waveformData:[num]",
    "Annotation": (
        "id name type location:int durationMs:int absoluteLocation:int absoluteDurationMs:int "
        "recordingLocation:int recordingDurationMs:int realtimeLocation:int user:Ref description "
        "reason:Hold/SecurePause/FlowOrQueue/Pause selfUri"
    ),
    "RecordingMetadata": (
        "id name conversationId startTime endTime media:audio/chat/messaging/email/screen "
        "mediaSubtype:Trunk/Station/Consult/Screen/Snippet annotations:[Annotation] "
        "fileState:ARCHIVED/AVAILABLE/DELETED/RESTORED/RESTORING/UPLOADING/ERROR restoreExpirationTime:dt "
        "archiveDate:dt archiveMedium:CLOUDARCHIVE deleteDate:dt exportDate:dt "
        "maxAllowedRestorationsForOrg:int remainingRestorationsAllowedForOrg:int sessionId selfUri"
    ),
    "Recording": (
        "id conversationId startTime endTime media:audio/chat/messaging/email/screen "
        "mediaSubtype:Trunk/Station/Consult/Screen/Snippet annotations:[Annotation] "
        "fileState:ARCHIVED/AVAILABLE/DELETED/RESTORED/RESTORING/UPLOADING/ERROR restoreExpirationTime:dt "
        "mediaUris:obj estimatedTranscodeTimeMs:int actualTranscodeTimeMs:int archiveDate:dt "
        "archiveMedium:CLOUDARCHIVE deleteDate:dt exportDate:dt outputDurationMs:int outputSizeInBytes:int "
        "maxAllowedRestorationsForOrg:int remainingRestorationsAllowedForOrg:int sessionId users:[Ref] "
        "recordingFileRole:CUSTOMER_EXPERIENCE/ADHOC creationTime:dt selfUri"
    ),
    "UserRecording": (
        "id name dateCreated:dt dateModified:dt workspace:Ref createdBy:Ref conversation:obj "
        "contentLength:int durationMilliseconds:int read:bool selfUri"
    ),
    "FaxSummary": "readCount:int unreadCount:int totalCount:int",
    "DownloadResponse": "id contentLocationUri imageUri state:Running/Completed resultUri selfUri",
    "OrphanRecording": (
        "id name createdTime:dt recoveredTime:dt "
        "providerType:EDGE/CHAT/EMAIL/SCREEN_RECORDING/PUREENGAGE/PURECONNECT mediaSizeBytes:int "
        "mediaType:CALL/CHAT/EMAIL/SCREEN mediaSubtype:Trunk/Station/Consult/Screen/Snippet "
        "fileState:ARCHIVED/AVAILABLE/DELETED/RESTORED/RESTORING/UPLOADING recording:Recording "
        f"orphanStatus:{_ORPHAN_STATUSES} "
        "sourceOrphaningId region selfUri"
    ),
    "OrphanUpdateRequest": "archiveDate:dt deleteDate:dt exportDate:dt integrationId conversationId",
    "Policy": (
        "id name modifiedDate:dt createdDate:dt order:int description enabled:bool mediaPolicies:obj "
        "conditions:obj actions:obj policyErrors:obj selfUri"
    ),
    "PolicyUpdate": "name enabled:bool description order:int mediaPolicies:obj conditions:obj actions:obj",
    "EncryptionKey": (
        "id name createDate:dt keydataSummary user:Ref "
        "localEncryptionConfiguration:LocalEncryptionConfiguration "
        "keyConfigurationType:KmsSymmetric/LocalKeyManager/Native/None kmsKeyArn selfUri"
    ),
    "KeyRotationSchedule": "id name period:DISABLED/DAILY/WEEKLY/MONTHLY/YEARLY selfUri",
    "LocalEncryptionConfiguration": "id name url apiId apiKey selfUri",
    "LocalEncryptionConfigurationListing": "total:int entities:[LocalEncryptionConfiguration] selfUri",
    "LocalEncryptionKeyRequest": "configId publicKey keypairId",
    "RecordingSettings": (
        "maxSimultaneousStreams:int maxConfigurableScreenRecordingStreams:int "
        "regionalRecordingStorageEnabled:bool recordingPlaybackUrlTtl:int recordingBatchDownloadUrlTtl:int "
        "stopRecordingWhenOnlyExternalParticipants:bool"
    ),
    "ScreenRecordingSession": "id name user:Ref communicationId conversation:Ref startTime:dt selfUri",
    "ScreenRecordingSessionRequest": "state:STOPPED archiveDate:dt deleteDate:dt",
    "ScreenRecordingActiveSessions": "count:int",
    "RecordingJobsQuery": (
        "action:ARCHIVE/DELETE/EXPORT actionDate:dt actionAge:int integrationId includeScreenRecordings:bool "
        "clearExport:bool conversationQuery:obj"
    ),
    "RecordingJob": (
        "id user:Ref state:FULFILLED/PENDING/READY/PROCESSING/CANCELLED/FAILED "
        "recordingJobsQuery:RecordingJobsQuery dateCreated:dt totalConversations:int totalRecordings:int "
        "totalSkippedRecordings:int totalFailedRecordings:int totalProcessedRecordings:int "
        "percentProgress:int errorMessage failedRecordings selfUri"
    ),
    "ExecuteRecordingJobsQuery": "state:PROCESSING",
    "User": (
        "id name division:Ref chat:obj department email primaryContactInfo:[obj] addresses:[obj] "
        "state:active/inactive/deleted title username version:int acdAutoAnswer:bool selfUri"
    ),
    "ConversationQuery": (
        "interval order:asc/desc/unordered orderBy:conversationStart/conversationEnd/segmentStart/segmentEnd "
        "paging:obj conversationFilters:[obj] segmentFilters:[obj]"
    ),
    "AnalyticsConversationQueryResponse": "conversations:[obj] totalHits:int",
    "TokenResponse": "access_token token_type expires_in:int",
}
_LISTINGS: Mapping[str, str] = {
    "UserRecordingEntityListing": "UserRecording",
    "OrphanRecordingListing": "OrphanRecording",
    "PolicyEntityListing": "Policy",
    "EncryptionKeyEntityListing": "EncryptionKey",
    "ScreenRecordingSessionListing": "ScreenRecordingSession",
    "RecordingJobEntityListing": "RecordingJob",
    "FailedRecordingEntityListing": "Ref",
    "UserEntityListing": "User",
}
_PRIMITIVES: Mapping[str, Mapping[str, str]] = {
    "int": {"type": "integer", "format": "int32"},
    "bool": {"type": "boolean"},
    "num": {"type": "number"},
    "dt": {"type": "string", "format": "date-time"},
    "obj": {"type": "object"},
    "str": {"type": "string"},
}
# One operation per line: method, success status, path under /api/v2 ("R" stands for the
# recording path), response schema, request body schema ("-" for none), query parameters.
_R = "/conversations/{conversationId}/recordings/{recordingId}"
_OPERATIONS = """
get 200 /userrecordings UserRecordingEntityListing - $page expand:[str]
get 200 /userrecordings/summary FaxSummary -
get 200 /userrecordings/{recordingId} UserRecording - expand:[str]
put 200 /userrecordings/{recordingId} UserRecording UserRecording expand:[str]
delete 202 /userrecordings/{recordingId} - -
get 200 /userrecordings/{recordingId}/media DownloadResponse - $format
get 200 /userrecordings/{recordingId}/transcoding DownloadResponse - $format
get 200 /conversations/{conversationId}/recordings [Recording] - maxWaitMs:int $format
get 200 R Recording - $format
put 200 R Recording Recording clearExport:bool
get 200 /conversations/{conversationId}/recordingmetadata [RecordingMetadata] -
get 200 /conversations/{conversationId}/recordingmetadata/{recordingId} RecordingMetadata -
get 200 R/annotations [Annotation] -
post 200 R/annotations Annotation Annotation
get 200 R/annotations/{annotationId} Annotation -
put 200 R/annotations/{annotationId} Annotation Annotation
delete 204 R/annotations/{annotationId} - -
get 200 /orphanrecordings OrphanRecordingListing - $page sortBy expand:[str] hasConversation:bool media:Call/Screen
get 200 /orphanrecordings/{orphanId} OrphanRecording -
put 200 /orphanrecordings/{orphanId} Recording OrphanUpdateRequest
delete 200 /orphanrecordings/{orphanId} OrphanRecording -
get 200 /orphanrecordings/{orphanId}/media Recording - $format
get 200 /recording/mediaretentionpolicies PolicyEntityListing - $page sortBy expand:[str] nextPage previousPage \
    name enabled:bool summary:bool hasErrors:bool deleteDaysThreshold:int
post 200 /recording/mediaretentionpolicies Policy Policy
delete 204 /recording/mediaretentionpolicies - - ids
get 200 /recording/mediaretentionpolicies/{policyId} Policy -
put 200 /recording/mediaretentionpolicies/{policyId} Policy Policy
patch 200 /recording/mediaretentionpolicies/{policyId} Policy PolicyUpdate
delete 204 /recording/mediaretentionpolicies/{policyId} - -
get 200 /recording/recordingkeys EncryptionKeyEntityListing - $page
post 200 /recording/recordingkeys EncryptionKey -
get 200 /recording/recordingkeys/rotationschedule KeyRotationSchedule -
put 200 /recording/recordingkeys/rotationschedule KeyRotationSchedule KeyRotationSchedule
post 200 /recording/localkeys EncryptionKey LocalEncryptionKeyRequest
get 200 /recording/localkeys/settings LocalEncryptionConfigurationListing -
post 200 /recording/localkeys/settings LocalEncryptionConfiguration LocalEncryptionConfiguration
get 200 /recording/localkeys/settings/{settingsId} LocalEncryptionConfiguration -
put 200 /recording/localkeys/settings/{settingsId} LocalEncryptionConfiguration LocalEncryptionConfiguration
get 200 /recording/settings RecordingSettings - createDefault:bool
put 200 /recording/settings RecordingSettings RecordingSettings
get 200 /recordings/screensessions ScreenRecordingSessionListing - $page
get 200 /recordings/screensessions/details ScreenRecordingActiveSessions -
patch 204 /recordings/screensessions/{recordingSessionId} - ScreenRecordingSessionRequest
get 200 /recording/jobs RecordingJobEntityListing - $page sortBy:userId/dateCreated state jobType:DELETE/EXPORT \
    showOnlyMyJobs:bool
post 202 /recording/jobs RecordingJob RecordingJobsQuery
get 200 /recording/jobs/{jobId} RecordingJob -
put 202 /recording/jobs/{jobId} RecordingJob ExecuteRecordingJobsQuery
delete 204 /recording/jobs/{jobId} - -
get 200 /recording/jobs/{jobId}/failedrecordings FailedRecordingEntityListing - $page
get 200 /users UserEntityListing - $page id:[str] jabberId:[str] sortOrder:ascending/descending expand:[str] \
    state:active/inactive/deleted/any
get 200 /users/{userId} User - expand:[str] state:active/deleted
post 200 /analytics/conversations/details/query AnalyticsConversationQueryResponse ConversationQuery
"""
_MACROS: Mapping[str, str] = {
    "$page": "pageSize:int pageNumber:int",
    "$format": f"formatId:{'/'.join((*FORMATS, 'NONE'))} mediaFormats:[str] download:bool fileName locale",
}


def _type(spec: str) -> dict[str, Any]:
    if spec.startswith("[") and spec.endswith("]"):
        return {"type": "array", "items": _type(spec[1:-1])}
    if spec in _PRIMITIVES:
        return dict(_PRIMITIVES[spec])
    if spec in _SCHEMAS or spec in _LISTINGS:
        return ref(spec)
    if "/" in spec or spec.isupper():
        return {"type": "string", "enum": spec.split("/")}
    raise ValueError(f"no schema {spec!r}")


def _fields(shorthand: str) -> dict[str, dict[str, Any]]:
    fields = {}
    for token in shorthand.split():
        name, _, spec = token.partition(":")
        fields[name] = _type(spec or "str")
    return fields


def _operation_id(method: str, path: str) -> str:
    words = [
        f"By{part[1:2].upper()}{part[2:-1]}" if part.startswith("{") else part.capitalize() for part in path.split("/")
    ]
    return method + "".join(words)


def _operation(method: str, status: str, path: str, result: str, body: str, query: str) -> dict[str, Any]:
    for macro, expansion in _MACROS.items():
        query = query.replace(macro, expansion)
    parameters = [{"name": name, "in": "path", "required": True, "schema": _type("str")} for name in _path_names(path)]
    parameters += [
        {"name": name, "in": "query", "required": name == "ids", "schema": schema}
        for name, schema in _fields(query).items()
    ]
    response: dict[str, Any] = {"description": "successful operation"}
    if result != "-":
        response["content"] = {"application/json": {"schema": _type(result)}}
    operation: dict[str, Any] = {
        "operationId": _operation_id(method, path.removeprefix("/api/v2")),
        "parameters": parameters,
        "security": [{"PureCloud OAuth": []}],
        "responses": {
            status: response,
            "default": {"description": "error", "content": {"application/json": {"schema": _type("ErrorBody")}}},
        },
    }
    if body != "-":
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _type(body)}}}
    if result in ("[Recording]", "Recording") and method == "get":
        operation["responses"]["202"] = {"description": "media is transcoding", "content": response["content"]}
    return operation


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    schemas = {name: {"type": "object", "properties": _fields(shorthand)} for name, shorthand in _SCHEMAS.items()}
    for name, entity in _LISTINGS.items():
        schemas[name] = {"type": "object", "properties": {**_fields(_ENVELOPE), "entities": _type(f"[{entity}]")}}
    paths: dict[str, dict[str, Any]] = {}
    for line in _OPERATIONS.replace("\\\n", " ").strip().splitlines():
        method, status, path, result, body, *query = line.split()
        path = "/api/v2" + (_R + path[1:] if path.startswith("R") else path)
        paths.setdefault(path, {})[method] = _operation(method, status, path, result, body, " ".join(query))
    paths["/oauth/token"] = {
        "post": {
            "operationId": "postOauthToken",
            "security": [{"Basic": []}],
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": {"grant_type": {"type": "string"}}}
                    }
                }
            },
            "responses": {
                "200": {"description": "token", "content": {"application/json": {"schema": _type("TokenResponse")}}}
            },
        }
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Genesys Cloud Platform API v2 (recordings) — sandbox", "version": "v2"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "PureCloud OAuth": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
                },
                "Basic": {"type": "http", "scheme": "basic"},
            },
        },
    }


async def _serve(request: Request) -> Response:
    return JSONResponse(document())


def openapi_route() -> Route:
    return Route("/openapi.json", _serve, methods=["GET"])
