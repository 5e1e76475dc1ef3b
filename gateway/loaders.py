"""Per-request dataloaders: one per (source instance, entity), created on first use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiodataloader import DataLoader

from gateway.models import Annotation, CallDetails, Recording, User
from gateway.sources.base import Source
from gateway.store import AnnotationStore

__all__ = ["Loaders"]

class Loaders:
    """Batches and deduplicates by-id lookups within one GraphQL request."""

    def __init__(self, sources: Mapping[str, Source], kept_annotations: AnnotationStore) -> None:
        self._sources = sources
        self._loaders: dict[tuple[str, str], DataLoader[str, Any]] = {}
        self._kept: DataLoader[tuple[str, str], list[Annotation]] = DataLoader(
            kept_annotations.for_recordings, max_batch_size=500  # type: ignore[arg-type]
        )

    def _loader(self, entity: str, source: str, fetch: Callable[[Sequence[str]], Awaitable[Sequence[Any]]]) -> Any:
        key = (entity, source)
        if key not in self._loaders:

            async def batch(ids: list[str]) -> list[Any]:
                return list(await fetch(ids))

            self._loaders[key] = DataLoader(batch, max_batch_size=self._sources[source].max_batch_size)
        return self._loaders[key]

    def recordings(self, source: str) -> DataLoader[str, Recording | None]:
        loader: DataLoader[str, Recording | None] = self._loader(
            "recording", source, self._sources[source].get_recordings
        )
        return loader

    def users(self, source: str) -> DataLoader[str, User | None]:
        loader: DataLoader[str, User | None] = self._loader("user", source, self._sources[source].get_users)
        return loader

    def users_by_email(self, source: str) -> DataLoader[str, Sequence[User]]:
        """A source's identities by casefolded email (a list per email, maybe empty)."""
        loader: DataLoader[str, Sequence[User]] = self._loader(
            "users_by_email", source, self._sources[source].users_by_email
        )
        return loader

    def calls(self, source: str) -> DataLoader[str, CallDetails | None]:
        loader: DataLoader[str, CallDetails | None] = self._loader("call", source, self._sources[source].get_calls)
        return loader

    def annotations(self, source: str) -> DataLoader[str, Sequence[Annotation]]:
        loader: DataLoader[str, Sequence[Annotation]] = self._loader(
            "annotations", source, self._sources[source].get_annotations
        )
        return loader

    def kept_annotations(self) -> DataLoader[tuple[str, str], list[Annotation]]:
        """Annotations the gateway keeps, by (source, recording id)."""
        return self._kept

    def prime_recording(self, recording: Recording) -> None:
        """Make a recording already fetched by a search available to `node` lookups in this request."""
        self.recordings(recording.source).prime(recording.source_id, recording)
