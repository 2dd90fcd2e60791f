"""backend/graphql: what a GraphQL server receives for a query (GET and POST) and a mutation,
from a real gateway in front of a recording backend."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from propylon.sdk.testing import check_config, send
from propylon_graphql.module import module as graphql

QUERY = "query Hero($id: ID!) { hero(id: $id) { name } }"


def endpoint(path: str, options: dict, method: str = "GET", host: str = "") -> dict:
    return {
        "endpoint": path,
        "method": method,
        "backend": [
            {
                "host": [host],
                "url_pattern": "/graphql",
                "extra_config": {"backend/graphql": options},
            }
        ],
    }


def test_post_query_substitutes_params_into_variables(backend, gateway):
    recording, host = backend
    options = {
        "type": "query",
        "query": QUERY,
        "operationName": "Hero",
        "variables": {"id": "{hero}", "first": 3, "literal": "{}"},
    }
    url = gateway({"endpoints": [endpoint("/heroes/{hero}", options, host=host)]}, graphql)
    reply = send("GET", url + "/heroes/R2-D2")
    assert reply.status == 200
    (sent,) = recording.requests
    assert (sent.method, sent.path) == ("POST", "/graphql")
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.body) == {
        "query": QUERY,
        "operationName": "Hero",
        "variables": {"id": "R2-D2", "first": 3, "literal": "{}"},
    }


def test_get_query_goes_in_the_query_string(backend, gateway):
    recording, host = backend
    options = {"type": "query", "method": "get", "query": QUERY, "variables": {"id": "{hero}"}}
    url = gateway({"endpoints": [endpoint("/heroes/{hero}", options, host=host)]}, graphql)
    assert send("GET", url + "/heroes/Leia").status == 200
    (sent,) = recording.requests
    assert sent.method == "GET"
    assert sent.body == b""
    query = parse_qs(urlsplit(sent.raw_path).query)
    assert query["query"] == [QUERY]
    assert json.loads(query["variables"][0]) == {"id": "Leia"}
    assert "operationName" not in query


def test_mutation_takes_the_body_as_variables(backend, gateway):
    recording, host = backend
    options = {
        "type": "mutation",
        "query": "mutation Add($name: String!, $side: String) { add(name: $name, side: $side) }",
        "variables": {"side": "light", "name": "unused"},
    }
    url = gateway({"endpoints": [endpoint("/heroes", options, "POST", host)]}, graphql)
    assert send("POST", url + "/heroes", body=json.dumps({"name": "Rey"})).status == 200
    body = json.loads(recording.requests[0].body)
    assert body["variables"] == {"name": "Rey", "side": "light"}
    reply = send("POST", url + "/heroes", body="[1]")
    assert reply.status == 400
    assert len(recording.requests) == 1


def test_query_path_is_read_once_at_start(backend, gateway, tmp_path):
    recording, host = backend
    path = tmp_path / "hero.graphql"
    path.write_text(QUERY)
    options = {"type": "query", "query_path": str(path)}
    url = gateway({"endpoints": [endpoint("/hero", options, host=host)]}, graphql)
    path.unlink()
    assert send("GET", url + "/hero").status == 200
    assert json.loads(recording.requests[0].body) == {"query": QUERY}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        (
            {"type": "query", "query_path": "/nonexistent/hero.graphql"},
            "query_path",
            "cannot read /nonexistent/hero.graphql: No such file or directory",
        ),
        ({"type": "subscription", "query": QUERY}, "type", "query"),
        ({"type": "query"}, "query", "expected a query"),
        ({"type": "query", "query": QUERY, "variables": "x"}, "variables", "expected"),
    ],
)
def test_check_names_the_field(options, field, reason):
    problems = check_config({"endpoints": [endpoint("/h", options, host="http://a")]}, [graphql])
    (error,) = problems.errors
    assert error.where == f"endpoints[0] (GET /h).backend[0].extra_config.backend/graphql.{field}"
    assert reason in error.message
