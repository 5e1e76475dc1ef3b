"""The direct-REST baseline: W1's data fetched straight from the vendors, as a frontend would.

    python -m bench.direct_rest [SIZE]      (default 2000; starts its own sandboxes, 50 ms latency)

A browser-like client (at most 6 connections per vendor host, HTTP/1.1) lists the newest 50 of
each vendor at once, merges them by start time, keeps the newest 50, then asks only what those
rows lack: Genesys Cloud's recordings of each conversation, then their annotations and owners
(users by id, in one call); Webex's owners (people by id, in one call). Bandwidth and Genesys
Engage lists carry everything W1 shows. Tokens are fetched before, as a logged-in frontend has
one. The local store has no vendor API: the baseline covers the four vendors, and is compared
with the gateway's W1 over those four.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.sandbox_host import HostedSandbox, hosted_sandboxes
from gateway.sources.webex.mapping import person_id

__all__ = ["DirectRow", "Frontend", "frontend"]

BROWSER_CONNECTIONS_PER_HOST = 6
_RECORDED = {"type": "and", "predicates": [{"type": "dimension", "dimension": "recording", "operator": "exists"}]}


@dataclasses.dataclass
class DirectRow:
    """One row of the frontend's page: where it is from, its vendor id and start, and what it showed."""

    source: str
    native_id: str
    start: datetime
    owner: str | None = None
    media: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    annotations: int = 0
    # Genesys Cloud rows are conversations until their recordings are read.
    conversation: str | None = None
    owner_ref: str | None = None


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Frontend:
    """A browser's view of the four vendor APIs (one client per vendor, tokens in hand)."""

    def __init__(self, sandboxes: Sequence[HostedSandbox]) -> None:
        self.sandboxes = {sandbox.kind: sandbox for sandbox in sandboxes}
        limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS_PER_HOST)
        self.clients = {kind: httpx.AsyncClient(limits=limits, timeout=30) for kind in self.sandboxes}

    def _connection(self, kind: str) -> Mapping[str, str]:
        return self.sandboxes[kind].connection

    def _instance(self, kind: str) -> str:
        return self.sandboxes[kind].instance

    async def log_in(self) -> None:
        """Genesys Cloud's OAuth token (the others take fixed credentials)."""
        gc = self._connection("genesys_cloud")
        response = await self.clients["genesys_cloud"].post(
            f"{gc['base_url']}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(gc["client_id"], gc["client_secret"]),
        )
        self.clients["genesys_cloud"].headers["authorization"] = (
            f"Bearer {response.raise_for_status().json()['access_token']}"
        )
        self.clients["webex"].headers["authorization"] = f"Bearer {self._connection('webex')['token']}"
        self.clients["webex"].headers["timezone"] = "UTC"
        bandwidth, engage = self._connection("bandwidth"), self._connection("genesys_engage")
        self.clients["bandwidth"].auth = httpx.BasicAuth(bandwidth["api_token"], bandwidth["api_secret"])
        self.clients["genesys_engage"].auth = httpx.BasicAuth(engage["username"], engage["password"])

    async def aclose(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self.clients.values()))

    # -- level 1: the lists ------------------------------------------------------------------

    async def _genesys_cloud(self, first: int, now: datetime) -> list[DirectRow]:
        interval = f"{(now - timedelta(days=31)).isoformat()}/{(now + timedelta(minutes=5)).isoformat()}"
        body = {
            "interval": interval,
            "order": "desc",
            "orderBy": "conversationStart",
            "paging": {"pageSize": first, "pageNumber": 1},
            "segmentFilters": [_RECORDED],
        }
        url = f"{self._connection('genesys_cloud')['base_url']}/api/v2/analytics/conversations/details/query"
        found = (await self.clients["genesys_cloud"].post(url, json=body)).raise_for_status().json()
        return [
            DirectRow(
                self._instance("genesys_cloud"),
                c["conversationId"],
                _time(c["conversationStart"]),
                conversation=c["conversationId"],
            )
            for c in found.get("conversations") or []
        ]

    async def _webex(self, first: int, now: datetime) -> list[DirectRow]:
        end = now + timedelta(days=1)
        params = {"from": (end - timedelta(days=30)).isoformat(), "to": end.isoformat(), "max": str(first)}
        url = f"{self._connection('webex')['base_url']}/admin/convergedRecordings"
        items = (await self.clients["webex"].get(url, params=params)).raise_for_status().json().get("items") or []
        return [
            DirectRow(
                self._instance("webex"),
                item["id"],
                _time(item["createTime"]),
                media=[{"format": item.get("format"), "sizeBytes": item.get("sizeBytes")}],
                owner_ref=person_id(item["ownerId"]) if item.get("ownerType") == "user" else None,
            )
            for item in items
        ]

    async def _bandwidth(self, first: int) -> list[DirectRow]:
        bandwidth = self._connection("bandwidth")
        url = f"{bandwidth['base_url']}/v1/users/{bandwidth['user_id']}/recordings"
        items = (await self.clients["bandwidth"].get(url, params={"page": 0, "size": first})).raise_for_status().json()
        return [
            DirectRow(
                self._instance("bandwidth"),
                item["id"],
                _time(item["startTime"]),
                media=[{"format": item["media"].rsplit(".", 1)[-1]}] if item.get("media") else [],
            )
            for item in items
        ]

    async def _engage(self, first: int) -> list[DirectRow]:
        url = f"{self._connection('genesys_engage')['base_url']}/recordings"
        params = {"startTime": "0", "limit": str(first)}
        documents = (await self.clients["genesys_engage"].get(url, params=params)).raise_for_status().json()
        rows = []
        for document in documents.get("recordings") or []:
            agents = [e["contact"] for e in document.get("eventHistory", []) if e["contact"].get("type") == "User"]
            rows.append(
                DirectRow(
                    self._instance("genesys_engage"),
                    document["id"],
                    _time(document["startTime"]),
                    owner=agents[0].get("userName") if agents else None,
                    media=[{"type": m.get("type"), "size": m.get("size")} for m in document.get("mediaFiles", [])],
                )
            )
        return rows

    # -- levels 2 and 3: what the kept rows lack ---------------------------------------------

    async def _conversation(self, row: DirectRow) -> list[DirectRow]:
        """A Genesys Cloud conversation's recordings as rows, with their annotations and owner ids."""
        base, client = self._connection("genesys_cloud")["base_url"], self.clients["genesys_cloud"]
        url = f"{base}/api/v2/conversations/{row.conversation}/recordings"
        recordings = (await client.get(url, params={"formatId": "WAV", "maxWaitMs": 1})).raise_for_status().json()
        rows = [
            DirectRow(
                row.source,
                f"{row.conversation}/{raw['id']}",
                _time(raw.get("startTime") or row.start.isoformat()),
                media=[{"format": "WAV", "sizeBytes": raw.get("outputSizeInBytes")}],
                conversation=row.conversation,
                owner_ref=(raw.get("users") or [{}])[0].get("id"),
            )
            for raw in recordings
            if isinstance(raw, dict) and "id" in raw
        ]
        return rows

    async def _annotations(self, row: DirectRow) -> None:
        base = self._connection("genesys_cloud")["base_url"]
        conversation, _, recording = row.native_id.partition("/")
        url = f"{base}/api/v2/conversations/{conversation}/recordings/{recording}/annotations"
        response = await self.clients["genesys_cloud"].get(url)
        row.annotations = len(response.raise_for_status().json())

    async def _owners(self, kind: str, rows: Sequence[DirectRow]) -> None:
        """One call for every owner of `rows` (Genesys Cloud users, Webex people, by id)."""
        wanted = sorted({row.owner_ref for row in rows if row.owner_ref})
        if not wanted:
            return
        base, client = self._connection(kind)["base_url"], self.clients[kind]
        if kind == "genesys_cloud":
            params = {"id": ",".join(wanted), "pageSize": str(len(wanted)), "state": "any"}
            people = (await client.get(f"{base}/api/v2/users", params=params)).raise_for_status().json()["entities"]
        else:
            people = (
                (await client.get(f"{base}/people", params={"id": ",".join(wanted)})).raise_for_status().json()["items"]
            )
        names = {person["id"]: person.get("name") or person.get("displayName") for person in people}
        for row in rows:
            row.owner = names.get(row.owner_ref or "")

    async def page(self, first: int) -> list[DirectRow]:
        """W1 as a frontend gets it: the newest `first` rows of the four vendors, completed."""
        now = datetime.now(UTC)
        lists = await asyncio.gather(
            self._genesys_cloud(first, now), self._webex(first, now), self._bandwidth(first), self._engage(first)
        )
        kept = sorted((row for rows in lists for row in rows), key=lambda r: r.start, reverse=True)[:first]
        conversations = [row for row in kept if row.conversation]
        expanded = [r for rows in await asyncio.gather(*(self._conversation(c) for c in conversations)) for r in rows]
        recordings = sorted(
            [row for row in kept if not row.conversation] + expanded, key=lambda r: r.start, reverse=True
        )
        kept = recordings[:first]
        gc_rows = [row for row in kept if row.conversation]
        webex_rows = [row for row in kept if row.source == self._instance("webex")]
        await asyncio.gather(
            *(self._annotations(row) for row in gc_rows),
            self._owners("genesys_cloud", gc_rows),
            self._owners("webex", webex_rows),
        )
        return kept


@contextlib.asynccontextmanager
async def frontend(sandboxes: Sequence[HostedSandbox]) -> AsyncIterator[Frontend]:
    client = Frontend(sandboxes)
    try:
        await client.log_in()
        yield client
    finally:
        await client.aclose()


async def _main(size: int) -> None:
    async with hosted_sandboxes(size, 50, 5) as sandboxes, frontend(sandboxes) as client, httpx.AsyncClient() as admin:
        for sandbox in sandboxes:
            await admin.delete(f"{sandbox.root_url}/_sandbox/counts")
        started = time.perf_counter()
        rows = await client.page(50)
        seconds = time.perf_counter() - started
        print(f"direct REST, W1's data from the four vendors ({size:,} recordings each, 50 ms latency)")
        print(f"  {len(rows)} rows in {seconds * 1000:.0f} ms")
        for sandbox in sandboxes:
            endpoints = (await admin.get(f"{sandbox.root_url}/_sandbox/counts")).json()["endpoints"]
            print(f"  {sandbox.kind:15} {sum(endpoints.values()):4} requests  {endpoints}")


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
