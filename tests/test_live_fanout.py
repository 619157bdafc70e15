"""The live-updates fan-out's shortcuts (app/live.py, app/web/live.py) change nothing a page
hears: a stream that fell behind sends its queued changes in one piece, each event exactly as
it would be sent alone, and streams that hear the same event share its encoding."""

import asyncio
import json
from collections import OrderedDict
from types import SimpleNamespace

from sse_starlette import ServerSentEvent

from app.live import Change, Listener
from app.models import User
from app.web.live import RETRY, _events


def _request() -> SimpleNamespace:
    """What _events reads of a request: the app's shared encodings."""
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(live_rendered=OrderedDict())))


def _alone(change: Change) -> bytes:
    """The event as a stream sent it one at a time."""
    data = json.dumps({"id": change.annotation_id})
    return ServerSentEvent(id=str(change.id), event=change.heard, data=data, retry=RETRY).encode()


def test_a_stream_behind_sends_its_changes_in_one_piece_in_order():
    async def scenario() -> tuple[list[Change], bytes, list[Change]]:
        listener = Listener(1, User(id=7, username="ann", password_hash="-"))
        for n, heard in ((5, "saved"), (6, "removed"), (8, "saved")):
            listener.queue.put_nowait(Change(n, heard, 100 + n))
        taken = await listener.changes()
        sent = await _events(_request(), listener, taken)
        listener.queue.put_nowait(Change(9, "saved", 109))
        return taken, sent, await listener.changes()

    taken, sent, later = asyncio.run(scenario())
    assert [c.id for c in taken] == [5, 6, 8]
    assert sent == b"".join(_alone(c) for c in taken)
    assert sent.startswith(b'id: 5\r\nevent: saved\r\ndata: {"id": 105}\r\nretry: 2000\r\n\r\n')
    assert [c.id for c in later] == [9]  # what comes after is the next piece


def test_streams_that_hear_the_same_share_its_encoding_and_signed_in_get_no_html():
    async def scenario() -> list[bytes]:
        request = _request()
        removed = Change(3, "removed", 42)
        saved = Change(4, "saved", 42)
        readers = [Listener(1, None), Listener(1, None)]  # not signed in: "removed" has no html
        members = [Listener(1, User(id=i, username=f"m{i}", password_hash="-")) for i in (1, 2)]
        return [
            *[await _events(request, r, [removed]) for r in readers],
            *[await _events(request, m, [saved]) for m in members],
        ]

    first, second, member_one, member_two = asyncio.run(scenario())
    assert first is second and member_one is member_two  # encoded once, shared
    assert first == _alone(Change(3, "removed", 42))
    assert member_one == _alone(Change(4, "saved", 42))  # the member fetches the entry
