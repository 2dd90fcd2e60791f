"""``validation/cel`` read at start-up: every expression compiled, and one that cannot run is
a configuration error naming the endpoint, the entry and ``check_expr``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_cel import module
from propylon_cel.cost import shape
from propylon_cel.evaluate import now_text
from propylon_cel.expression import Stage

WHERE = "endpoints[0] (GET /x)"


def config(endpoint: Any = None, backend: Any = None) -> dict[str, Any]:
    back: dict[str, Any] = {"host": ["http://127.0.0.1:9"], "url_pattern": "/x"}
    if backend is not None:
        back["extra_config"] = {"validation/cel": backend}
    end: dict[str, Any] = {"endpoint": "/x", "backend": [back]}
    if endpoint is not None:
        end["extra_config"] = {"validation/cel": endpoint}
    return {"version": 3, "endpoints": [end]}


def errors(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.where, p.message) for p in check_config(document, [module]).errors]


def test_a_syntax_error_names_the_field_and_the_position() -> None:
    found = errors(config([{"check_expr": "true"}, {"check_expr": "req_path == "}]))
    assert len(found) == 1
    where, message = found[0]
    assert where == f"{WHERE}.extra_config.validation/cel[1].check_expr"
    assert message.startswith("does not compile: 1:13: Syntax error: mismatched input '<EOF>'")
    assert "\n" not in message


def test_errors_at_the_backend_level_name_the_backend() -> None:
    found = errors(config(backend=[{"check_expr": "req_path.startsWith('/a'"}]))
    assert found == [
        (
            f"{WHERE}.backend[0].extra_config.validation/cel[0].check_expr",
            "does not compile: 1:25: Syntax error: missing ')' at '<EOF>'",
        )
    ]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "is empty"),
        ("req_paht == '/x'", "undeclared reference to 'req_paht'"),
        ("req_path == resp_data.path", "mixes request and response variables"),
        ("JWT.sub == req_params.Id", "mixes request and jwt variables"),
    ],
)
def test_expressions_that_could_never_pass_are_refused(expression: str, message: str) -> None:
    [(where, found)] = errors(config([{"check_expr": expression}]))
    assert where == f"{WHERE}.extra_config.validation/cel[0].check_expr"
    assert found.startswith(message)


def test_every_bad_expression_is_reported() -> None:
    found = errors(config([{"check_expr": "1 +"}], [{"check_expr": "nope"}, {}]))
    assert [w.rsplit(".", 2)[-2:] for w, _ in found] == [
        ["validation/cel[0]", "check_expr"],
        ["validation/cel[0]", "check_expr"],
        ["validation/cel[1]", "check_expr"],
    ]
    assert found[2][1] == "is required"


def test_the_namespace_must_be_a_list() -> None:
    [(where, message)] = errors(config({"check_expr": "true"}))
    assert where == f"{WHERE}.extra_config.validation/cel"
    assert message.startswith("expected a list")


def test_load_config_raises_on_a_bad_expression() -> None:
    with pytest.raises(ConfigErrors):
        load_config(config([{"check_expr": "a b"}]), [module])


def test_expressions_are_compiled_once_into_their_stage() -> None:
    service = load_config(
        config(
            [
                {"check_expr": "req_method == 'GET'"},
                {"check_expr": "resp_data.items.all(i, i.ok)"},
                {"check_expr": "'admin' in JWT.roles"},
                {"check_expr": "timestamp(now).getFullYear() > 2000"},
            ]
        ),
        [module],
    )
    checks = service.endpoints[0].options["validation/cel"]
    stages = [c.expression.stage for c in checks]
    assert stages == [Stage.REQUEST, Stage.RESPONSE, Stage.JWT, Stage.REQUEST]
    assert checks[1].expression.names == {"resp_data"}


@pytest.mark.parametrize(
    ("expression", "depth"),
    [
        ("req_path == '/x'", 0),
        ("resp_data.a.all(x, x > 0)", 1),
        ("resp_data.a.all(i, i.tags.exists(t, t == 'x'))", 1),
        ("resp_data.a.all(x, resp_data.b.exists(y, x == y))", 2),
        ("resp_data.a.all(x, x.b.all(y, resp_data.c.map(z, z).exists(w, w == y)))", 2),
        ("'.all(' == resp_data.s && r'\\'.size() == 1", 0),
    ],
)
def test_comprehension_depth_is_read_from_the_text(expression: str, depth: int) -> None:
    assert shape(expression).depth == depth


def test_now_is_formatted_as_krakend_formats_it() -> None:
    utc = datetime(2025, 3, 4, 5, 6, 7, 120_999, tzinfo=UTC)
    assert now_text(utc) == "2025-03-04T05:06:07.12Z"
    assert now_text(utc.replace(microsecond=0)) == "2025-03-04T05:06:07Z"
    east = timezone(timedelta(hours=5, minutes=30))
    assert now_text(utc.replace(microsecond=500_000, tzinfo=east)) == "2025-03-04T05:06:07.5+05:30"
    assert now_text().startswith(str(datetime.now().year))
