"""The wire: awsJson1.1 and smithy-rpc-v2-cbor codecs driven by botocore's service model,
SigV4, error mapping, and the ASGI app; plus STS GetCallerIdentity, which tools such as
Terraform's AWS provider ask for the account id before any Direct Connect call."""
