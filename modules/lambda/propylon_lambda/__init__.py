"""AWS Lambda functions as backends, invoked through the AWS SDK (aiobotocore)."""
