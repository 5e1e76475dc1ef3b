"""Settings from a plain dict of environment variables, and the TOML source file."""

from pathlib import Path

import pytest

from gateway.config import ConfigError, Settings
from gateway.models import SourceKind

SOURCES = """
[sources.gc-emea]
kind = "genesys_cloud"
base_url = "https://api.mypurecloud.ie/"
page_size = 100
[sources.gc-emea.credentials]
client_id = "$GC_ID"
client_secret = "$GC_SECRET"

[sources.webex-main]
kind = "webex"
base_url = "https://webexapis.com/v1"
"""


def test_defaults_are_the_embedded_setup():
    settings = Settings.from_environ({})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.redis_url is None and settings.sources == ()
    assert settings.sandboxes is True, "with no sources configured, the demo starts the sandboxes"
    assert settings.object_root == Path(".recgate/objects")


def test_environment_variables(tmp_path: Path):
    settings = Settings.from_environ(
        {
            "RECGATE_PORT": "9000",
            "RECGATE_STORE_URL": "postgresql://u@db:5432/rec",
            "RECGATE_REDIS_URL": "redis://cache:6379/0",
            "RECGATE_DATA_DIR": str(tmp_path),
            "RECGATE_CURSOR_SECRET": "s3cret",
        }
    )
    assert settings.port == 9000
    assert settings.database_url == "postgresql+asyncpg://u@db:5432/rec"
    assert settings.redis_url == "redis://cache:6379/0"
    assert str(settings.cursor_secret) == "s3cret" and "s3cret" not in repr(settings)


def test_bad_store_url():
    with pytest.raises(ConfigError, match="RECGATE_STORE_URL"):
        _ = Settings.from_environ({"RECGATE_STORE_URL": "mysql://x"}).database_url


def test_sources_file_with_credentials_from_the_environment(tmp_path: Path):
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES)
    settings = Settings.from_environ({"RECGATE_CONFIG": str(path), "GC_ID": "client-1", "GC_SECRET": "hush"})
    gc, webex = settings.sources
    assert settings.sandboxes is False
    assert (gc.instance, gc.kind, gc.base_url) == ("gc-emea", SourceKind.GENESYS_CLOUD, "https://api.mypurecloud.ie")
    assert str(gc.credentials["client_secret"]) == "hush" and "hush" not in repr(gc)
    assert gc.options == {"page_size": 100}
    assert webex.kind is SourceKind.WEBEX


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sources.x]\nkind = "nope"\nbase_url = "http://x"', "kind must be one of"),
        ('[sources.x]\nkind = "webex"', "base_url is required"),
        ('[sources.local]\nkind = "webex"\nbase_url = "http://x"', "reserved"),
        ('[sources."*"]\nkind = "webex"\nbase_url = "http://x"', "letters, digits"),
        ('[sources.x]\nkind = "webex"\nbase_url = "http://x"\ncredentials = {token = "$UNSET_VAR"}', "unset variable"),
        ("not toml [", "cannot read"),
    ],
)
def test_sources_file_errors(tmp_path: Path, text: str, message: str):
    path = tmp_path / "sources.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        Settings.from_environ({"RECGATE_CONFIG": str(path)})


def test_the_request_timeout_is_a_positive_number_of_seconds():
    assert Settings.from_environ({}).request_timeout_s == 10.0
    assert Settings.from_environ({"RECGATE_REQUEST_TIMEOUT_S": "2.5"}).request_timeout_s == 2.5
    for value in ("0", "-1"):
        with pytest.raises(ConfigError, match="RECGATE_REQUEST_TIMEOUT_S"):
            Settings.from_environ({"RECGATE_REQUEST_TIMEOUT_S": value})
