"""The tables the Genesys Cloud OpenAPI document is built from: schemas and operations.

They state what the sandbox enforces: page sizes, id-list lengths, ranges, required fields.
The numbers that live in the handlers come in through `MACROS`; the few literal ones
(``maxWaitMs``, the analytics paging) belong to handlers of the "gc" area.
"""

from __future__ import annotations

from collections.abc import Mapping

from .catalog import default_settings
from .encoding import FORMATS
from .listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .policies import MAX_BULK_IDS
from .settings import SETTING_RANGES
from .users import MAX_IDS
from .users import MAX_PAGE_SIZE as USERS_MAX_PAGE_SIZE

__all__ = ["ENVELOPE", "LISTINGS", "MACROS", "OPERATIONS", "PRIMITIVES", "RECORDING", "SCHEMAS"]

ENVELOPE = "entities pageSize:int pageNumber:int total:int pageCount:int firstUri previousUri nextUri lastUri selfUri"
_REF = "id name selfUri"
_ORPHAN_STATUSES = "NO_CONVERSATION/UNKNOWN_CONVERSATION/CONVERSATION_NOT_COMPLETE/CONVERSATION_NOT_EVALUATED/EVALUATED"


def _settings() -> str:
    """``RecordingSettings``: the ranges `settings` checks, the defaults a new org starts with (the
    URL lifetimes are minutes)."""
    defaults = default_settings()
    return " ".join(
        f"{field}:" + ("bool" if kind is bool else f"int({low}..{high}={defaults[field]})")
        for field, (kind, low, high) in SETTING_RANGES.items()
    )


# Schema shorthand: "field" is a string, "field:int|bool|num|dt|obj|[str]" a primitive,
# "field:Name" / "field:[Name]" a reference to a schema defined here, "field:A/B/C" an enum of
# strings and "field:ONLY" (capitals) an enum of one. "int(LOW..HIGH=DEFAULT)" bounds an
# integer and "[str](..N)" a list (each part optional); "field*" is required, "field!" write-only.
SCHEMAS: Mapping[str, str] = {
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
        "id name* modifiedDate:dt createdDate:dt order:int description enabled:bool mediaPolicies:obj "
        "conditions:obj actions:obj policyErrors:obj selfUri"
    ),
    "PolicyUpdate": "name enabled:bool description order:int mediaPolicies:obj conditions:obj actions:obj",
    "EncryptionKey": (
        "id name createDate:dt keydataSummary user:Ref "
        "localEncryptionConfiguration:LocalEncryptionConfiguration "
        "keyConfigurationType:KmsSymmetric/LocalKeyManager/Native/None kmsKeyArn selfUri"
    ),
    "KeyRotationSchedule": "id name period*:DISABLED/DAILY/WEEKLY/MONTHLY/YEARLY selfUri",
    "LocalEncryptionConfiguration": "id name url* apiId* apiKey*! selfUri",
    "LocalEncryptionConfigurationListing": "total:int entities:[LocalEncryptionConfiguration] selfUri",
    "LocalEncryptionKeyRequest": "configId* publicKey* keypairId*",
    "RecordingSettings": _settings(),
    "ScreenRecordingSession": "id name user:Ref communicationId conversation:Ref startTime:dt selfUri",
    "ScreenRecordingSessionRequest": "state:STOPPED archiveDate:dt deleteDate:dt",
    "ScreenRecordingActiveSessions": "count:int",
    "RecordingJobsQuery": (
        "action*:ARCHIVE/DELETE/EXPORT actionDate:dt actionAge:int integrationId includeScreenRecordings:bool "
        "clearExport:bool conversationQuery*:obj"
    ),
    "RecordingJob": (
        "id user:Ref state:FULFILLED/PENDING/READY/PROCESSING/CANCELLED/FAILED "
        "recordingJobsQuery:RecordingJobsQuery dateCreated:dt totalConversations:int totalRecordings:int "
        "totalSkippedRecordings:int totalFailedRecordings:int totalProcessedRecordings:int "
        "percentProgress:int errorMessage failedRecordings selfUri"
    ),
    "ExecuteRecordingJobsQuery": "state*:PROCESSING",
    "User": (
        "id name division:Ref chat:obj department email primaryContactInfo:[obj] addresses:[obj] "
        "state:active/inactive/deleted title username version:int acdAutoAnswer:bool selfUri"
    ),
    "ConversationQuery": (
        "interval* order:asc/desc/unordered orderBy:conversationStart/conversationEnd/segmentStart/segmentEnd "
        "paging:PagingSpec conversationFilters:[obj] segmentFilters:[obj]"
    ),
    "PagingSpec": "pageSize:int(1..100=25) pageNumber:int(1..=1)",
    "AnalyticsConversationQueryResponse": "conversations:[obj] totalHits:int",
    "TokenResponse": "access_token token_type expires_in:int",
}
LISTINGS: Mapping[str, str] = {
    "UserRecordingEntityListing": "UserRecording",
    "OrphanRecordingListing": "OrphanRecording",
    "PolicyEntityListing": "Policy",
    "EncryptionKeyEntityListing": "EncryptionKey",
    "ScreenRecordingSessionListing": "ScreenRecordingSession",
    "RecordingJobEntityListing": "RecordingJob",
    "FailedRecordingEntityListing": "Ref",
    "UserEntityListing": "User",
}
PRIMITIVES: Mapping[str, Mapping[str, str]] = {
    "int": {"type": "integer", "format": "int32"},
    "bool": {"type": "boolean"},
    "num": {"type": "number"},
    "dt": {"type": "string", "format": "date-time"},
    "obj": {"type": "object"},
    "str": {"type": "string"},
}
# One operation per line: method, success status, path under /api/v2 ("R" stands for the
# recording path), response schema, request body schema ("-" for none), query parameters.
RECORDING = "/conversations/{conversationId}/recordings/{recordingId}"
OPERATIONS = """
get 200 /userrecordings UserRecordingEntityListing - $page expand:[str]
get 200 /userrecordings/summary FaxSummary -
get 200 /userrecordings/{recordingId} UserRecording - expand:[str]
put 200 /userrecordings/{recordingId} UserRecording UserRecording expand:[str]
delete 202 /userrecordings/{recordingId} - -
get 200 /userrecordings/{recordingId}/media DownloadResponse - $format
get 200 /userrecordings/{recordingId}/transcoding DownloadResponse - $format
get 200 /conversations/{conversationId}/recordings [Recording] - maxWaitMs:int(1..=5000) $format
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
delete 204 /recording/mediaretentionpolicies - - $bulkids
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
get 200 /users UserEntityListing - $userpage $userids sortOrder:ascending/descending expand:[str] \
    state:active/inactive/deleted/any
get 200 /users/{userId} User - expand:[str] state:active/deleted
post 200 /analytics/conversations/details/query AnalyticsConversationQueryResponse ConversationQuery
"""

MACROS: Mapping[str, str] = {
    "$page": f"pageSize:int(1..{MAX_PAGE_SIZE}={DEFAULT_PAGE_SIZE}) pageNumber:int(1..=1)",
    "$userpage": f"pageSize:int(1..{USERS_MAX_PAGE_SIZE}={DEFAULT_PAGE_SIZE}) pageNumber:int(1..=1)",
    "$userids": f"id:[str](..{MAX_IDS}) jabberId:[str](..{MAX_IDS})",
    "$bulkids": f"ids*:[str](..{MAX_BULK_IDS})",
    "$format": f"formatId:{'/'.join((*FORMATS, 'NONE'))} mediaFormats:[str] download:bool fileName locale",
}
