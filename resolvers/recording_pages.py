"""The merged pages behind every RecordingConnection: which sources, which page, and its totalCount.

Apart from the GraphQL types, in domain terms, so `recordings` and `User.recordings` share it.
"""

import dataclasses

from gateway import models, query
from gateway.cursors import query_digest
from gateway.errors import BadInput
from gateway.merge.counts import count_recordings
from gateway.merge.pages import Mark, page_backward, page_forward
from gateway.query import RecordingSearch
from gateway.sources import base
from resolvers.common import DEFAULT_PAGE_SIZE, Info, PageInfo, check_page_size
from resolvers.recording_filter import RecordingOrder

__all__ = ["RecordingPage", "recording_page", "total_count"]


@dataclasses.dataclass(frozen=True)
class RecordingPage:
    """One page of recordings merged over the selected sources, each with its cursor."""

    recordings: list[tuple[models.Recording, str]]
    page_info: PageInfo
    sources: list[base.Source]
    search: RecordingSearch


def _selected_sources(info: Info, search: RecordingSearch) -> list[base.Source]:
    services = info.context.services
    f = search.filter
    if f.sources:
        chosen = [services.listing(instance) for instance in dict.fromkeys(f.sources)]
    else:
        chosen = list(services.listings.values())
    if f.owners is not None:  # only where the owners have identities
        chosen = [s for s in chosen if any(owner.source == s.instance for owner in f.owners)]
    return [s for s in chosen if not f.source_kinds or s.kind in f.source_kinds]


def _check_page_arguments(first: int | None, after: str | None, last: int | None, before: str | None) -> None:
    if first is not None and last is not None:
        raise BadInput("give `first` or `last`, not both")
    if (after is not None and last is not None) or (before is not None and first is not None):
        raise BadInput("`first` pages forward from `after`; `last` pages backward from `before`")


async def recording_page(
    info: Info,
    filter: query.RecordingFilter,
    order_by: RecordingOrder | None = None,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> RecordingPage:
    """The page of the recordings `filter` selects: forward from `after`, or backward from `before`."""
    _check_page_arguments(first, after, last, before)
    search = (order_by or RecordingOrder()).search(filter)
    sources = _selected_sources(info, search)
    cursors = info.context.services.cursors
    digest = query_digest({"recordings": search})

    def mark(cursor: str) -> Mark:
        return Mark.from_json(cursors.decode(cursor, digest))

    if last is not None or before is not None:
        size = check_page_size(DEFAULT_PAGE_SIZE if last is None else last, "last")
        page = await page_backward(sources, search, mark(before) if before else None, size)
    else:
        size = check_page_size(DEFAULT_PAGE_SIZE if first is None else first)
        page = await page_forward(sources, search, mark(after) if after else None, size)
    info.context.partial_errors.extend(page.errors)
    recordings = []
    for recording, position in zip(page.items, page.marks, strict=True):
        info.context.loaders.prime_recording(recording)
        recordings.append((recording, cursors.encode(digest, position.to_json())))
    start = recordings[0][1] if recordings else None
    # A page can be empty yet unfinished (sources still scanning): it still resumes.
    end = recordings[-1][1] if recordings else cursors.encode(digest, page.end.to_json()) if page.end else None
    return RecordingPage(
        recordings=recordings,
        page_info=PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous, start_cursor=start, end_cursor=end
        ),
        sources=sources,
        search=search,
    )


async def total_count(info: Info, page: RecordingPage) -> int | None:
    """How many recordings match over `page`'s sources; null, with the reasons as a notice, when one can't count."""
    count = await count_recordings(page.sources, page.search)
    if count.reasons:
        info.context.notices.append(
            {
                "code": "TOTAL_COUNT_UNAVAILABLE",
                "message": "totalCount is null: not every selected source can count these recordings",
                "path": list(info.path.as_list()),
                "sources": [{"source": s, "reason": r} for s, r in count.reasons.items()],
            }
        )
    return count.total
