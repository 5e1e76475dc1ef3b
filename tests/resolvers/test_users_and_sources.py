"""Users and sources through GraphQL."""

from gateway.ids import GlobalId
from tests.graphql import codes, gql
from tests.resolvers.test_recordings import ingest
from tests.store.test_recording_store import make_recording

USERS = """
query($search: String, $first: Int, $after: String) {
  users(search: $search, first: $first, after: $after) {
    edges { cursor node { id name email username identities { source sourceId } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_users_are_listed_paged_and_fetched_by_id(gateway):
    for index, agent in enumerate([("a@x.com", "Ann", "Lee"), ("b@x.com", "Bo", "Lee"), ("c@x.com", "Cy", "Ng")]):
        await ingest(gateway, make_recording(index, agent=agent))
    first = (await gql(gateway, USERS, first=2))["data"]["users"]
    assert [e["node"]["username"] for e in first["edges"]] == ["a@x.com", "b@x.com"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await gql(gateway, USERS, first=2, after=first["pageInfo"]["endCursor"]))["data"]["users"]
    assert [e["node"]["username"] for e in rest["edges"]] == ["c@x.com"]
    assert rest["pageInfo"]["hasNextPage"] is False
    lees = (await gql(gateway, USERS, search="lee"))["data"]["users"]["edges"]
    assert [e["node"]["name"] for e in lees] == ["Ann Lee", "Bo Lee"]
    user_id = lees[0]["node"]["id"]
    body = await gql(gateway, "query($id: ID!) { user(id: $id) { name identities { source sourceId } } }", id=user_id)
    assert body["data"]["user"] == {"name": "Ann Lee", "identities": [{"source": "local", "sourceId": "a@x.com"}]}
    missing = GlobalId("local", "User", "nobody@x.com").encode()
    assert codes(await gql(gateway, "query($id: ID!) { user(id: $id) { id } }", id=missing)) == ["NOT_FOUND"]


async def test_sources_report_kind_capabilities_and_health(gateway):
    body = await gql(gateway, "{ sources { id kind capabilities health { status checkedAt } } }")
    (local,) = body["data"]["sources"]
    assert local["id"] == "local" and local["kind"] == "LOCAL"
    assert {"SEARCH", "INGEST", "DELETE", "USERS"} <= set(local["capabilities"])
    assert local["health"]["status"] == "UP"


async def test_retention_policies_list_is_empty_without_policy_sources(gateway):
    body = await gql(gateway, "{ retentionPolicies { edges { node { id } } pageInfo { hasNextPage } } }")
    assert body["data"]["retentionPolicies"] == {"edges": [], "pageInfo": {"hasNextPage": False}}


async def test_graphql_errors_carry_codes_and_never_500(gateway):
    assert codes(await gql(gateway, "{ recordings { ")) == ["GRAPHQL_PARSE_FAILED"]
    assert codes(await gql(gateway, "{ noSuchField }")) == ["GRAPHQL_VALIDATION_FAILED"]
    deep = "{ recordings { nodes { owner { id } participants { contact { user { id } } } } } }"
    assert "errors" not in await gql(gateway, deep)


ANNOTATE = """
mutation($id: ID!, $input: AnnotationInput!) {
  createAnnotation(recordingId: $id, input: $input) { id name description locationMs recordingId }
}"""


async def test_the_gateway_keeps_annotations_for_sources_without_their_own(gateway, seed_recording):
    created = await gql(
        gateway,
        "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { recording { id annotations { id } } } }",
        r=seed_recording,
    )
    recording = created["data"]["ingestRecording"]["recording"]
    assert recording["annotations"] == []
    first = await gql(gateway, ANNOTATE, id=recording["id"], input={"name": "greeting", "locationMs": 1200})
    second = await gql(gateway, ANNOTATE, id=recording["id"], input={"name": "hold", "description": "music"})
    note = first["data"]["createAnnotation"]
    assert note["recordingId"] == recording["id"] and note["locationMs"] == 1200
    updated = await gql(
        gateway,
        'mutation($id: ID!) { updateAnnotation(id: $id, input: {description: "ok"}) { name description } }',
        id=note["id"],
    )
    assert updated["data"]["updateAnnotation"] == {"name": "greeting", "description": "ok"}
    listing = await gql(gateway, "{ recordings { nodes { annotations { name description } } } }")
    assert listing["data"]["recordings"]["nodes"][0]["annotations"] == [
        {"name": "greeting", "description": "ok"},
        {"name": "hold", "description": "music"},
    ]
    deleted = await gql(
        gateway,
        "mutation($id: ID!) { deleteAnnotation(id: $id) { deletedId } }",
        id=second["data"]["createAnnotation"]["id"],
    )
    assert "errors" not in deleted
    assert codes(
        await gql(
            gateway,
            "mutation($id: ID!) { deleteAnnotation(id: $id) { deletedId } }",
            id=second["data"]["createAnnotation"]["id"],
        )
    ) == ["NOT_FOUND"]
    missing = GlobalId("local", "Recording", "NOPE").encode()
    assert codes(await gql(gateway, ANNOTATE, id=missing, input={"name": "x"})) == ["NOT_FOUND"]
    negative = await gql(gateway, ANNOTATE, id=recording["id"], input={"locationMs": -5})
    assert codes(negative) == ["BAD_USER_INPUT"]


POLICY = """
mutation($input: RetentionPolicyInput!) {
  createRetentionPolicy(input: $input) { id name enabled order deleteAfterDays archiveAfterDays }
}"""


async def test_local_retention_policies_date_recordings_and_find_what_is_due(gateway):
    from tests.store.test_recording_store import make_recording

    for index, region in ((1, "us"), (2, "us"), (30 * 24, "us")):
        recording = make_recording(index)
        recording["region"] = region
        await gql(
            gateway, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=recording
        )
    eu_only = await gql(gateway, POLICY, input={"name": "EU", "order": 0, "region": "eu", "deleteAfterDays": 1})
    general = await gql(
        gateway, POLICY, input={"name": "keep a year", "order": 1, "deleteAfterDays": 365, "archiveAfterDays": 30}
    )
    policy = general["data"]["createRetentionPolicy"]
    assert policy["enabled"] is True and "errors" not in eu_only
    listing = await gql(gateway, "{ recordings { nodes { sourceId retention { deleteAt archiveAt policyId } } } }")
    first = listing["data"]["recordings"]["nodes"][-1]
    assert first["retention"]["deleteAt"].startswith("2025-03-01T13:00:00")
    assert first["retention"]["archiveAt"].startswith("2024-03-31T13:00:00")
    due = await gql(
        gateway, '{ recordings(filter: {retentionDue: {before: "2025-03-02T00:00:00Z"}}) { nodes { sourceId } } }'
    )
    assert [n["sourceId"] for n in due["data"]["recordings"]["nodes"]] == ["REC0002", "REC0001"]
    policies = await gql(gateway, "{ retentionPolicies { nodes { name source } } }")
    assert sorted(p["name"] for p in policies["data"]["retentionPolicies"]["nodes"]) == ["EU", "keep a year"]
    updated = await gql(
        gateway,
        "mutation($id: ID!) { updateRetentionPolicy(id: $id, input: {enabled: false}) { enabled } }",
        id=policy["id"],
    )
    assert updated["data"]["updateRetentionPolicy"] == {"enabled": False}
    none_due = await gql(
        gateway, '{ recordings(filter: {retentionDue: {before: "2099-01-01T00:00:00Z"}}) { nodes { sourceId } } }'
    )
    assert none_due["data"]["recordings"]["nodes"] == []
    by_node = await gql(
        gateway, "query($id: ID!) { node(id: $id) { ... on RetentionPolicy { name } } }", id=policy["id"]
    )
    assert by_node["data"]["node"] == {"name": "keep a year"}
    deleted = await gql(gateway, "mutation($id: ID!) { deleteRetentionPolicy(id: $id) { deletedId } }", id=policy["id"])
    assert "errors" not in deleted
    assert codes(await gql(gateway, POLICY, input={"name": " "})) == ["BAD_USER_INPUT"]
