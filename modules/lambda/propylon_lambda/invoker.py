"""The call itself: the AWS SDK's Invoke (RequestResponse), as the backend's HTTP executor, so
the backend proxy checks the status and decodes and shapes the function's answer as it does an
HTTP body. One SDK client per backend, made at its first call and kept."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy
from propylon.sdk import BackendResponse, Headers, HTTPExecutor

from propylon_lambda.options import LambdaOptions
from propylon_lambda.request import SCHEME


def load_sdk() -> tuple[Any, Any]:
    """The AWS SDK (8 MB), imported when a Lambda backend needs it: before the workers fork
    (the module's ``prefork``), or at the first invocation."""
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    return AioConfig, get_session


class Clients:
    """The SDK clients of one gateway, closed with it."""

    def __init__(self) -> None:
        self._open: list[contextlib.AsyncExitStack] = []

    async def new(self, options: LambdaOptions) -> Any:
        AioConfig, get_session = load_sdk()
        config = None
        if options.max_retries is not None:
            config = AioConfig(retries={"max_attempts": options.max_retries, "mode": "legacy"})
        stack = contextlib.AsyncExitStack()
        client = await stack.enter_async_context(
            get_session().create_client(
                "lambda",
                region_name=options.region or None,
                endpoint_url=options.endpoint or None,
                config=config,
            )
        )
        self._open.append(stack)
        return client

    async def close(self) -> None:
        for stack in self._open:
            await stack.aclose()
        self._open.clear()


def new_invoker(options: LambdaOptions, clients: Clients) -> HTTPExecutor:
    client: Any = None
    lock = asyncio.Lock()

    async def sdk_client() -> Any:
        nonlocal client
        async with lock:
            if client is None:
                client = await clients.new(options)
        return client

    async def invoke(_method: str, url: str, _headers: Headers, body: bytes) -> BackendResponse:
        function = url.removeprefix(SCHEME)
        result = await (await sdk_client()).invoke(
            FunctionName=function,
            InvocationType="RequestResponse",
            LogType="None",
            Payload=body,
        )
        async with result["Payload"] as stream:
            payload = await stream.read()
        headers: CIMultiDict[str] = CIMultiDict()
        if result.get("ExecutedVersion"):
            headers["X-Amz-Executed-Version"] = result["ExecutedVersion"]
        return BackendResponse(result["StatusCode"], CIMultiDictProxy(headers), payload, url)

    return invoke
