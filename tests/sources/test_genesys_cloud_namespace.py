"""The ``genesysCloud`` namespace: every vendor-only seed operation round-trips through GraphQL."""

from tests.graphql import codes, gql
from tests.sources.conftest import Counts, gateway_for
from tests.sources.test_genesys_cloud import FIELDS, Vendor, genesys, genesys_sandbox

NS = 'genesysCloud(source: "gc")'


async def ns(client, fields: str, **variables):
    declared = ", ".join(f"${name}: {kind}" for name, kind in variables.pop("types", {}).items())
    body = await gql(client, f"query{f'({declared})' if declared else ''} {{ {NS} {{ {fields} }} }}", **variables)
    assert "errors" not in body, body
    return body["data"]["genesysCloud"]


async def mutate(client, mutation: str, **variables):
    body = await gql(client, mutation, **variables)
    assert "errors" not in body, body
    return body["data"]


async def test_user_recordings_summary_update_and_delete(tmp_path):
    async with genesys_sandbox(size=40) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        page = await ns(
            client,
            "userRecordings(pageSize: 5) { entities { sourceId title kind vendorData "
            "owner { name } } paging { pageSize pageNumber total pageCount } }",
        )
        listing = page["userRecordings"]
        assert listing["paging"]["pageSize"] == 5 and listing["paging"]["total"] >= 12
        assert all(e["kind"] == "USER_RECORDING" and e["owner"]["name"] for e in listing["entities"])
        summary = "userRecordingsSummary { readCount unreadCount totalCount }"
        before = (await ns(client, summary))["userRecordingsSummary"]
        assert before["readCount"] + before["unreadCount"] == before["totalCount"] == listing["paging"]["total"]
        unread = next(e for e in listing["entities"] if not e["vendorData"]["read"])
        vendor_id = unread["sourceId"].removeprefix("userrecording/")
        updated = await mutate(
            client,
            """mutation($id: String!) { genesysCloudUpdateUserRecording(source: "gc",
            userRecordingId: $id, changes: {read: true}) { sourceId vendorData } }""",
            id=vendor_id,
        )
        assert updated["genesysCloudUpdateUserRecording"]["vendorData"]["read"] is True
        after = (await ns(client, summary))["userRecordingsSummary"]
        assert after["readCount"] == before["readCount"] + 1, "the write invalidated the cached summary"
        one = await ns(
            client, "userRecording(userRecordingId: $id) { vendorData }", id=vendor_id, types={"id": "String!"}
        )
        assert one["userRecording"]["vendorData"]["read"] is True
        await mutate(
            client,
            """mutation($id: String!) { genesysCloudDeleteUserRecording(source: "gc",
            userRecordingId: $id) { deletedIds } }""",
            id=vendor_id,
        )
        assert (await ns(client, summary))["userRecordingsSummary"]["totalCount"] == before["totalCount"] - 1


async def test_conversation_recordings_and_their_retention(tmp_path):
    async with genesys_sandbox(size=20) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        node = next(
            n for n in (await gql(client, FIELDS, first=20))["data"]["recordings"]["nodes"] if n["state"] == "AVAILABLE"
        )
        conversation_id, recording_id = node["sourceId"].split("/")
        listed = await ns(
            client,
            "conversationRecordings(conversationId: $c) { sourceId state }",
            c=conversation_id,
            types={"c": "String!"},
        )
        assert {"sourceId": node["sourceId"], "state": "AVAILABLE"} in listed["conversationRecordings"]
        archive = "2099-01-02T03:04:05.000Z"
        put = await mutate(
            client,
            """mutation($c: String!, $r: String!, $d: JSON!) {
            genesysCloudUpdateRecordingRetention(source: "gc", conversationId: $c, recordingId: $r, retention: $d,
            clearExport: true) { sourceId retention { archiveAt deleteAt } } }""",
            c=conversation_id,
            r=recording_id,
            d={"archiveDate": archive, "deleteDate": None},
        )
        assert put["genesysCloudUpdateRecordingRetention"]["retention"] == {
            "archiveAt": "2099-01-02T03:04:05+00:00",
            "deleteAt": None,
        }
        later = {n["sourceId"]: n for n in (await gql(client, FIELDS, first=20))["data"]["recordings"]["nodes"]}
        assert later[node["sourceId"]]["retention"]["archiveAt"] == "2099-01-02T03:04:05+00:00"


