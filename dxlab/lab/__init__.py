"""The lab data plane: the inventory and the customer topology as Linux network namespaces
with BIRD (AWS's side) and FRR (the customer's routers), kept in step with the API.

plan.build_lab (desired state, pure) -> apply.reconcile (diff and apply through the host
seam) -> state (what the daemons say) and probes (real packets); cleanup.down removes it
all by name. lab/plane.py runs it beside the server."""

from dxlab.lab.apply import reconcile
from dxlab.lab.cleanup import down
from dxlab.lab.host import Host, LabError, LinuxHost, lab_can_run
from dxlab.lab.model import Lab
from dxlab.lab.plan import AccountNetwork, build_lab

__all__ = [
    "AccountNetwork",
    "Host",
    "Lab",
    "LabError",
    "LinuxHost",
    "build_lab",
    "down",
    "lab_can_run",
    "reconcile",
]
