"""The token request as golang.org/x/oauth2 sends it, and the token as the backend gets it."""

from __future__ import annotations


def test_the_backend_gets_the_token_as_a_bearer(env):
    url = env.gateway(env.config())
    reply = env.get(url + "/orders")
    assert reply.status == 200
    assert env.bearers() == ["Bearer token-1"]
    (grant,) = env.tokens.seen
    assert grant.style == "header"
    assert (grant.client_id, grant.client_secret) == (env.client_id, env.client_secret)


def test_form_fields_scopes_and_endpoint_params(env):
    credentials = env.credentials(
        scopes="orders:read,orders:write", endpoint_params={"audience": ["api", "b c"]}
    )
    url = env.gateway(env.config(credentials))
    assert env.get(url + "/orders").status == 200
    (grant,) = env.tokens.seen
    # Keys sorted, values in order, spaces as "+": how Go encodes a form.
    assert grant.body == (
        "audience=api&audience=b+c&grant_type=client_credentials&scope=orders%3Aread+orders%3Awrite"
    )
    assert grant.form["scope"] == ["orders:read orders:write"]


def test_an_empty_scope_is_still_sent(env):
    url = env.gateway(env.config())
    env.get(url + "/orders")
    assert env.tokens.seen[0].body == "grant_type=client_credentials&scope="


def test_form_credentials_when_basic_is_refused_and_that_style_is_kept(env):
    env.tokens.accept_basic = False
    env.tokens.expires_in = 5  # within the 10 s margin: each request needs a new token
    url = env.gateway(env.config())
    assert env.get(url + "/orders").status == 200
    assert [g.style for g in env.tokens.seen] == ["header", "params"]
    params = env.tokens.seen[1]
    assert params.form["client_id"] == [env.client_id]
    assert params.form["client_secret"] == [env.client_secret]
    assert env.get(url + "/orders").status == 200
    assert [g.style for g in env.tokens.seen] == ["header", "params", "params"]
    assert env.bearers() == ["Bearer token-1", "Bearer token-2"]


def test_the_client_authorization_is_replaced(env):
    url = env.gateway(env.config(input_headers=["Authorization", "X-Trace"]))
    reply = env.get(url + "/orders", {"Authorization": "Basic dXNlcjpwdw==", "X-Trace": "1"})
    assert reply.status == 200
    (seen,) = env.backend.requests
    assert seen.headers["Authorization"] == "Bearer token-1"
    assert seen.headers["X-Trace"] == "1"


def test_token_types_are_written_as_go_writes_them(env):
    env.tokens.token_type = "MAC"
    url = env.gateway(env.config())
    env.get(url + "/orders")
    assert env.bearers() == ["MAC token-1"]


def test_a_form_encoded_answer(env):
    env.tokens.form_answer = True
    url = env.gateway(env.config())
    assert env.get(url + "/orders").status == 200
    assert env.get(url + "/orders").status == 200
    assert env.bearers() == ["Bearer token-1", "Bearer token-1"]
    assert env.tokens.grants == 1


def test_backends_configured_alike_share_one_token(env):
    config = env.config()
    backend = config["endpoints"][0]["backend"][0]
    other = {**backend, "url_pattern": "/stock"}
    config["endpoints"].append({"endpoint": "/stock", "backend": [other]})
    differs = {**backend, "url_pattern": "/prices"}
    differs["extra_config"] = {"auth/client-credentials": env.credentials(scopes="prices")}
    config["endpoints"].append({"endpoint": "/prices", "backend": [differs]})
    url = env.gateway(config)
    for path in ("/orders", "/stock", "/orders", "/prices"):
        assert env.get(url + path).status == 200
    assert env.tokens.grants == 2
    assert env.bearers() == ["Bearer token-1"] * 3 + ["Bearer token-2"]


def test_is_disabled_calls_the_backend_without_a_token(env):
    url = env.gateway(env.config(env.credentials(is_disabled=True)))
    assert env.get(url + "/orders").status == 200
    assert env.bearers() == [""]
    assert env.tokens.attempts == 0
