"""The ``client-credentials`` module: ``auth/client-credentials`` at the HTTP client layer of
the backends that configure it, as KrakenD CE wires it (inside the HTTP cache and tracing).

Backends with the same credentials, token URL, scopes and params share one token source, so
the gateway asks for one token where KrakenD would ask once per backend.
"""

from __future__ import annotations

from propylon.sdk import BackendConfig, ClientFactory, Context, HTTPExecutor, Module, get_logger

from propylon_client_credentials.client import new_client_credentials
from propylon_client_credentials.grant import Grant
from propylon_client_credentials.options import CREDENTIALS, ClientCredentialsOptions
from propylon_client_credentials.source import TokenSource

SourceKey = tuple[str, str, str, str, tuple[tuple[str, tuple[str, ...]], ...]]


def _key(options: ClientCredentialsOptions) -> SourceKey:
    params = tuple(sorted(options.endpoint_params.items()))
    return (options.token_url, options.client_id, options.client_secret, options.scope, params)


def client(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
    log = get_logger("client-credentials")
    sources: dict[SourceKey, TokenSource] = {}
    user_agent = ctx.identity.user_agent

    def factory(backend: BackendConfig) -> HTTPExecutor:
        execute = next_factory(backend)
        options = CREDENTIALS.of(backend)
        if options is None or options.is_disabled:
            return execute
        key = _key(options)
        source = sources.get(key)
        if source is None:
            grant = Grant(
                options.token_url,
                options.client_id,
                options.client_secret,
                options.scope,
                options.endpoint_params,
            )
            source = sources[key] = TokenSource(grant, user_agent)
        log.debug("[BACKEND: %s][OAuth2] tokens from %s", backend.url_pattern, options.token_url)
        return new_client_credentials(source)(execute)

    return factory


module = Module(
    name="client-credentials",
    namespaces=(CREDENTIALS,),
    description="OAuth 2 client credentials grant for backends (auth/client-credentials)",
    client=client,
)
