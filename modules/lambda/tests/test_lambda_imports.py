from propylon.sdk.testing import imported_by

PREFORK = """
from propylon.sdk.testing import load_config
from propylon_lambda.module import module
backend = {"host": ["http://unused"], "url_pattern": "/",
           "extra_config": {"backend/lambda": {"function_name": "echo", "region": "us-east-1"}}}
endpoints = [{"endpoint": "/a", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}]
if LAMBDA:
    endpoints.append({"endpoint": "/f", "backend": [backend]})
module.prefork(load_config({"version": 3, "endpoints": endpoints}, [module]), 2)
"""


def test_the_aws_sdk_is_imported_only_when_a_backend_invokes_a_function() -> None:
    assert "aiobotocore" not in imported_by("import propylon_lambda.module")
    assert "aiobotocore" not in imported_by("LAMBDA = False" + PREFORK)


def test_it_is_imported_before_the_workers_fork_so_that_they_share_it() -> None:
    assert "aiobotocore" in imported_by("LAMBDA = True" + PREFORK)