POLICY = "id sourceId name enabled description order archiveAfterDays deleteAfterDays vendorData"


async def test_retention_policies_list_filter_and_crud(tmp_path):
    async with genesys_sandbox(size=5) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        unified, after = [], None
        while True:
            body = await gql(
                client,
                "query($after: String) { retentionPolicies(first: 7, after: $after) { "
                "nodes { sourceId source } pageInfo { hasNextPage endCursor } } }",
                after=after,
            )
            page = body["data"]["retentionPolicies"]
            unified += [n["sourceId"] for n in page["nodes"] if n["source"] == "gc"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(unified) == 30 and unified == sorted(unified)

        enabled = await ns(
            client, f"retentionPolicies(enabled: true, pageSize: 100) {{ entities {{ {POLICY} }} paging {{ total }} }}"
        )
        assert all(p["enabled"] for p in enabled["retentionPolicies"]["entities"])
        assert 0 < enabled["retentionPolicies"]["paging"]["total"] < 30
        named = await ns(client, 'retentionPolicies(name: "calls 0", summary: true) { entities { name } }')
        assert {p["name"][-2:] for p in named["retentionPolicies"]["entities"]} == {f"{n:02d}" for n in range(1, 10)}

        create = """mutation($p: JSON!) { genesysCloudCreateRetentionPolicy(source: "gc", policy: $p) { %s } }"""
        actions = {"retainRecording": True, "retentionDuration": {"deleteRetention": {"days": 42}}}
        created = (
            await mutate(client, create % POLICY, p={"name": "Gateway test", "enabled": True, "actions": actions})
        )["genesysCloudCreateRetentionPolicy"]
        assert created["deleteAfterDays"] == 42 and created["enabled"]
        policy_id = created["sourceId"]
        got = await ns(client, f"retentionPolicy(policyId: $id) {{ {POLICY} }}", id=policy_id, types={"id": "String!"})
        assert got["retentionPolicy"] == created
        replaced = await mutate(
            client,
            """mutation($id: String!, $p: JSON!) { genesysCloudReplaceRetentionPolicy(
            source: "gc", policyId: $id, policy: $p) { name enabled deleteAfterDays } }""",
            id=policy_id,
            p={"name": "Replaced", "enabled": True},
        )
        assert replaced["genesysCloudReplaceRetentionPolicy"] == {
            "name": "Replaced",
            "enabled": True,
            "deleteAfterDays": None,
        }, "a PUT replaces"
        patched = await mutate(
            client,
            """mutation($id: String!, $p: JSON!) { genesysCloudPatchRetentionPolicy(
            source: "gc", policyId: $id, changes: $p) { name enabled } }""",
            id=policy_id,
            p={"enabled": False},
        )
        assert patched["genesysCloudPatchRetentionPolicy"] == {"name": "Replaced", "enabled": False}
        listed = await ns(client, 'retentionPolicies(name: "Replaced") { entities { sourceId enabled } }')
        assert listed["retentionPolicies"]["entities"] == [{"sourceId": policy_id, "enabled": False}]

        await mutate(
            client,
            """mutation($id: String!) { genesysCloudDeleteRetentionPolicy(source: "gc",
            policyId: $id) { deletedIds } }""",
            id=policy_id,
        )
        gone = await gql(client, f'query {{ {NS} {{ retentionPolicy(policyId: "{policy_id}") {{ name }} }} }}')
        assert codes(gone) == ["NOT_FOUND"]
        doomed = unified[:3]
        await mutate(
            client,
            """mutation($ids: [String!]!) { genesysCloudDeleteRetentionPolicies(source: "gc",
            policyIds: $ids) { deletedIds } }""",
            ids=doomed,
        )
        left = await ns(client, "retentionPolicies(pageSize: 100) { entities { sourceId } paging { total } }")
        assert left["retentionPolicies"]["paging"]["total"] == 27
        assert not set(doomed) & {p["sourceId"] for p in left["retentionPolicies"]["entities"]}


ORPHANS = "orphanRecordings(pageSize: 100, hasConversation: true) { entities paging { total } }"


async def test_orphan_recordings_media_recover_and_delete(tmp_path):
    async with genesys_sandbox(size=20) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        orphans = (await ns(client, ORPHANS))["orphanRecordings"]
        assert orphans["paging"]["total"] == len(orphans["entities"]) > 1
        assert all(o["recording"]["conversationId"] for o in orphans["entities"])
        calls = await ns(client, 'orphanRecordings(media: "Call") { entities }')
        assert all(o["mediaType"] == "CALL" for o in calls["orphanRecordings"]["entities"])
        orphan = next(o for o in orphans["entities"] if o["fileState"] == "AVAILABLE")
        one = await ns(client, "orphanRecording(orphanId: $id)", id=orphan["id"], types={"id": "String!"})
        assert one["orphanRecording"]["id"] == orphan["id"]
        media = await ns(
            client,
            'orphanRecordingMedia(orphanId: $id, formatId: "MP3") { status transcoding recording }',
            id=orphan["id"],
            types={"id": "String!"},
        )
        result = media["orphanRecordingMedia"]
        assert (result["status"], result["transcoding"]) in ((200, False), (202, True))
        if result["status"] == 200:
            assert result["recording"]["mediaUris"]["0"]["mediaUri"].startswith("http")

        recovered = await mutate(
            client,
            """mutation($id: String!, $c: JSON) { genesysCloudRecoverOrphanRecording(
            source: "gc", orphanId: $id, changes: $c) { sourceId conversationId retention { deleteAt } } }""",
            id=orphan["id"],
            c={"deleteDate": "2099-05-06T07:08:09.000Z"},
        )
        recording = recovered["genesysCloudRecoverOrphanRecording"]
        assert recording["conversationId"] == orphan["recording"]["conversationId"]
        assert recording["retention"]["deleteAt"] == "2099-05-06T07:08:09+00:00"
        in_conversation = await ns(
            client,
            "conversationRecordings(conversationId: $c) { sourceId }",
            c=recording["conversationId"],
            types={"c": "String!"},
        )
        assert {"sourceId": recording["sourceId"]} in in_conversation["conversationRecordings"]
        left = (await ns(client, ORPHANS))["orphanRecordings"]
        assert left["paging"]["total"] == orphans["paging"]["total"] - 1

        other = next(o for o in left["entities"])
        deleted = await mutate(
            client,
            """mutation($id: String!) { genesysCloudDeleteOrphanRecording(source: "gc",
            orphanId: $id) }""",
            id=other["id"],
        )
        assert deleted["genesysCloudDeleteOrphanRecording"]["id"] == other["id"]
        assert (await ns(client, ORPHANS))["orphanRecordings"]["paging"]["total"] == left["paging"]["total"] - 1


async def test_encryption_keys_and_local_key_settings(tmp_path):
    async with genesys_sandbox(size=5) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        keys = (await ns(client, "encryptionKeys { entities paging { total } }"))["encryptionKeys"]
        created = await mutate(client, 'mutation { genesysCloudCreateEncryptionKey(source: "gc") }')
        key = created["genesysCloudCreateEncryptionKey"]
        assert key["keyConfigurationType"] == "Native"
        again = (await ns(client, "encryptionKeys { entities paging { total } }"))["encryptionKeys"]
        assert again["paging"]["total"] == keys["paging"]["total"] + 1
        assert key["id"] in [k["id"] for k in again["entities"]]

        schedule = (await ns(client, "keyRotationSchedule"))["keyRotationSchedule"]
        assert schedule["period"] == "MONTHLY"
        await mutate(
            client,
            """mutation { genesysCloudUpdateKeyRotationSchedule(source: "gc",
            schedule: {period: "WEEKLY"}) }""",
        )
        assert (await ns(client, "keyRotationSchedule"))["keyRotationSchedule"]["period"] == "WEEKLY"
        bad = await gql(
            client, 'mutation { genesysCloudUpdateKeyRotationSchedule(source: "gc", schedule: {period: "HOURLY"}) }'
        )
        assert codes(bad) == ["SOURCE_REJECTED"]

        settings = (await ns(client, "localKeySettings { entities paging { total } }"))["localKeySettings"]
        assert settings["paging"]["total"] == 1 and "apiKey" not in settings["entities"][0]
        config_id = settings["entities"][0]["id"]
        made = await mutate(
            client,
            """mutation($s: JSON!) { genesysCloudCreateLocalKeySettings(source: "gc",
            settings: $s) }""",
            s={"name": "Second KMS", "url": "https://kms2.example.com", "apiId": "a", "apiKey": "secret-api-key"},
        )
        new_id = made["genesysCloudCreateLocalKeySettings"]["id"]
        assert "secret-api-key" not in str(made)
        await mutate(
            client,
            """mutation($id: String!, $s: JSON!) { genesysCloudUpdateLocalKeySettings(
            source: "gc", settingsId: $id, settings: $s) }""",
            id=new_id,
            s={"name": "Renamed KMS", "url": "https://kms3.example.com", "apiId": "b", "apiKey": "k2"},
        )
        one = await ns(client, "localKeySetting(settingsId: $id)", id=new_id, types={"id": "String!"})
        assert one["localKeySetting"]["name"] == "Renamed KMS"
        assert (await ns(client, "localKeySettings { paging { total } }"))["localKeySettings"]["paging"]["total"] == 2

        local = await mutate(
            client,
            """mutation($k: JSON!) { genesysCloudCreateLocalKey(source: "gc", key: $k) }""",
            k={"configId": config_id, "publicKey": "cHVibGlj", "keypairId": "kp-1"},
        )
        assert local["genesysCloudCreateLocalKey"]["keyConfigurationType"] == "LocalKeyManager"
        listed = (await ns(client, "encryptionKeys(pageSize: 100) { entities }"))["encryptionKeys"]["entities"]
        assert "kp-1" in [k["id"] for k in listed]


async def test_recording_settings_and_screen_sessions(tmp_path):
    async with genesys_sandbox(size=10) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        settings = (await ns(client, "recordingSettings(createDefault: false)"))["recordingSettings"]
        assert settings["recordingPlaybackUrlTtl"] == 60
        await mutate(
            client,
            """mutation { genesysCloudUpdateRecordingSettings(source: "gc",
            settings: {recordingPlaybackUrlTtl: 30, maxSimultaneousStreams: 7}) }""",
        )
        changed = (await ns(client, "recordingSettings"))["recordingSettings"]
        assert (changed["recordingPlaybackUrlTtl"], changed["maxSimultaneousStreams"]) == (30, 7)

        sessions = (await ns(client, "screenSessions { entities paging { total } }"))["screenSessions"]
        assert sessions["paging"]["total"] == 4
        session_id = sessions["entities"][0]["id"]
        stopped = await mutate(
            client,
            """mutation($id: String!) { genesysCloudUpdateScreenSession(source: "gc",
            sessionId: $id, changes: {state: "STOPPED"}) }""",
            id=session_id,
        )
        assert stopped["genesysCloudUpdateScreenSession"] is True
        left = (await ns(client, "screenSessions { entities paging { total } }"))["screenSessions"]
        assert left["paging"]["total"] == 3 and session_id not in [s["id"] for s in left["entities"]]


async def test_reads_are_cached_and_the_namespace_checks_its_source(tmp_path):
    async with genesys_sandbox(size=5) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        query = "recordingSettings keyRotationSchedule screenSessions { paging { total } }"
        first = await ns(client, query)
        counts = Counts(sandbox.base_url)
        await counts.reset()
        assert await ns(client, query) == first
        assert await counts.read() == {}
        wrong = await gql(client, '{ genesysCloud(source: "local") { recordingSettings } }')
        assert codes(wrong) == ["BAD_USER_INPUT"]
        unknown = await gql(client, '{ genesysCloud(source: "nope") { recordingSettings } }')
        assert codes(unknown) == ["NOT_FOUND"]
        assert len(await Vendor(sandbox).recordings()) == 5
