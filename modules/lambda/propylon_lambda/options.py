"""``backend/lambda``, read at the backend level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from propylon.sdk import Namespace, Range, Scope


@dataclass(frozen=True)
class LambdaOptions:
    # The function to invoke; without it, the endpoint param named by function_param_name.
    function_name: str = ""
    function_param_name: str = "function"
    # Without a region, the AWS SDK's own (AWS_REGION, AWS_DEFAULT_REGION, ~/.aws/config).
    region: str = ""
    # Another AWS-compatible server (such as a local one for tests).
    endpoint: str = ""
    # Attempts after the first on a throttled or failed call; the SDK's default without it.
    max_retries: Annotated[int, Range(0, 20)] | None = None


LAMBDA = Namespace("backend/lambda", LambdaOptions, frozenset({Scope.BACKEND}))
