"""Request body size limit: a pure ASGI middleware answering 413 before a large body is read.

The limit is ``nidation.settings`` ``max_case_bytes`` for the JSON API; web form posts (which
carry the case as form fields or a multipart upload) get twice that, for the encoding overhead.
Both a declared ``Content-Length`` and a streamed (chunked) body are checked.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nidation.errors import Problem
from nidation.io.document import too_large
from nidation.settings import get_settings

__all__ = ["BodyLimit", "limit_for"]


class _TooLarge(Exception):  # noqa: N818 - internal signal
    def __init__(self, size: int) -> None:
        self.size = size


def limit_for(path: str) -> int:
    """The largest body (bytes) accepted on ``path``."""
    limit = get_settings().max_case_bytes
    return limit if path.startswith("/v1/") else 2 * limit


def _refusal(size: int, path: str) -> Problem:
    settings = get_settings()
    base = too_large(size, settings)
    if limit_for(path) == settings.max_case_bytes:
        return base
    return Problem("", base.value, f"above {limit_for(path)} bytes for a form", base.action)


class BodyLimit:
    """Refuse request bodies above :func:`limit_for` with 413 and one Problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = limit_for(path)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_413(send, int(declared), path)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(seen)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge as exc:
            if started:
                raise
            await _send_413(send, exc.size, path)


async def _send_413(send: Send, size: int, path: str) -> None:
    body = json.dumps({"detail": [_refusal(size, path).as_dict()]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
