"""schema.graphql is the checked-in contract: the code's SDL must match it."""

from pathlib import Path

from gateway.cli import main
from resolvers.schema import schema

CONTRACT = Path(__file__).parent.parent / "schema.graphql"


def test_checked_in_sdl_matches_the_code():
    assert CONTRACT.read_text() == schema.as_str() + "\n", (
        "schema.graphql is out of date: run `recgate export-schema -o schema.graphql` and review the diff"
    )


def test_export_schema_command_writes_the_sdl(tmp_path: Path):
    target = tmp_path / "out.graphql"
    assert main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text() == CONTRACT.read_text()


def test_the_schema_is_a_federation_v2_subgraph():
    sdl = CONTRACT.read_text()
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    assert 'type Recording implements Node @key(fields: "id")' in sdl
    assert 'type User implements Node @key(fields: "id")' in sdl
