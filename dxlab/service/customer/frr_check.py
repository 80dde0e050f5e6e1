"""A user's own `frr_config` checked with FRR's own parser when the topology is loaded
(`vtysh --dryrun`: every command against FRR's command tree, no daemon needed), so a
configuration FRR would reject is refused at load with FRR's words, not found later as a
router that never comes up."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

from dxlab.domain.errors import ValidationError
from dxlab.domain.topology import Topology

# vtysh's dry run names each refused line: "line 3: % Unknown command[25]:  neighbr ..."
_REFUSED = re.compile(r"^line \d+: .*", re.M)


def frr_refuses(config: str) -> list[str] | None:
    """FRR's complaints about `config` ([] when it accepts it), or None when it cannot be
    asked (FRR is not installed: the sim does not need it; or vtysh may not run here)."""
    vtysh = shutil.which("vtysh")
    if vtysh is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write(config)
        f.flush()
        try:
            done = subprocess.run(
                [vtysh, "--dryrun", "-f", f.name], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
    said = _REFUSED.findall(done.stderr + done.stdout)
    if done.returncode == 0:
        return []
    return [" ".join(line.split()) for line in said] if said else None


def check_frr_configs(topology: Topology, source: str = "topology") -> list[str]:
    """Refuse the topology if FRR refuses a router's own configuration; the routers whose
    configuration could not be checked are returned, to be said as a warning."""
    unchecked = []
    for r in topology.routers:
        if r.frr_config is None:
            continue
        refused = frr_refuses(r.frr_config)
        if refused is None:
            unchecked.append(
                f"{source}:{r.frr_config_line or r.line}: router {r.name}: frr_config not checked "
                "(FRR's vtysh is not available here)"
            )
        elif refused:
            raise ValidationError(
                f"{source}:{r.frr_config_line or r.line}: router {r.name}: FRR refuses its "
                f"frr_config: {'; '.join(refused[:5])}"
            )
    return unchecked
