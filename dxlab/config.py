"""Where dxlab keeps its state: $DXLAB_HOME, else ~/.dxlab."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DEFAULT_PORT = 4599
DEFAULT_ENDPOINT = f"http://127.0.0.1:{DEFAULT_PORT}"


def state_dir() -> Path:
    path = Path(os.environ.get("DXLAB_HOME") or Path.home() / ".dxlab")
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db() -> str:
    return f"sqlite:///{state_dir() / 'dxlab.db'}"


def endpoint() -> str:
    return os.environ.get("DXLAB_ENDPOINT", DEFAULT_ENDPOINT)


def lab_prefix() -> str:
    """The name prefix of this state directory's lab: `dxlab down` removes only its own lab,
    never one that a server with another DXLAB_HOME runs on the same machine."""
    explicit = os.environ.get("DXLAB_LAB_PREFIX")
    if explicit:
        return explicit
    return "dxl" + hashlib.sha1(str(state_dir().resolve()).encode()).hexdigest()[:4]
