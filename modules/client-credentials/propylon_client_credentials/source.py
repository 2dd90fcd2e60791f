"""The token of one configuration: fetched when first needed, kept until it is about to
expire, fetched again then.

Requests that need a token while it is being fetched wait for that one fetch (however many
they are), so the authorization server sees one grant at a time per configuration. A failed
fetch is not remembered: the next request tries again. Each fetch is bounded in time, so a
silent server fails the requests that wait for it instead of holding them; a request that
gives up (its endpoint's timeout) leaves the fetch running for the others.

Which of the two authentication styles the server takes is learnt as golang.org/x/oauth2
learns it: HTTP Basic first, form fields if that fails, and the one that worked is kept.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp

from propylon_client_credentials.grant import Grant, GrantError, Style, Token

# golang.org/x/oauth2 treats a token as expired this long before it does.
EXPIRY_MARGIN = 10.0
FETCH_TIMEOUT = 10.0


class TokenSource:
    def __init__(
        self,
        grant: Grant,
        user_agent: str = "",
        timeout: float = FETCH_TIMEOUT,
        margin: float = EXPIRY_MARGIN,
    ) -> None:
        self._grant = grant
        self._user_agent = user_agent
        self._timeout = timeout
        self._margin = margin
        self._token: Token | None = None
        self._style: Style | None = None
        self._inflight: asyncio.Future[Token] | None = None
        self.fetches = 0

    async def token(self) -> Token:
        token = self._token
        if token is not None and token.valid(time.monotonic(), self._margin):
            return token
        task = self._inflight
        if task is None:
            task = self._inflight = asyncio.ensure_future(self._fetch())
            task.add_done_callback(self._settled)
        return await asyncio.shield(task)

    def _settled(self, task: asyncio.Future[Token]) -> None:
        if self._inflight is task:
            self._inflight = None
        if not task.cancelled():
            task.exception()  # retrieved here: every waiter may have given up

    async def _fetch(self) -> Token:
        self.fetches += 1
        headers = {"User-Agent": self._user_agent} if self._user_agent else None
        try:
            async with (
                asyncio.timeout(self._timeout),
                aiohttp.ClientSession(headers=headers) as session,
            ):
                token = await self._request(session)
        except TimeoutError:
            url = self._grant.token_url
            raise GrantError(f'Post "{url}": no answer within {self._timeout:g}s') from None
        self._token = token
        return token

    async def _request(self, session: aiohttp.ClientSession) -> Token:
        if self._style is not None:
            return await self._grant.request(session, self._style)
        try:
            token = await self._grant.request(session, "header")
            self._style = "header"
        except GrantError:
            token = await self._grant.request(session, "params")
            self._style = "params"
        return token
