"""The wire: awsJson1.1 and smithy-rpc-v2-cbor codecs driven by botocore's service model,
SigV4, error mapping, and the ASGI app."""
