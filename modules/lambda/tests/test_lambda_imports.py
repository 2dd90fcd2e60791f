from propylon.sdk.testing import imported_by


def test_the_aws_sdk_is_imported_only_when_a_function_is_invoked() -> None:
    assert not {"aiobotocore", "botocore"} & imported_by("import propylon_lambda.module")
