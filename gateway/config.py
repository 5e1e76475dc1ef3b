"""Settings, read once at start-up from ``RECGATE_*`` environment variables and a TOML file.

`Settings.from_environ()` is the only place that reads the environment; `create_app` receives
the result. The optional TOML file (``RECGATE_CONFIG``) names the configured source instances:

    [sources.gc-emea]                 # the instance id
    kind = "genesys_cloud"
    base_url = "https://api.mypurecloud.ie"
    [sources.gc-emea.credentials]     # "$NAME" values are read from the environment
    client_id = "$GC_EMEA_CLIENT_ID"
    client_secret = "$GC_EMEA_CLIENT_SECRET"
"""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.config import Config
from starlette.datastructures import Secret

from gateway.cache import DEFAULT_POOL_SIZE
from gateway.models import SourceKind

__all__ = ["ConfigError", "Settings", "SourceConfig", "load_sources"]

LOCAL_SOURCE_ID = "local"
# Source ids appear in global ids and cursors; other characters are reserved (people's ids use "*").
_INSTANCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DEFAULT_CACHE_TTLS = {
    "recording_list": 30.0,
    "recording": 120.0,
    "call": 3600.0,
    "user": 600.0,
    "policy": 300.0,
    "annotation": 60.0,
    "settings": 300.0,
}


class ConfigError(ValueError):
    """The configuration is unusable; raised at start-up, never at request time."""


@dataclasses.dataclass(frozen=True)
class SourceConfig:
    """One upstream source instance: two Genesys Cloud orgs are two of these."""

    instance: str
    kind: SourceKind
    base_url: str
    credentials: Mapping[str, Secret] = dataclasses.field(default_factory=dict)
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything the gateway needs to start; see README's configuration table."""

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path(".recgate")
    store_url: str | None = None
    redis_url: str | None = None
    # Redis connections per process; a command waits (bounded) for a free one rather than missing.
    redis_pool_size: int = DEFAULT_POOL_SIZE
    cache_max_entries: int = 10_000
    # Seconds upstream responses stay cached, per entity type ("recording_list", "recording", ...).
    cache_ttls: Mapping[str, float] = dataclasses.field(default_factory=lambda: dict(DEFAULT_CACHE_TTLS))
    cursor_secret: Secret = dataclasses.field(default_factory=lambda: Secret(secrets.token_urlsafe(32)))
    cursor_ttl_s: int = 24 * 3600
    media_link_ttl_s: int = 15 * 60
    # Seconds a GraphQL operation has to answer; a source slower than that is reported as timed out.
    request_timeout_s: float = 10.0
    # Seconds between polls of sources whose recordings change state on their own; 0 turns it off.
    watch_interval_s: float = 0.0
    # Seconds between syncs of the recording index (sources listed from it in some orders); 0 turns it off.
    index_interval_s: float = 0.0
    media_root: Path | None = None
    sources: tuple[SourceConfig, ...] = ()
    # With no sources configured, start the vendor sandboxes and connect to them (the demo setup).
    sandboxes: bool = False
    sandbox_size: int = 200
    log_level: str = "info"

    @property
    def database_url(self) -> str:
        """The store's SQLAlchemy URL: PostgreSQL when configured, else SQLite in the data dir."""
        url = self.store_url or f"sqlite:///{self.data_dir / 'recgate.db'}"
        for prefix, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if url.startswith(prefix):
                return driver + url.removeprefix(prefix)
        if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            return url
        raise ConfigError(f"RECGATE_STORE_URL must be a sqlite:// or postgresql:// URL, not {url.split(':')[0]}://")

    @property
    def object_root(self) -> Path:
        """Where the embedded object storage keeps awsS3 media (one folder per bucket)."""
        return self.media_root or self.data_dir / "objects"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        config = Config(environ=environ, env_prefix="RECGATE_")
        sources_file = config("CONFIG", default=None)
        cursor_secret = config("CURSOR_SECRET", cast=Secret, default=None)
        media_root = config("MEDIA_ROOT", default=None)
        sources = load_sources(Path(sources_file), environ) if sources_file else ()
        return cls(
            host=config("HOST", default=cls.host),
            port=config("PORT", cast=int, default=cls.port),
            data_dir=Path(config("DATA_DIR", default=str(cls.data_dir))),
            store_url=config("STORE_URL", default=None),
            redis_url=config("REDIS_URL", default=None),
            redis_pool_size=_at_least_one(
                "REDIS_POOL_SIZE", config("REDIS_POOL_SIZE", cast=int, default=cls.redis_pool_size)
            ),
            cache_max_entries=config("CACHE_MAX_ENTRIES", cast=int, default=cls.cache_max_entries),
            cache_ttls={**DEFAULT_CACHE_TTLS, **_ttls(config("CACHE_TTLS", default=""))},
            cursor_ttl_s=config("CURSOR_TTL_S", cast=int, default=cls.cursor_ttl_s),
            media_link_ttl_s=config("MEDIA_LINK_TTL_S", cast=int, default=cls.media_link_ttl_s),
            request_timeout_s=_positive_seconds(
                "REQUEST_TIMEOUT_S", config("REQUEST_TIMEOUT_S", cast=float, default=cls.request_timeout_s)
            ),
            watch_interval_s=config("WATCH_INTERVAL_S", cast=float, default=10.0),
            index_interval_s=config("INDEX_INTERVAL_S", cast=float, default=300.0),
            media_root=Path(media_root) if media_root else None,
            sources=sources,
            sandboxes=config("SANDBOXES", cast=bool, default=not sources),
            sandbox_size=config("SANDBOX_SIZE", cast=int, default=cls.sandbox_size),
            log_level=config("LOG_LEVEL", default=cls.log_level),
            **({"cursor_secret": cursor_secret} if cursor_secret else {}),
        )


