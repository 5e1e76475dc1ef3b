"""Reading one page of Genesys Cloud recordings: only the conversations that can land on it.

One analytics query over the searched window lists the recorded conversations, ordered so that
each analytics page bounds the recordings of the pages after it: newest first by conversation
end, oldest first by start (a recording starts between its conversation's start and end). The
recordings of a conversation (``GET /conversations/{id}/recordings``, no batch form) are read
only for the conversations the page needs, best guess first (by conversation start in the
walk's order), and a recording is placed on the page once nothing unread can sort before it: no
unread analytics page and no unread conversation whose span reaches past it.

A page is read in rounds, each decided by everything known when the previous one is done (so the
calls a page makes never depend on the order answers come in), its calls all at once: as many
conversations as the page still lacks rows, those going on where the page is then expected to
end (the start of the last one read; one of their recordings could sort before it), and the
next analytics pages when those listed cannot decide the page. Usually one round after the
analytics query decides the page. Conversations read for the page's end usually open the next
page, which finds them in the response cache.
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import math
from collections.abc import Coroutine
from typing import Any

from gateway.models import Recording
from gateway.query import Page
from gateway.sources.genesys_cloud.criteria import Criteria
from gateway.sources.genesys_cloud.recordings import ANALYTICS_PAGE, Conversation, RecordingReader
from gateway.sources.genesys_cloud.windows import Key, Position, Window

__all__ = ["PageRead"]


def _key(recording: Recording) -> Key:
    assert recording.start_time is not None
    return int(recording.start_time.timestamp() * 1000), recording.source_id


@dataclasses.dataclass(frozen=True)
class _Unread:
    """A conversation whose recordings are not read yet, and where they can start on this page."""

    conversation: Conversation
    first_ms: int
    last_ms: int


class PageRead:
    """One `page` call: the recordings of `window` past `after`, at most `limit`, in the walk's order.

    Start times are compared in the walk's order as `_rank` (ascending: earlier in the walk); a
    recording is placed only when its rank is strictly better than anything unread can reach.
    """

    def __init__(
        self,
        reader: RecordingReader,
        window: Window,
        criteria: Criteria,
        *,
        descending: bool,
        after: Key | None,
        limit: int,
    ) -> None:
        self.reader = reader
        self.window = window
        self.criteria = criteria
        self.descending = descending
        self.after = after
        self.limit = limit
        self.items: list[Recording] = []
        self.afters: list[Any] = []
        self._pages: dict[int, tuple[list[Conversation], int]] = {}  # analytics page -> (conversations, total)
        self._asked = 0  # analytics pages asked for: 1.._asked
        self._seen: set[str] = set()
        self._unread: list[tuple[int, str, _Unread]] = []  # (rank of its start, id, _), best guess first
        self._known: list[Recording] = []  # read and matching, not placed yet
        self._released = 0  # analytics pages whose conversations are in `_unread`

    # -- the walk's order --------------------------------------------------------------------

    def _rank(self, epoch_ms: int) -> int:
        return -epoch_ms if self.descending else epoch_ms

    def _reach(self, unread: _Unread) -> int:
        """The best rank a recording of `unread` can have."""
        return min(self._rank(unread.first_ms), self._rank(unread.last_ms))

    def _on_page(self, key: Key) -> bool:
        if not self.window.holds(key[0]):
            return False
        return self.after is None or (key < self.after if self.descending else key > self.after)

    # -- what is known -----------------------------------------------------------------------

    def _read_pages(self) -> int:
        """How many analytics pages are read from the first on, without a gap."""
        count = 0
        while count + 1 in self._pages:
            count += 1
        return count

    def _listed(self) -> bool:
        """Whether every analytics page is read."""
        count = self._read_pages()
        if count == 0:
            return False
        conversations, total = self._pages[count]
        return len(conversations) < ANALYTICS_PAGE or count * ANALYTICS_PAGE >= total

    def _unlisted_rank(self) -> float:
        """The best rank a recording of a conversation on an unread analytics page can have."""
        if self._listed():
            return math.inf
        count = self._read_pages()
        if count == 0:
            return -math.inf
        last = self._pages[count][0][-1]
        # Later pages end no later (newest first) or start no earlier than the last one read.
        bound = last.end_ms if self.descending else last.start_ms
        return -math.inf if bound is None else self._rank(bound)

    def _frontier(self) -> float:
        """Recordings ranked strictly before this are placed: nothing unread can come before them."""
        return min([self._unlisted_rank(), *(self._reach(u) for _, _, u in self._unread)])

    @property
    def _full(self) -> bool:
        return len(self.items) == self.limit

    @property
    def _exhausted(self) -> bool:
        return self._listed() and not self._unread and not self._known

    # -- steps -------------------------------------------------------------------------------

    def _place(self) -> None:
        self._known.sort(key=_key, reverse=self.descending)
        frontier = self._frontier()
        placed = 0
        for recording in self._known:
            key = _key(recording)
            if self._full or self._rank(key[0]) >= frontier:
                break
            self.items.append(recording)
            self.afters.append(Position(key).as_json())
            placed += 1
        del self._known[:placed]

    def _eligible(self) -> bool:
        """Whether the best unread conversation is surely ahead of every unlisted one."""
        return bool(self._unread) and self._unread[0][0] < self._unlisted_rank()

    def _round(self) -> list[Coroutine[Any, Any, None]]:
        """The calls that the rest of the page needs, from what is known now."""
        calls: list[Coroutine[Any, Any, None]] = []
        wanted = self.limit - len(self.items) - len(self._known)  # the known ones wait for something
        # Every conversation that could reach the best recording held back, or the page's expected end.
        reach = self._rank(_key(self._known[0])[0]) if self._known else -math.inf
        while wanted > 0 and self._eligible():
            unread = self._unread.pop(0)[2]
            calls.append(self._read_recordings(unread))
            wanted -= 1
            if wanted == 0:
                reach = max(reach, self._rank(unread.first_ms))
        reaching = [entry for entry in self._unread if self._reach(entry[2]) <= reach]
        for entry in reaching:
            self._unread.remove(entry)
            calls.append(self._read_recordings(entry[2]))
        short = wanted > 0 and not self._eligible()
        if not self._listed() and (short or reach >= self._unlisted_rank() or not (self._known or calls)):
            _, total = self._pages[self._asked]
            pages = min(max(1, -(-wanted // ANALYTICS_PAGE)), -(-total // ANALYTICS_PAGE) - self._asked)
            calls += self._ask(pages)
        return calls

    def _ask(self, pages: int) -> list[Coroutine[Any, Any, None]]:
        calls = [self._list(number) for number in range(self._asked + 1, self._asked + pages + 1)]
        self._asked += pages
        return calls

    # -- calls -------------------------------------------------------------------------------

    async def _list(self, number: int) -> None:
        conversations, total = await self.reader.conversations(
            self.window, self.criteria, descending=self.descending, page=number
        )
        self._pages[number] = (conversations, total)
        while self._released < self._read_pages():  # in page order, whatever order they come in
            self._released += 1
            for conversation in self._pages[self._released][0]:
                if conversation.id in self._seen:
                    continue  # shifted to the next page by a conversation that ended meanwhile
                self._seen.add(conversation.id)
                unread = self._unread_of(conversation)
                if unread is not None:
                    bisect.insort(self._unread, (self._rank(unread.first_ms), conversation.id, unread))

    def _unread_of(self, conversation: Conversation) -> _Unread | None:
        """`conversation` to read, unless its recordings cannot match or land on this page."""
        if not self.criteria.admits_call(conversation.id, conversation.call):
            return None
        start, end = conversation.start_ms, conversation.end_ms
        first = max(self.window.start, start if start is not None else self.window.start)
        last = min(self.window.end - 1, end if end is not None else self.window.end - 1)
        if self.after is not None:
            first, last = (first, min(last, self.after[0])) if self.descending else (max(first, self.after[0]), last)
        return _Unread(conversation, first, last) if first <= last else None

    async def _read_recordings(self, unread: _Unread) -> None:
        conversation = unread.conversation
        recordings = await self.reader.of_conversation(conversation.id, conversation)
        self._known += [
            r for r in recordings if r.start_time is not None and self._on_page(_key(r)) and self.criteria.admits(r)
        ]

    async def run(self) -> Page[Recording]:
        # The analytics pages the page needs, with room for conversations it reads but does not keep;
        # one for a narrowed query, which seldom fills more.
        needed = -(-(self.limit + self.limit // 8 + 1) // ANALYTICS_PAGE)
        calls = self._ask(1 if self.criteria.narrowed else needed)
        while calls:
            tasks = [asyncio.create_task(call) for call in calls]
            try:
                await asyncio.gather(*tasks)
            except BaseException:  # a failed call fails the page: the rest of its round is dropped
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
            self._place()
            calls = [] if self._full else self._round()
        more = self._full and not self._exhausted
        return Page(self.items, self.afters[-1] if more else None, self.afters)
