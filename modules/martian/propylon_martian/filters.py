"""Martian's ``filter.Filter``: a condition on the request (or on the request behind a
response) that runs one modifier when it holds and, optionally, another when it does not."""

from __future__ import annotations

from typing import Protocol

from propylon_martian.definition import Fields, Result
from propylon_martian.message import BackendRequest, BackendResponse


class Condition(Protocol):
    def match_request(self, req: BackendRequest) -> bool: ...

    def match_response(self, res: BackendResponse) -> bool: ...


class Filter:
    def __init__(self, condition: Condition, then: Result, otherwise: Result | None) -> None:
        self.condition = condition
        self.then = then
        self.otherwise = otherwise or Result()

    def modify_request(self, req: BackendRequest) -> None:
        chosen = self.then if self.condition.match_request(req) else self.otherwise
        if chosen.request is not None:
            chosen.request.modify_request(req)

    def modify_response(self, res: BackendResponse) -> None:
        chosen = self.then if self.condition.match_response(res) else self.otherwise
        if chosen.response is not None:
            chosen.response.modify_response(res)


def new_filter(fields: Fields, condition: Condition) -> Filter:
    """A filter on ``condition`` running ``modifier`` (required) or ``else``."""
    return Filter(condition, fields.modifier("modifier"), fields.modifier("else", required=False))  # type: ignore[arg-type]
