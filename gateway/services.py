"""The long-lived resources of one gateway process, opened and closed by the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

import httpx

from gateway.cache import Cache, MemoryCache, RedisCache
from gateway.config import LOCAL_SOURCE_ID, ConfigError, Settings
from gateway.cursors import CursorCodec
from gateway.errors import BadInput, FieldError, NotFound
from gateway.events import EventBus, InProcessEvents, RedisEvents
from gateway.index_sync import IndexSync
from gateway.media import MediaLinks
from gateway.models import SourceKind
from gateway.sources.base import Source, capable
from gateway.sources.indexed import IndexedSource, indexed
from gateway.sources.local import LocalSource
from gateway.sources.registry import SourceDeps, create_source, has_connector
from gateway.store import AnnotationStore, MediaReader, MediaRemover, RecordingIndex, RecordingStore
from gateway.watch import StateWatcher

if TYPE_CHECKING:
    from sandboxes.runner import RunningSandbox

__all__ = ["Services"]

logger = logging.getLogger("recgate")
S = TypeVar("S", bound=Source)
P = TypeVar("P")


async def _embedded_sandboxes(settings: Settings) -> list[RunningSandbox]:
    """The demo setup: with no sources configured, a sandbox for every kind the gateway connects to."""
    if settings.sources or not settings.sandboxes:
        return []
    try:  # deferred: the sandboxes are an install extra, imported only to start them
        from sandboxes.kit import SandboxConfig
        from sandboxes.runner import KINDS, start_sandboxes
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"no sources are configured (RECGATE_CONFIG) and the vendor sandboxes are not installed ({exc.name} "
            "is missing): configure sources, or pip install 'recording-gateway[sandboxes]'"
        ) from exc

    kinds = [kind for kind in KINDS if has_connector(SourceKind(kind))]
    running = await start_sandboxes(kinds, SandboxConfig(size=settings.sandbox_size))
    logger.info("started sandboxes: %s", ", ".join(f"{s.kind} at {s.base_url}" for s in running))
    return running


async def _stop(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@dataclasses.dataclass
class Services:
    settings: Settings
    store: RecordingStore
    annotations: AnnotationStore
    cache: Cache
    cursors: CursorCodec
    http: httpx.AsyncClient
    # The connectors by instance, the local store first.
    sources: Mapping[str, Source]
    # What the merge lists each instance through: the connector, or its `IndexedSource`.
    listings: Mapping[str, Source]
    events: EventBus
    media_links: MediaLinks
    # Syncs the recording index of the sources that have one (`sync_once` awaits one complete sync).
    index_sync: IndexSync
    sandboxes: list[RunningSandbox] = dataclasses.field(default_factory=list)
    watcher: asyncio.Task[None] | None = None
    indexer: asyncio.Task[None] | None = None

    @property
    def local(self) -> LocalSource:
        source = self.sources[LOCAL_SOURCE_ID]
        assert isinstance(source, LocalSource)
        return source

    def source(self, instance: str) -> Source:
        try:
            return self.sources[instance]
        except KeyError:
            raise NotFound(f"no source named {instance!r}") from None

    def listing(self, instance: str) -> Source:
        """What the merge lists the source `instance` through (see `listings`)."""
        self.source(instance)
        return self.listings[instance]

    def source_of(self, instance: str, connector: type[S], *, argument: str = "source") -> S:
        """The source `instance`, which the client named in `argument` as a `connector` (a vendor's class)."""
        source = self.source(instance)
        if not isinstance(source, connector):
            wanted = f"a {connector.kind.value} source"
            raise BadInput(f"source {instance!r} is not {wanted}", [FieldError(argument, f"not {wanted}")])
        return source

    def capable(self, instance: str, protocol: type[P], what: str) -> P:
        """The source `instance` as the capability `protocol`; `Unsupported` (it has no `what`) otherwise."""
        return capable(self.source(instance), protocol, what)

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        store = await RecordingStore.open(settings.database_url)
        cache: Cache = (
            RedisCache.from_url(settings.redis_url, pool_size=settings.redis_pool_size)
            if settings.redis_url
            else MemoryCache(settings.cache_max_entries)
        )
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), limits=httpx.Limits(max_connections=100))
        local = LocalSource(
            LOCAL_SOURCE_ID, store, MediaRemover(settings.object_root, http), MediaReader(settings.object_root, http)
        )
        deps = SourceDeps(cache=cache, ttls=settings.cache_ttls)
        sandboxes = await _embedded_sandboxes(settings)
        configs = settings.sources or tuple(sandbox.source_config for sandbox in sandboxes)
        index = RecordingIndex(store.engine)
        sources: dict[str, Source] = {LOCAL_SOURCE_ID: local}
        listings: dict[str, Source] = {LOCAL_SOURCE_ID: local}
        for config in configs:
            source = sources[config.instance] = create_source(config, deps)
            listings[config.instance] = indexed(source, config.options, index)
        logger.info("store %s, cache %s", store.engine.url.get_backend_name(), type(cache).__name__)
        services = cls(
            settings=settings,
            store=store,
            annotations=AnnotationStore(store.engine),
            cache=cache,
            cursors=CursorCodec(str(settings.cursor_secret), ttl_s=settings.cursor_ttl_s),
            http=http,
            sources=sources,
            listings=listings,
            events=RedisEvents.from_url(settings.redis_url) if settings.redis_url else InProcessEvents(),
            media_links=MediaLinks(str(settings.cursor_secret), ttl_s=settings.media_link_ttl_s),
            index_sync=IndexSync(
                [s for s in listings.values() if isinstance(s, IndexedSource)],
                index,
                cache,
                interval_s=settings.index_interval_s,
            ),
            sandboxes=sandboxes,
        )
        if settings.watch_interval_s > 0:
            watcher = StateWatcher(list(sources.values()), services.events, cache, interval_s=settings.watch_interval_s)
            services.watcher = asyncio.create_task(watcher.run())
        if settings.index_interval_s > 0 and services.index_sync.sources:
            services.indexer = asyncio.create_task(services.index_sync.run())
        return services

    async def aclose(self) -> None:
        await _stop(self.watcher)
        await _stop(self.indexer)
        for source in self.sources.values():
            await source.aclose()
        await self.http.aclose()
        await self.cache.aclose()
        await self.events.aclose()
        await self.store.aclose()
        if self.sandboxes:
            from sandboxes.runner import stop_sandboxes  # deferred, as in `_embedded_sandboxes`

            await stop_sandboxes(self.sandboxes)
