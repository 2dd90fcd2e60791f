"""backend/lambda through the AWS SDK against a local server speaking the Lambda Invoke API."""

from __future__ import annotations

import json

import pytest
from propylon.sdk.testing import check_config, send
from propylon_lambda.module import module as aws_lambda


def endpoint(path: str, method: str, options: dict, **backend: object) -> dict:
    return {
        "endpoint": path,
        "method": method,
        "backend": [
            {
                "host": ["http://ignored"],
                "url_pattern": "/ignored",
                "extra_config": {"backend/lambda": options},
                **backend,
            }
        ],
    }


def test_get_sends_the_params_and_the_answer_is_shaped(aws, lambda_api, gateway):
    api, api_url = lambda_api
    options = {"function_param_name": "Fn", "region": "eu-west-1", "endpoint": api_url}
    url = gateway(
        {"endpoints": [endpoint("/call/{fn}/{Id}", "GET", options, group="result")]}, aws_lambda
    )
    reply = send("GET", url + "/call/echo/42")
    assert reply.status == 200
    assert reply.json() == {"result": {"got": {"fn": "echo", "id": "42"}}}
    (call,) = api.calls
    assert call.function == "echo"
    assert call.headers["X-Amz-Invocation-Type"] == "RequestResponse"
    assert call.headers["X-Amz-Log-Type"] == "None"
    # Signed by the SDK for the region's lambda service.
    assert call.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/lambda/aws4_request" in call.headers["Authorization"]


def test_post_sends_the_body_to_the_named_function(aws, lambda_api, gateway):
    api, api_url = lambda_api
    options = {"function_name": "echo", "region": "us-east-1", "endpoint": api_url}
    url = gateway({"endpoints": [endpoint("/orders", "POST", options)]}, aws_lambda)
    reply = send("POST", url + "/orders", body=json.dumps({"item": "tea"}))
    assert reply.json() == {"got": {"item": "tea"}}
    assert api.calls[0].payload == b'{"item": "tea"}'


def test_the_default_param_is_function(aws, lambda_api, gateway):
    _, api_url = lambda_api
    options = {"region": "us-east-1", "endpoint": api_url}
    url = gateway({"endpoints": [endpoint("/fn/{function}", "GET", options)]}, aws_lambda)
    assert send("GET", url + "/fn/echo").json() == {"got": {"function": "echo"}}


@pytest.mark.parametrize(("function", "retries", "calls"), [("list", 0, 1), ("throttled", 1, 2)])
def test_failures_fail_the_backend(aws, lambda_api, gateway, function, retries, calls):
    api, api_url = lambda_api
    options = {
        "function_name": function,
        "region": "us-east-1",
        "endpoint": api_url,
        "max_retries": retries,
    }
    url = gateway({"endpoints": [endpoint("/f", "GET", options)]}, aws_lambda)
    reply = send("GET", url + "/f")
    assert reply.status == 500
    assert len(api.calls) == calls


def test_check_names_the_field():
    config = {"endpoints": [endpoint("/f", "GET", {"function_name": 3, "max_retries": 99})]}
    problems = check_config(config, [aws_lambda])
    at = "endpoints[0] (GET /f).backend[0].extra_config.backend/lambda"
    assert [(p.where, p.level) for p in problems.found] == [
        (f"{at}.function_name", "warning"),
        (f"{at}.max_retries", "error"),
    ]
