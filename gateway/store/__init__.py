"""The local store: recordings ingested straight into the gateway (Engage model and rules)."""

from gateway.store.annotations import AnnotationStore
from gateway.store.engage import RecordingQuery, parse_query
from gateway.store.objects import MediaDeletionFailure, MediaReader, MediaRemover
from gateway.store.recording_index import IndexQuery, RecordingIndex
from gateway.store.recordings import IngestResult, Keyset, RecordingStore, SortKey, StoredUser

__all__ = [
    "AnnotationStore",
    "IndexQuery",
    "IngestResult",
    "Keyset",
    "MediaDeletionFailure",
    "MediaReader",
    "MediaRemover",
    "RecordingIndex",
    "RecordingQuery",
    "RecordingStore",
    "SortKey",
    "StoredUser",
    "parse_query",
]
