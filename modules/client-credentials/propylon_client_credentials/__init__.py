"""OAuth 2 client credentials for Propylon: KrakenD's ``auth/client-credentials``, a token
fetched from the authorization server and sent to the backend as it is."""

from propylon_client_credentials.module import module

__all__ = ["module"]
