"""One token request, sent and read as golang.org/x/oauth2 (KrakenD's library) does.

The form holds ``grant_type=client_credentials``, the ``scope`` and the endpoint params, keys
sorted as Go encodes a form. The client authenticates in one of two styles: ``header``, HTTP
Basic with the id and secret form-escaped first, or ``params``, ``client_id`` and
``client_secret`` form fields. The answer is JSON, or a form when it says it is
``application/x-www-form-urlencoded`` or ``text/plain``; a status outside 2xx, an ``error``
field or a missing ``access_token`` fails the grant. At most 1 MiB of it is read.

No message leaves this module with the client secret in it: each is redacted first.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Any, Literal
from urllib.parse import parse_qs, quote, quote_plus, urlencode

import aiohttp

Style = Literal["header", "params"]
MAX_BODY = 1 << 20
MAX_EXPIRES_IN = 2**31 - 1  # Go reads expires_in into an int32
SHOWN_BODY = 200  # characters of a failed answer kept in the message
FORM_TYPES = ("application/x-www-form-urlencoded", "text/plain")
_INTEGER = re.compile(r"[+-]?[0-9]+")
# Token types with a canonical spelling in the Authorization header (oauth2.Token.Type).
_KNOWN_TYPES = {"bearer": "Bearer", "mac": "MAC", "basic": "Basic"}


class GrantError(Exception):
    """The token could not be obtained; the message names the cause, never the secret."""


@dataclass(frozen=True, slots=True)
class Token:
    access_token: str
    token_type: str
    # time.monotonic() when it expires; None when the server gave no lifetime (kept forever).
    expires_at: float | None

    @property
    def authorization(self) -> str:
        kind = self.token_type
        return f"{_KNOWN_TYPES.get(kind.lower(), kind or 'Bearer')} {self.access_token}"

    def valid(self, now: float, margin: float) -> bool:
        return self.expires_at is None or now <= self.expires_at - margin


class Grant:
    """The token request of one configuration."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str,
        endpoint_params: Mapping[str, Sequence[str]],
    ) -> None:
        self.token_url = token_url
        self._id = client_id
        self._secret = client_secret
        values: dict[str, list[str]] = {"grant_type": ["client_credentials"], "scope": [scope]}
        for key, items in endpoint_params.items():
            values[key] = list(items)
        self._values = values
        # What a message must never show: the secret, however the form may have carried it.
        hidden = [client_secret, *endpoint_params.get("client_secret", ())]
        hidden += endpoint_params.get("client_assertion", ())
        forms = {f for h in hidden if h for f in (h, quote_plus(h, safe=""), quote(h, safe=""))}
        self._hidden = sorted(forms, key=len, reverse=True)

    def form(self, style: Style) -> str:
        values = dict(self._values)
        if style == "params":
            if self._id:
                values["client_id"] = [self._id]
            if self._secret:
                values["client_secret"] = [self._secret]
        pairs = [(key, value) for key in sorted(values) for value in values[key]]
        return urlencode(pairs)  # QueryEscape: spaces as "+", as Go encodes a form

    def headers(self, style: Style) -> dict[str, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if style == "header":
            pair = f"{quote_plus(self._id, safe='')}:{quote_plus(self._secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        return headers

    async def request(self, session: aiohttp.ClientSession, style: Style) -> Token:
        try:
            async with session.post(
                self.token_url, data=self.form(style).encode(), headers=self.headers(style)
            ) as resp:
                body = await _read(resp)
                return self._token(resp.status, resp.reason or "", resp.headers, body)
        except GrantError as exc:
            raise GrantError(self.redact(str(exc))) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            cause = str(exc) or type(exc).__name__
            raise GrantError(self.redact(f'Post "{self.token_url}": {cause}')) from None

    def redact(self, message: str) -> str:
        for form in self._hidden:
            message = message.replace(form, "[redacted]")
        return message

    def _token(self, status: int, reason: str, headers: Mapping[str, str], body: bytes) -> Token:
        failed = not 200 <= status <= 299
        fields = _parse(body, headers.get("Content-Type", ""), failed)
        code = fields.get("error", "")
        if failed or code:
            if code:
                details = [code, fields.get("error_description", ""), fields.get("error_uri", "")]
                raise GrantError("oauth2: " + " ".join(f'"{d}"' for d in details if d))
            shown = body[:SHOWN_BODY].decode("utf-8", "replace").replace("\n", " ")
            raise GrantError(f"oauth2: cannot fetch token: {status} {reason}; response: {shown}")
        access = fields.get("access_token", "")
        if not access:
            raise GrantError("oauth2: server response missing access_token")
        seconds = min(int(fields.get("expires_in") or 0), MAX_EXPIRES_IN)
        expires_at = time.monotonic() + seconds if seconds else None
        return Token(access, fields.get("token_type", ""), expires_at)


async def _read(resp: aiohttp.ClientResponse) -> bytes:
    body = bytearray()
    async for chunk in resp.content.iter_chunked(64 * 1024):
        body += chunk[: MAX_BODY - len(body)]
        if len(body) >= MAX_BODY:
            break
    return bytes(body)


def _media_type(content_type: str) -> str:
    message = Message()
    message["Content-Type"] = content_type
    return message.get_content_type() if content_type else ""


def _parse(body: bytes, content_type: str, failed: bool) -> dict[str, str]:
    """The answer's fields as strings; ``expires_in`` as the digits of a whole number."""
    text = body.decode("utf-8", "replace")
    if _media_type(content_type) in FORM_TYPES:
        fields = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
        expires = fields.get("expires_in", "").strip()
        fields["expires_in"] = expires if _INTEGER.fullmatch(expires) else "0"
        return fields
    try:
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError(f"expected an object, got {type(document).__name__}")
        return _json_fields(document)
    except ValueError as exc:
        if failed:
            return {}
        raise GrantError(f"oauth2: cannot parse json: {exc}") from None


def _json_fields(document: dict[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name in ("access_token", "token_type", "error", "error_description", "error_uri"):
        value = document.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"{name} is not a string")
        fields[name] = value
    expires = document.get("expires_in")
    if isinstance(expires, str) and _INTEGER.fullmatch(expires.strip()):
        expires = int(expires)  # some servers send it quoted, which Go accepts
    if expires is not None:
        if isinstance(expires, bool) or not isinstance(expires, int):
            raise ValueError(f"expires_in is not a whole number: {expires!r}")
        fields["expires_in"] = str(expires)
    return fields
