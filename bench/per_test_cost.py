"""What one test costs a user's suite: moto's `mock_aws` decorator around a test, against
dxlab's shared server reset between tests (`dxlab.testing.dxlab_shared`) and a fresh
dxlab server per test (`dxlab.testing.dxlab`). Each test orders one connection and lists
it. Prints the median per-test cost of each, in milliseconds.

    .venv/bin/python bench/per_test_cost.py [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

import boto3

from dxlab.testing import dxlab_server

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def body() -> None:
    dx = boto3.client("directconnect", region_name="us-east-1")
    dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="c")
    assert len(dx.describe_connections()["connections"]) == 1


def timed(run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def moto_test() -> None:
    from moto import mock_aws

    os.environ.pop("AWS_ENDPOINT_URL_DIRECT_CONNECT", None)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    with mock_aws():
        body()


def main() -> None:
    results: dict[str, list[float]] = {}
    moto_test()  # imports and warms up
    results["moto mock_aws"] = [timed(moto_test) for _ in range(ROUNDS)]
    with dxlab_server() as server:

        def shared() -> None:
            server.reset()
            body()

        shared()
        results["dxlab shared server + reset"] = [timed(shared) for _ in range(ROUNDS)]

    def fresh() -> None:
        with dxlab_server():
            body()

    results["dxlab fresh server"] = [timed(fresh) for _ in range(max(3, ROUNDS // 4))]
    for name, times in results.items():
        print(f"{name:30s} median {statistics.median(times):7.1f} ms  (n={len(times)})")


if __name__ == "__main__":
    main()
