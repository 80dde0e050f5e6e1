"""The entry points on the wire, mounted side by side on one port: the AWS protocols
(`aws/`: awsJson1.1, rpc-v2-cbor, SigV4, STS), dxlab's own `/_dxlab` routes
(`extension.py`) and the console (`console/`). `errors.py` is the one table that turns a
named domain error into AWS's exception name and HTTP status."""
