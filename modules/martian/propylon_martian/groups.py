"""Martian's groups, which run several modifiers in turn, and ``stash.Modifier``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from propylon_martian.definition import DefinitionError, Fields, Result, modifier, new_result
from propylon_martian.errors import ModifierError, MultiError
from propylon_martian.message import BackendRequest, BackendResponse

M = TypeVar("M")


def _run(each: list[M], call: Callable[[M], None], aggregate: bool) -> None:
    """Each in turn; the first error stops them, unless ``aggregate``: then all run and their
    errors are returned together."""
    errors: list[ModifierError] = []
    for item in each:
        try:
            call(item)
        except ModifierError as exc:
            if not aggregate:
                raise
            errors.append(exc)
    if errors:
        raise MultiError(errors)


class Group:
    """``fifo.Group`` (in the order written) and ``priority.Group`` (highest priority first)."""

    def __init__(self, results: list[Result], aggregate: bool) -> None:
        self.requests = [r.request for r in results if r.request is not None]
        self.responses = [r.response for r in results if r.response is not None]
        self.aggregate = aggregate

    def modify_request(self, req: BackendRequest) -> None:
        _run(self.requests, lambda m: m.modify_request(req), self.aggregate)

    def modify_response(self, res: BackendResponse) -> None:
        _run(self.responses, lambda m: m.modify_response(res), self.aggregate)


class Stash:
    """``stash.Modifier``: the request's URL, as sent, in a request header; on the response,
    that header copied from the request."""

    def __init__(self, name: str) -> None:
        self.name = name

    def modify_request(self, req: BackendRequest) -> None:
        req.headers[self.name] = req.url()

    def modify_response(self, res: BackendResponse) -> None:
        res.headers[self.name] = res.request.headers.get(self.name, "")


@modifier("fifo.Group", "modifiers", "aggregateErrors")
def _fifo(fields: Fields) -> Result:
    results = [fields.parse(raw, at) for raw, at in fields.items("modifiers")]
    return new_result(fields, Group(results, fields.boolean("aggregateErrors")))


@modifier("priority.Group", "modifiers")
def _priority(fields: Fields) -> Result:
    ranked = []
    for index, (raw, at) in enumerate(fields.items("modifiers")):
        entry = Fields(raw, at, ("priority", "modifier"), fields.parse)
        if entry.has("scope"):
            raise DefinitionError(
                entry.path("scope"), "unknown field (expected modifier, priority)"
            )
        priority = entry.integer("priority", -(2**63), 2**63 - 1)
        ranked.append((priority, index, entry.modifier("modifier")))
    # Highest first; of equal priorities, the one written last first, as martian inserts them.
    ranked.sort(key=lambda item: (-item[0], -item[1]))
    return new_result(fields, Group([result for _, _, result in ranked], aggregate=False))  # type: ignore[misc]


@modifier("stash.Modifier", "headerName")
def _stash(fields: Fields) -> Result:
    result = new_result(fields, Stash(fields.header_name("headerName")))
    if result.response is not None and result.request is None:
        raise DefinitionError(
            fields.path("scope"),
            "to write the header on a response, the scope must be both request and response",
        )
    return result
