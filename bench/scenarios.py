"""The endpoint shapes measured beside pass-through, one gateway endpoint each.

Every scenario proxies the same backend file as pass-through and adds the work of one
module (or two): its figure divided by pass-through's, from the same run, is what that
work costs per request.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

PAYLOAD_PATH = "/passthrough"
JWKS_PATH = "/jwks.json"
ORIGIN = "https://app.example.com"
LUA_HEADER = ("X-Bench-Lua", "modified")
LUA_FIELD = ("name", "changed-by-lua")
CEL_HEADER = ("X-Bench", "cel")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The OTLP/HTTP collector of the telemetry scenarios (otlp_sink.py, started by the bench),
# which accepts every span and answers 200.
COLLECTOR_PORT = _free_port()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True)
class Setup:
    """What the scenarios' endpoints depend on, known once the servers have ports."""

    backend: str  # http://127.0.0.1:PORT
    # RS256 tokens of the JWK set the backend serves: the first one is the scenarios' token.
    tokens: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        return self.tokens[0] if self.tokens else ""


Check = Callable[[Answer, dict], "str | None"]


@dataclass(frozen=True)
class Scenario:
    name: str
    modules: tuple[str, ...]  # as `propylon version` lists them
    summary: str
    extra: Callable[[Setup], dict] = lambda _s: {}  # the endpoint's extra_config
    service: dict = field(default_factory=dict)  # added to the service's extra_config
    headers: Callable[[Setup], dict[str, str]] = lambda _s: {}
    input_headers: tuple[str, ...] = ()
    check: Check | None = None  # why the answer is wrong, or None
    # The endpoint's backends, when not the payload file once as is.
    backends: Callable[[Setup], list[dict]] | None = None
    # Distinct tokens wrk sends in turn (one per request, from a wrk script), when not 0.
    rotating_tokens: int = 0
    # Needs the OTLP/HTTP sink listening on COLLECTOR_PORT.
    collector: bool = False

    @property
    def path(self) -> str:
        return f"/{self.name}"

    def endpoint(self, setup: Setup) -> dict:
        endpoint: dict = {
            "endpoint": self.path,
            "method": "GET",
            "backend": (
                self.backends(setup)
                if self.backends
                else [{"host": [setup.backend], "url_pattern": PAYLOAD_PATH}]
            ),
        }
        if self.input_headers:
            endpoint["input_headers"] = list(self.input_headers)
        extra = self.extra(setup)
        if extra:
            endpoint["extra_config"] = extra
        return endpoint


def _same_payload(answer: Answer, payload: dict) -> str | None:
    if answer.status != 200 or json.loads(answer.body) != payload:
        return f"answered {answer.status} {answer.body[:200]!r}, not the backend's JSON"
    return None


def _lua_check(answer: Answer, payload: dict) -> str | None:
    expected = {**payload, LUA_FIELD[0]: LUA_FIELD[1]}
    if answer.status != 200 or json.loads(answer.body) != expected:
        return f"answered {answer.status} {answer.body[:200]!r}, without the field set by Lua"
    if answer.headers.get(LUA_HEADER[0].lower()) != LUA_HEADER[1]:
        return f"answered without the header {LUA_HEADER[0]} set by Lua"
    return None


def _cors_check(answer: Answer, payload: dict) -> str | None:
    if answer.headers.get("access-control-allow-origin") not in ("*", ORIGIN):
        return "answered without Access-Control-Allow-Origin"
    return _same_payload(answer, payload)


def _merge_check(answer: Answer, payload: dict) -> str | None:
    if answer.status != 200 or json.loads(answer.body) != {"first": payload, "second": payload}:
        return f"answered {answer.status} {answer.body[:200]!r}, not both backends grouped"
    return None


FILTERED = ("id", "name", "tags")
RENAMED = ("name", "title")


def _filter_check(answer: Answer, payload: dict) -> str | None:
    expected = {RENAMED[1] if k == RENAMED[0] else k: payload[k] for k in FILTERED}
    if answer.status != 200 or json.loads(answer.body) != expected:
        return f"answered {answer.status} {answer.body[:200]!r}, not the allowed, renamed fields"
    return None


def _two_backends(setup: Setup) -> list[dict]:
    return [
        {"host": [setup.backend], "url_pattern": PAYLOAD_PATH, "group": group}
        for group in ("first", "second")
    ]


def _filtered_backend(setup: Setup) -> list[dict]:
    return [
        {
            "host": [setup.backend],
            "url_pattern": PAYLOAD_PATH,
            "allow": list(FILTERED),
            "mapping": {RENAMED[0]: RENAMED[1]},
        }
    ]


def _rs256(setup: Setup) -> dict:
    return {
        "auth/validator": {
            "alg": "RS256",
            "jwk_url": f"{setup.backend}{JWKS_PATH}",
            "disable_jwk_security": True,
            "cache": True,
        }
    }


# More distinct tokens than a worker remembers verified (1,024): each request is verified.
DISTINCT_TOKENS = 3000

_LUA_POST = f"""local r = response.load()
r:headers("{LUA_HEADER[0]}", "{LUA_HEADER[1]}")
r:data():set("{LUA_FIELD[0]}", "{LUA_FIELD[1]}")"""


def _telemetry(sample_rate: float) -> dict:
    """Both telemetry namespaces, on side ports of their own (/__stats, the Prometheus
    exporter): each telemetry scenario runs a gateway of its own, at the same time."""
    prometheus = {"name": "prom", "port": _free_port(), "listen_ip": "127.0.0.1"}
    sink = {"name": "sink", "host": "127.0.0.1", "port": COLLECTOR_PORT, "use_http": True,
            "disable_metrics": True}  # fmt: skip
    return {
        "telemetry/metrics": {"listen_address": f"127.0.0.1:{_free_port()}"},
        "telemetry/opentelemetry": {
            "trace_sample_rate": sample_rate,
            "exporters": {"prometheus": [prometheus], "otlp": [sink]},
        },
    }


