"""A copy of botocore's directconnect model that lists only smithy-rpc-v2-cbor, so that
boto3 (and AWS CLI v1) speak CBOR as AWS CLI v2 and the Go/Java SDKs do.

    python -m tests.cbor_model /tmp/dx-cbor
    AWS_DATA_PATH=/tmp/dx-cbor python -m pytest tests   # every boto3 call over CBOR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from botocore.loaders import Loader


def write_cbor_only_model(data_path: Path) -> Path:
    """Writes DATA_PATH/directconnect/<version>/service-2.json; botocore prefers it to its
    own when DATA_PATH is on its loader's search path (AWS_DATA_PATH)."""
    model = Loader().load_service_model("directconnect", "service-2")
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    folder = data_path / "directconnect" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    return data_path


if __name__ == "__main__":
    print(write_cbor_only_model(Path(sys.argv[1])))