def _at_least_one(name: str, value: int) -> int:
    if value < 1:
        raise ConfigError(f"RECGATE_{name} must be at least 1, not {value}")
    return value


def _positive_seconds(name: str, value: float) -> float:
    if not value > 0:
        raise ConfigError(f"RECGATE_{name} must be a positive number of seconds, not {value}")
    return value


def _ttls(value: str) -> dict[str, float]:
    """``recording=60,user=600`` as a mapping; `ConfigError` when malformed."""
    result = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, seconds = item.partition("=")
        try:
            result[name.strip()] = float(seconds)
        except ValueError:
            raise ConfigError(f"RECGATE_CACHE_TTLS: {item!r} is not entity=seconds") from None
    return result


def _credential(instance: str, name: str, value: Any, environ: Mapping[str, str]) -> Secret:
    if not isinstance(value, str):
        raise ConfigError(f"source {instance!r}: credential {name!r} must be a string")
    if value.startswith("$"):
        variable = value[1:]
        if variable not in environ:
            raise ConfigError(f"source {instance!r}: credential {name!r} refers to unset variable {variable}")
        return Secret(environ[variable])
    return Secret(value)


def load_sources(path: Path, environ: Mapping[str, str]) -> tuple[SourceConfig, ...]:
    """Parse the ``[sources.*]`` tables of a TOML file into `SourceConfig`s."""
    try:
        document = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read source config {path}: {exc}") from exc
    kinds = {kind.value: kind for kind in SourceKind if kind is not SourceKind.LOCAL}
    result = []
    for instance, table in document.get("sources", {}).items():
        if instance == LOCAL_SOURCE_ID:
            raise ConfigError(f"source id {LOCAL_SOURCE_ID!r} is reserved for the local store")
        if not _INSTANCE_NAME.fullmatch(instance):
            raise ConfigError(f"source id {instance!r}: letters, digits, '.', '_' and '-' only, starting alphanumeric")
        kind = kinds.get(table.get("kind", ""))
        if kind is None:
            raise ConfigError(f"source {instance!r}: kind must be one of {sorted(kinds)}")
        if not isinstance(table.get("base_url"), str):
            raise ConfigError(f"source {instance!r}: base_url is required")
        credentials = {
            name: _credential(instance, name, value, environ) for name, value in table.get("credentials", {}).items()
        }
        options = {k: v for k, v in table.items() if k not in ("kind", "base_url", "credentials")}
        result.append(SourceConfig(instance, kind, table["base_url"].rstrip("/"), credentials, options))
    return tuple(result)
