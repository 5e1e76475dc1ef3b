"""Recording bulk jobs: create (PENDING, then READY), list, get, execute, delete, failures."""

from __future__ import annotations

import bisect
import uuid
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .data import RecordingJob
from .errors import bad_request, not_found
from .listing import entity_listing, page_of
from .params import enum_param, iso, json_body, parse_datetime
from .routing import api, empty, ok
from .store import Store

__all__ = ["job_routes"]

_PATH = "/api/v2/recording/jobs"
_MAX_ACTIVE = 2  # PENDING or PROCESSING jobs an org may have at once
_PENDING_S = 0.5
_STATES = ("FULFILLED", "PENDING", "READY", "PROCESSING", "CANCELLED", "FAILED")


def _advance(job: RecordingJob, store: Store) -> RecordingJob:
    if job.state == "PENDING" and store.clock() >= job.ready_at:
        job.state = "READY"
    return job


def _json(job: RecordingJob, store: Store) -> dict[str, Any]:
    total = len(job.recording_ids)
    return {
        "id": job.id,
        "user": {"id": store.api_user.uuid, "selfUri": f"/api/v2/users/{store.api_user.uuid}"},
        "state": job.state,
        "recordingJobsQuery": job.query,
        "dateCreated": iso(job.created),
        "totalConversations": job.conversations,
        "totalRecordings": total,
        "totalSkippedRecordings": 0,
        "totalFailedRecordings": 0,
        "totalProcessedRecordings": job.processed,
        "percentProgress": 100 if job.state == "FULFILLED" or not total else job.processed * 100 // total,
        "failedRecordings": f"{_PATH}/{job.id}/failedrecordings",
        "selfUri": f"{_PATH}/{job.id}",
    }


def _find(request: Request, store: Store) -> RecordingJob:
    job = store.jobs.get(request.path_params["jobId"])
    if job is None:
        raise not_found(f"Recording job {request.path_params['jobId']} was not found.")
    return _advance(job, store)


def _validate(body: dict[str, Any]) -> tuple[str, Any, Any]:
    """(action, interval start, interval end) of a ``RecordingJobsQuery``."""
    action = body.get("action")
    if action not in ("ARCHIVE", "DELETE", "EXPORT"):
        raise bad_request(f"Value [{action}] is not valid for field [action].", "invalid.value")
    if body.get("actionDate") is None and body.get("actionAge") is None:
        raise bad_request("Either actionDate or actionAge is required.", "invalid.value")
    if body.get("actionDate") is not None:
        parse_datetime(body["actionDate"], "actionDate")
    if action == "EXPORT" and not body.get("integrationId"):
        raise bad_request("An integrationId is required to export recordings.", "invalid.value")
    interval = (body.get("conversationQuery") or {}).get("interval")
    if not isinstance(interval, str) or interval.count("/") != 1:
        raise bad_request("conversationQuery.interval of the form start/end is required.", "invalid.date")
    start, end = (parse_datetime(part, "interval") for part in interval.split("/"))
    return action, start, end


async def create_job(request: Request, store: Store) -> Response:
    body = await json_body(request)
    _, start, end = _validate(body)
    active = sum(1 for job in store.jobs.values() if _advance(job, store).state in ("PENDING", "PROCESSING"))
    if active >= _MAX_ACTIVE:
        raise bad_request(f"An organization can run at most {_MAX_ACTIVE} pending or processing jobs at once.")
    screens = body.get("includeScreenRecordings", True) is not False
    recs = store.timeline[bisect.bisect_left(store.starts, start) : bisect.bisect_left(store.starts, end)]
    chosen = [rec for rec in recs if screens or rec.media != "screen"]
    job = RecordingJob(
        id=str(uuid.uuid4()),
        query=body,
        created=store.now(),
        ready_at=store.clock() + _PENDING_S,
        recording_ids=[rec.id for rec in chosen],
        conversations=len({rec.conversation_id for rec in chosen}),
    )
    store.jobs[job.id] = job
    return ok(_json(job, store), 202)


async def list_jobs(request: Request, store: Store) -> Response:
    page = page_of(request)
    state = enum_param(request, "state", _STATES)
    job_type = enum_param(request, "jobType", ("DELETE", "EXPORT"))
    enum_param(request, "sortBy", ("userId", "dateCreated"))
    items = [
        job
        for job in (_advance(job, store) for job in store.jobs.values())
        if (state is None or job.state == state) and (job_type is None or job.query.get("action") == job_type)
    ]
    return ok(entity_listing(items, page, _PATH, lambda job: _json(job, store)))


async def get_job(request: Request, store: Store) -> Response:
    return ok(_json(_find(request, store), store))


async def execute_job(request: Request, store: Store) -> Response:
    """``{"state": "PROCESSING"}`` on a READY job applies its action to every recording."""
    job = _find(request, store)
    body = await json_body(request)
    if body.get("state") != "PROCESSING":
        raise bad_request(
            f"Value [{body.get('state')}] is not valid for field [state]. Allowable values are: PROCESSING",
            "invalid.value",
        )
    if job.state != "READY":
        raise bad_request(f"The job is {job.state} and cannot be executed.")
    action, when = job.query["action"], job.query.get("actionDate")
    moment = parse_datetime(when, "actionDate") if when is not None else None
    for recording_id in job.recording_ids:
        rec = store.recordings[recording_id]
        date = moment or rec.call.end + timedelta(days=int(str(job.query.get("actionAge") or 0)))
        if action == "DELETE":
            rec.delete_date = date
        elif action == "ARCHIVE":
            rec.archive_date = date
        else:
            rec.export_date = date
        store.refresh(rec)
    job.processed, job.state = len(job.recording_ids), "FULFILLED"
    return ok(_json(job, store), 202)


async def delete_job(request: Request, store: Store) -> Response:
    job = _find(request, store)
    if job.state == "PROCESSING":
        raise bad_request("A processing job cannot be deleted.")
    del store.jobs[job.id]
    return empty()


async def failed_recordings(request: Request, store: Store) -> Response:
    job = _find(request, store)
    page = page_of(request)
    return ok(entity_listing([], page, f"{_PATH}/{job.id}/failedrecordings", dict))


def job_routes() -> list[Route]:
    return [
        api("/recording/jobs", list_jobs, "GET"),
        api("/recording/jobs", create_job, "POST"),
        api("/recording/jobs/{jobId}", get_job, "GET"),
        api("/recording/jobs/{jobId}", execute_job, "PUT"),
        api("/recording/jobs/{jobId}", delete_job, "DELETE"),
        api("/recording/jobs/{jobId}/failedrecordings", failed_recordings, "GET"),
    ]
