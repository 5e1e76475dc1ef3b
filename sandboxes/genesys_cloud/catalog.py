"""Seeded org configuration, kept as vendor-shaped JSON: retention policies, encryption keys,
local key settings, screen recording sessions, recording settings, key rotation schedule."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ..world import Call, Person, stable_uuid
from .data import KIND
from .params import iso

__all__ = [
    "POLICY_PATH",
    "default_settings",
    "make_encryption_keys",
    "make_local_configs",
    "make_policies",
    "make_rotation_schedule",
    "make_screen_sessions",
    "user_ref",
]

POLICY_PATH = "/api/v2/recording/mediaretentionpolicies"
_TEAMS = ("Sales", "Support", "Billing", "Retention", "Collections", "VIP", "Outbound", "Quality")
_PURPOSES = ("Retain", "Archive", "Delete", "Evaluate")


def user_ref(person: Person) -> dict[str, Any]:
    """A ``User`` reference as embedded in other entities."""
    return {"id": person.uuid, "name": person.name, "selfUri": f"/api/v2/users/{person.uuid}"}


def _actions(rng: random.Random) -> dict[str, Any]:
    delete_days = rng.choice((30, 90, 180, 365, 730))
    actions: dict[str, Any] = {
        "retainRecording": True,
        "deleteRecording": False,
        "alwaysDelete": False,
        "retentionDuration": {"deleteRetention": {"days": delete_days}},
    }
    if rng.random() < 0.5:
        actions["retentionDuration"]["archiveRetention"] = {"days": delete_days // 3, "storageMedium": "CLOUDARCHIVE"}
    return actions


def make_policies(seed: int, anchor: datetime, people: list[Person], count: int = 30) -> dict[str, dict[str, Any]]:
    """`count` media retention policies (enough for two default pages), some disabled or in error."""
    rng = random.Random(f"{seed}:{KIND}:policies")
    policies = {}
    for number in range(count):
        policy_id = stable_uuid(seed, KIND, "policy", number)
        created = anchor - timedelta(days=rng.randrange(30, 400), seconds=rng.randrange(86_400))
        actions = _actions(rng)
        conditions: dict[str, Any] = {
            "forUsers": [],
            "directions": rng.sample(["INBOUND", "OUTBOUND"], rng.randrange(1, 3)),
        }
        if rng.random() < 0.4:
            conditions["forUsers"] = [
                {"id": person.uuid, "name": person.name, "selfUri": f"/api/v2/users/{person.uuid}"}
                for person in rng.sample(people, 2)
            ]
        policy: dict[str, Any] = {
            "id": policy_id,
            "name": f"{rng.choice(_PURPOSES)} {rng.choice(_TEAMS)} calls {number + 1:02d}",
            "modifiedDate": iso(created + timedelta(days=rng.randrange(0, 20))),
            "createdDate": iso(created),
            "order": number,
            "description": f"Seeded policy {number + 1}",
            "enabled": rng.random() < 0.8,
            "mediaPolicies": {
                "callPolicy": {
                    "actions": actions,
                    "conditions": {k: v for k, v in conditions.items() if k != "mediaTypes"},
                }
            },
            "conditions": {**conditions, "mediaTypes": ["CALL"]},
            "actions": actions,
            "selfUri": f"{POLICY_PATH}/{policy_id}",
        }
        if rng.random() < 0.1:
            policy["policyErrors"] = {
                "policyErrorMessages": [
                    {
                        "statusCode": 400,
                        "userMessage": "The referenced queue no longer exists.",
                        "errorCode": "queue.not.found",
                        "correlationId": stable_uuid(seed, policy_id, "error"),
                        "insertDate": iso(created + timedelta(days=1)),
                    }
                ]
            }
        policies[policy_id] = policy
    return policies


def make_local_configs(seed: int) -> dict[str, dict[str, Any]]:
    """One local key manager configuration (``/recording/localkeys/settings``)."""
    config_id = stable_uuid(seed, KIND, "localkeys", 0)
    return {
        config_id: {
            "id": config_id,
            "name": "On-premises key manager",
            "url": "https://keys.example.com/genesys",
            "apiId": "recording-keys",
            "apiKey": "sandbox-api-key",
            "selfUri": f"/api/v2/recording/localkeys/settings/{config_id}",
        }
    }


def make_encryption_keys(
    seed: int, anchor: datetime, people: list[Person], count: int = 3
) -> dict[str, dict[str, Any]]:
    """`count` native recording keys, oldest first."""
    rng = random.Random(f"{seed}:{KIND}:keys")
    keys = {}
    for number in range(count):
        key_id = stable_uuid(seed, KIND, "key", number)
        keys[key_id] = {
            "id": key_id,
            "createDate": iso(anchor - timedelta(days=30 * (count - number), seconds=rng.randrange(86_400))),
            "keydataSummary": stable_uuid(seed, key_id, "public").replace("-", "")[:24] + "==",
            "user": user_ref(people[rng.randrange(len(people))]),
            "keyConfigurationType": "Native",
            "selfUri": f"/api/v2/recording/recordingkeys/{key_id}",
        }
    return keys


def make_rotation_schedule(seed: int) -> dict[str, Any]:
    return {
        "id": stable_uuid(seed, KIND, "rotationschedule"),
        "name": "Recording key rotation schedule",
        "period": "MONTHLY",
        "selfUri": "/api/v2/recording/recordingkeys/rotationschedule",
    }


def default_settings() -> dict[str, Any]:
    return {
        "maxSimultaneousStreams": 5,
        "maxConfigurableScreenRecordingStreams": 5,
        "regionalRecordingStorageEnabled": False,
        "recordingPlaybackUrlTtl": 60,
        "recordingBatchDownloadUrlTtl": 60,
        "stopRecordingWhenOnlyExternalParticipants": False,
    }


def make_screen_sessions(seed: int, recent: list[Call]) -> dict[str, dict[str, Any]]:
    """Active screen recording sessions for the agents of the most recent calls."""
    sessions = {}
    for number, call in enumerate(recent):
        session_id = stable_uuid(seed, KIND, "screensession", number)
        sessions[session_id] = {
            "id": session_id,
            "name": f"Screen recording of {call.agent.name}",
            "user": user_ref(call.agent),
            "communicationId": stable_uuid(seed, call.conversation_id, "communication"),
            "conversation": {"id": call.conversation_id, "selfUri": f"/api/v2/conversations/{call.conversation_id}"},
            "startTime": iso(call.start),
            "selfUri": f"/api/v2/recordings/screensessions/{session_id}",
        }
    return sessions
