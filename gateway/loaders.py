"""Per-request dataloaders: one per (source instance, entity), created on first use.

A source's batches are bounded by the request's deadline (`gateway.deadline.bounded`): a batch
cut by it fails each of its keys with the source's `SourceTimeout`. The batch is cut, never the
callers awaiting its keys, which may share one key's future.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from aiodataloader import DataLoader

from gateway.deadline import bounded
from gateway.models import Annotation, CallDetails, Recording, User
from gateway.sources.base import AnnotationSource, CallSource, Source, UserSource, capable
from gateway.store import AnnotationStore

__all__ = ["Loaders"]

K = TypeVar("K")
V = TypeVar("V")


def _by_deadline(
    source: str, fetch: Callable[[Sequence[str]], Awaitable[Sequence[V]]]
) -> Callable[[Sequence[str]], Awaitable[Sequence[V]]]:
    """`fetch`, bounded as `source`'s part of the answer."""

    async def bounded_fetch(keys: Sequence[str]) -> Sequence[V]:
        async with bounded(source):
            return await fetch(keys)

    return bounded_fetch


class Loaders:
    """Batches and deduplicates by-id lookups within one GraphQL request."""

    def __init__(self, sources: Mapping[str, Source], kept_annotations: AnnotationStore) -> None:
        self._sources = sources
        self._loaders: dict[tuple[str, str], DataLoader[Any, Any]] = {}
        self._kept = self._new(kept_annotations.for_recordings, 500)

    @staticmethod
    def _new(fetch: Callable[[Sequence[K]], Awaitable[Sequence[V]]], batch_size: int) -> DataLoader[K, V]:
        async def batch(keys: list[K]) -> list[V]:
            return list(await fetch(keys))

        return DataLoader(batch, max_batch_size=batch_size)

    def _loader(
        self, entity: str, source: str, fetch: Callable[[Sequence[str]], Awaitable[Sequence[V]]]
    ) -> DataLoader[str, V]:
        key = (entity, source)
        if key not in self._loaders:
            self._loaders[key] = self._new(_by_deadline(source, fetch), self._sources[source].max_batch_size)
        loader: DataLoader[str, V] = self._loaders[key]
        return loader

    def recordings(self, source: str) -> DataLoader[str, Recording | None]:
        return self._loader("recording", source, self._sources[source].get_recordings)

    def users(self, source: str) -> DataLoader[str, User | None]:
        return self._loader("user", source, capable(self._sources[source], UserSource, "users").get_users)

    def users_by_email(self, source: str) -> DataLoader[str, Sequence[User]]:
        """A source's identities by casefolded email (a list per email, maybe empty)."""
        connector = capable(self._sources[source], UserSource, "users")
        return self._loader("users_by_email", source, connector.users_by_email)

    def calls(self, source: str) -> DataLoader[str, CallDetails | None]:
        return self._loader("call", source, capable(self._sources[source], CallSource, "call resources").get_calls)

    def annotations(self, source: str) -> DataLoader[str, Sequence[Annotation]]:
        connector = capable(self._sources[source], AnnotationSource, "annotations")
        return self._loader("annotations", source, connector.get_annotations)

    def kept_annotations(self) -> DataLoader[tuple[str, str], list[Annotation]]:
        """Annotations the gateway keeps, by (source, recording id)."""
        return self._kept

    def prime_recording(self, recording: Recording) -> None:
        """Make a recording already fetched by a search available to `node` lookups in this request."""
        self.recordings(recording.source).prime(recording.source_id, recording)