ALL: tuple[Scenario, ...] = (
    Scenario("passthrough", (), "one backend, JSON decoded and re-encoded", check=_same_payload),
    Scenario(
        "merge",
        (),
        "two backends on the same file, called concurrently, each in its group",
        backends=_two_backends,
        check=_merge_check,
    ),
    Scenario(
        "filter_mapping",
        (),
        "one backend, three fields allowed, one renamed",
        backends=_filtered_backend,
        check=_filter_check,
    ),
    Scenario(
        "rs256",
        ("jwt",),
        "auth/validator RS256, JWK set over http from the backend, cached; one token",
        extra=_rs256,
        headers=lambda s: {"Authorization": f"Bearer {s.token}"},
        check=_same_payload,
    ),
    Scenario(
        "rs256_distinct",
        ("jwt",),
        f"as rs256, each request with the next of {DISTINCT_TOKENS:,} tokens: every signature "
        "checked",
        extra=_rs256,
        headers=lambda s: {"Authorization": f"Bearer {s.token}"},
        check=_same_payload,
        rotating_tokens=DISTINCT_TOKENS,
    ),
    Scenario(
        "lua",
        ("lua",),
        "modifier/lua-proxy post: sets a header and a data field",
        extra=lambda _s: {"modifier/lua-proxy": {"post": _LUA_POST}},
        check=_lua_check,
    ),
    Scenario(
        "cel",
        ("cel",),
        "validation/cel on a request header (holds)",
        extra=lambda _s: {
            "validation/cel": [
                {"check_expr": f"'{CEL_HEADER[1]}' in req_headers['{CEL_HEADER[0]}']"}
            ]
        },
        headers=lambda _s: {CEL_HEADER[0]: CEL_HEADER[1]},
        input_headers=(CEL_HEADER[0],),
        check=_same_payload,
    ),
    Scenario(
        "cors_ratelimit",
        ("cors", "ratelimit"),
        "security/cors (service, Origin sent) + qos/ratelimit/router, never refusing",
        extra=lambda _s: {"qos/ratelimit/router": {"max_rate": 1_000_000_000}},
        service={"security/cors": {"allow_origins": [ORIGIN], "allow_methods": ["GET"]}},
        headers=lambda _s: {"Origin": ORIGIN},
        check=_cors_check,
    ),
    Scenario(
        "pipeline",
        ("cors", "ratelimit", "jwt"),
        "the full module pipeline: security/cors + qos/ratelimit/router + auth/validator RS256",
        extra=lambda s: {"qos/ratelimit/router": {"max_rate": 1_000_000_000}, **_rs256(s)},
        service={"security/cors": {"allow_origins": [ORIGIN], "allow_methods": ["GET"]}},
        headers=lambda s: {"Origin": ORIGIN, "Authorization": f"Bearer {s.token}"},
        check=_cors_check,
    ),
    Scenario(
        "telemetry",
        ("metrics", "opentelemetry"),
        "telemetry/metrics + telemetry/opentelemetry (Prometheus exporter, every request traced "
        "and its 4 spans exported over OTLP/HTTP to a local sink); both are service-wide, so "
        "this scenario has a gateway of its own",
        service=_telemetry(1),
        check=_same_payload,
        collector=True,
    ),
    Scenario(
        "telemetry_sampled",
        ("metrics", "opentelemetry"),
        "the same with trace_sample_rate 0.1, as production configurations often have it: one "
        "request in ten traced and exported, every request measured",
        service=_telemetry(0.1),
        check=_same_payload,
        collector=True,
    ),
)
BY_NAME = {s.name: s for s in ALL}


def parse(text: str | None) -> list[str] | None:
    """Names from ``--scenarios a,b``; None when not given (all that can run)."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise ValueError(
            f"unknown scenario {', '.join(unknown)}: choose among {', '.join(BY_NAME)}"
        )
    return names


def select(
    requested: list[str] | None, installed: set[str], token_problem: str | None
) -> tuple[list[Scenario], dict[str, str]]:
    """The scenarios to run (pass-through always first) and, for the others, why not.

    A scenario asked for by name that cannot run is an error (a ValueError); by default the
    ones that cannot are skipped.
    """
    names = list(BY_NAME) if requested is None else requested
    chosen, skipped = [BY_NAME["passthrough"]], {}
    for name in names:
        scenario = BY_NAME[name]
        if scenario in chosen:
            continue
        missing = [m for m in scenario.modules if m not in installed]
        why = f"module {', '.join(missing)} not installed" if missing else None
        if not why and "jwt" in scenario.modules and token_problem:
            why = token_problem
        if why and requested is not None:
            raise ValueError(f"scenario {name} cannot run: {why}")
        if why:
            skipped[name] = why
        else:
            chosen.append(scenario)
    return chosen, skipped


def wrk_script(tokens: tuple[str, ...]) -> str:
    """A wrk script sending ``tokens`` in turn, one per request, as bearer tokens."""
    listed = ",\n".join(f'  "{t}"' for t in tokens)
    return f"""local tokens = {{
{listed}
}}
local next_token = 0
request = function()
  next_token = next_token % #tokens + 1
  return wrk.format(nil, nil, {{["Authorization"] = "Bearer " .. tokens[next_token]}})
end
"""
