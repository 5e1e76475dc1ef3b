"""The long-lived resources of one gateway process, opened and closed by the app's lifespan."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

import httpx

from gateway.cache import Cache, MemoryCache, RedisCache
from gateway.config import LOCAL_SOURCE_ID, Settings
from gateway.cursors import CursorCodec
from gateway.errors import NotFound
from gateway.events import InProcessEvents
from gateway.media import MediaLinks
from gateway.sources.base import Source
from gateway.sources.local import LocalSource
from gateway.sources.registry import SourceDeps, create_source
from gateway.store import MediaReader, MediaRemover, RecordingStore

__all__ = ["Services"]

logger = logging.getLogger("recgate")


@dataclasses.dataclass
class Services:
    settings: Settings
    store: RecordingStore
    cache: Cache
    cursors: CursorCodec
    http: httpx.AsyncClient
    sources: Mapping[str, Source]
    events: InProcessEvents
    media_links: MediaLinks

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

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        store = await RecordingStore.open(settings.database_url)
        cache: Cache = RedisCache.from_url(settings.redis_url) if settings.redis_url else MemoryCache(
            settings.cache_max_entries
        )
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), limits=httpx.Limits(max_connections=100))
        local = LocalSource(LOCAL_SOURCE_ID, store, MediaRemover(settings.object_root, http),
                            MediaReader(settings.object_root, http))
        deps = SourceDeps(cache=cache, ttls=settings.cache_ttls)
        sources: dict[str, Source] = {LOCAL_SOURCE_ID: local}
        sources.update((config.instance, create_source(config, deps)) for config in settings.sources)
        logger.info("store %s, cache %s", store.engine.url.get_backend_name(), type(cache).__name__)
        return cls(
            settings=settings,
            store=store,
            cache=cache,
            cursors=CursorCodec(str(settings.cursor_secret), ttl_s=settings.cursor_ttl_s),
            http=http,
            sources=sources,
            events=InProcessEvents(),
            media_links=MediaLinks(str(settings.cursor_secret), ttl_s=settings.media_link_ttl_s),
        )

    async def aclose(self) -> None:
        for source in self.sources.values():
            await source.aclose()
        await self.http.aclose()
        await self.cache.aclose()
        await self.store.aclose()
