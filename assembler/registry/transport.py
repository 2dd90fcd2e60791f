"""HTTP to one repository of a registry, with its authentication.

A 401 answer names the scheme: ``Bearer`` (a token from the realm, per the Docker registry
token spec, asked for with the credentials when there are any) or ``Basic``. The
authorisation is kept for the following requests and never sent on a redirect (blob storage
such as S3 refuses foreign credentials).
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPResponse
from typing import IO

from assembler.errors import AssembleError
from assembler.registry.credentials import credentials
from assembler.registry.tls import scheme, ssl_context

_PARAM = re.compile(r'(\w+)="([^"]*)"')
TIMEOUT = 60


class RegistryError(AssembleError):
    """A registry answered with an error: ``status`` tells which."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Uploads answer 201/202 with a Location to follow by hand, never automatically."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if req.get_method() in ("GET", "HEAD"):
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        return None


@dataclass
class Repository:
    host: str
    name: str
    push: bool = False
    mounts: list[str] = field(default_factory=list)  # other repositories read for mounts
    _auth: str = ""

    @property
    def base(self) -> str:
        from assembler.registry.reference import DOCKER_HUB, DOCKER_HUB_API

        host = DOCKER_HUB_API if self.host == DOCKER_HUB else self.host
        return f"{scheme(host)}://{host}/v2/{self.name}"

    def _opener(self) -> urllib.request.OpenerDirector:
        host = urllib.parse.urlsplit(self.base).netloc
        return urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ssl_context(host)), _NoRedirect()
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | IO[bytes] | None = None,
        ok: tuple[int, ...] = (200,),
        what: str = "",
    ) -> HTTPResponse:
        """The answer when its status is in ``ok``; ``RegistryError`` otherwise."""
        if not url.startswith(("http://", "https://")):
            url = self.base + url if url.startswith("/") else url
        for attempt in (1, 2):
            req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
            if self._auth:
                req.add_unredirected_header("Authorization", self._auth)
            try:
                response: HTTPResponse = self._opener().open(req, timeout=TIMEOUT)
            except urllib.error.HTTPError as exc:
                if exc.code == 401 and attempt == 1 and self._authenticate(exc):
                    if hasattr(body, "seek"):
                        body.seek(0)  # type: ignore[union-attr]
                    continue
                if exc.code in ok:
                    return exc  # type: ignore[return-value]
                raise self._failure(exc, what or f"{method} {url}") from None
            except urllib.error.URLError as exc:
                raise self._unreachable(exc.reason) from None
            except (TimeoutError, ConnectionError) as exc:
                raise self._unreachable(exc) from None
            if response.status not in ok:
                raise RegistryError(
                    f"{self.host}/{self.name}: {what or method} answered {response.status}",
                    response.status,
                )
            return response
        raise AssertionError("unreachable")

    def _unreachable(self, reason: object) -> AssembleError:
        if isinstance(reason, ssl.SSLCertVerificationError):
            return AssembleError(
                f"registry {self.host}: TLS certificate not trusted ({reason.verify_message}); "
                f"give its CA in PROPYLON_REGISTRY_CA_FILE or /etc/containers/certs.d/"
                f"{self.host}/ca.crt"
            )
        if isinstance(reason, ssl.SSLError):
            return AssembleError(f"registry {self.host}: TLS failed ({reason.reason})")
        text = getattr(reason, "strerror", None) or str(reason)
        return AssembleError(f"registry {self.host} cannot be reached: {text}")

    def _failure(self, exc: urllib.error.HTTPError, what: str) -> RegistryError:
        detail = ""
        try:
            errors = json.loads(exc.read() or b"{}").get("errors") or []
            detail = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors)
        except (ValueError, AttributeError, OSError):
            pass
        where = f"{self.host}/{self.name}"
        if exc.code == 401:
            creds = credentials(self.host, self.name)
            if creds is None:
                return RegistryError(
                    f"registry {self.host} needs credentials for {self.name} (none found: "
                    "podman login, or PROPYLON_REGISTRY_USERNAME/PASSWORD)",
                    401,
                )
            return RegistryError(
                f"registry {self.host} refused the credentials of {creds[0]!r} for {self.name}",
                401,
            )
        if exc.code == 403:
            return RegistryError(f"{where}: access denied to {what} ({detail or 'forbidden'})", 403)
        return RegistryError(f"{where}: {what} failed: {exc.code} {detail or exc.reason}", exc.code)

    def _authenticate(self, exc: urllib.error.HTTPError) -> bool:
        """Sets the authorisation a 401 asks for; False when there is nothing new to try."""
        challenge = exc.headers.get("WWW-Authenticate", "")
        kind = challenge.split(" ", 1)[0].lower()
        creds = credentials(self.host, self.name)
        if kind == "basic":
            if creds is None or self._auth.startswith("Basic "):
                return False
            self._auth = "Basic " + _basic(*creds)
            return True
        if kind != "bearer" or self._auth.startswith("Bearer "):
            return False
        params = dict(_PARAM.findall(challenge))
        realm = params.get("realm", "")
        if not realm:
            return False
        actions = "pull,push" if self.push else "pull"
        scopes = [f"repository:{self.name}:{actions}"]
        scopes += [f"repository:{m}:pull" for m in self.mounts]
        query = [("scope", s) for s in scopes]
        if params.get("service"):
            query.insert(0, ("service", params["service"]))
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query)
        req = urllib.request.Request(url)
        if creds is not None:
            req.add_unredirected_header("Authorization", "Basic " + _basic(*creds))
        host = urllib.parse.urlsplit(realm).netloc
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl_context(host)))
        try:
            with opener.open(req, timeout=TIMEOUT) as answer:
                token = json.loads(answer.read())
        except urllib.error.HTTPError as failed:
            if failed.code in (401, 403):
                who = f"the credentials of {creds[0]!r}" if creds else "anonymous access"
                raise RegistryError(
                    f"registry {self.host} refused {who} for {self.name}", 401
                ) from None
            raise RegistryError(f"token service {realm}: {failed.code}", failed.code) from None
        except urllib.error.URLError as failed:
            raise AssembleError(
                f"token service {realm} cannot be reached: {failed.reason}"
            ) from None
        value = token.get("token") or token.get("access_token")
        if not isinstance(value, str):
            raise AssembleError(f"token service {realm} gave no token")
        self._auth = f"Bearer {value}"
        return True


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()
