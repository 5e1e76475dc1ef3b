"""People search over several sources, each person listed once however many sources find them.

Every source lists its matching users in ``person_key`` order (the casefolded email, else the
identity itself) from its own position; the merge groups equal keys into one person and takes
the first `first` people, but only up to the smallest last key of the sources that have more:
past it, a source not read that far could still hold an identity of the same person. Positions
record, per source, the last key used, so the next page neither skips nor repeats a person. A
failing source, or one with no answer by the request's deadline, is left out of the page (its
position kept) and reported as a partial error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from gateway.deadline import bounded
from gateway.errors import GatewayError
from gateway.merge.base import DONE, Merged
from gateway.models import User
from gateway.query import Page
from gateway.sources.base import Source, UserDirectory

__all__ = ["PeopleMerged", "merge_people"]


# The page's people, each the list of its matching identities.
PeopleMerged = Merged[list[User]]


async def _page(source: UserDirectory, text: str | None, position: Any, first: int) -> Page[User] | GatewayError:
    try:
        async with bounded(source.instance):
            return await source.search_users(text, position, first)
    except GatewayError as exc:
        return exc


async def merge_people(
    sources: Sequence[Source], text: str | None, positions: dict[str, Any], first: int
) -> PeopleMerged:
    """The next `first` people matching `text` over `sources`, from `positions` (empty: the start)."""
    directories = [s for s in sources if isinstance(s, UserDirectory)]
    active = [s for s in directories if positions.get(s.instance) != DONE]
    results = await asyncio.gather(*(_page(s, text, positions.get(s.instance), first) for s in active))
    errors = [result for result in results if isinstance(result, GatewayError)]
    pages = {s.instance: r for s, r in zip(active, results, strict=True) if not isinstance(r, GatewayError)}
    bound = min((p.items[-1].person_key for p in pages.values() if p.next is not None and p.items), default=None)
    groups: dict[str, list[User]] = {}
    for page in pages.values():
        for user in page.items:
            if bound is None or user.person_key <= bound:
                groups.setdefault(user.person_key, []).append(user)
    chosen = sorted(groups)[:first]
    running = {s.instance: positions.get(s.instance) for s in directories}
    per_person = []
    for key in chosen:
        for user in groups[key]:
            running[user.source] = key
        per_person.append(dict(running))
    last = chosen[-1] if chosen else None
    for instance, page in pages.items():
        if all(last is not None and user.person_key <= last for user in page.items):
            running[instance] = DONE if page.next is None else page.next
    if per_person:
        per_person[-1] = running
    return Merged([groups[key] for key in chosen], per_person, running, errors)
