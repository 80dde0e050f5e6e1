"""`dxlab down` for the lab: remove every namespace that carries the lab's prefix, every
process inside one, FRR's socket directories and the state files. It finds all of it by
name and by namespace membership, so it works after dxlab was killed with SIGKILL, and
running it twice is harmless (containerlab's destroy)."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

from dxlab.lab.host import FRR_RUN, Host, bird_ctl, wait_until


def remove_namespace(host: Host, ns: str, state: Path) -> None:
    # Every process in the namespace is one the lab started there (BIRD, FRR's daemons,
    # a probe): `ip netns pids` names exactly those, never anything else on the machine.
    pids = host.pids_in(ns)
    for pid in pids:
        host.kill(pid, signal.SIGTERM)
    if not wait_until(lambda: not any(host.alive(p) for p in pids), 1.5):
        for pid in pids:
            host.kill(pid, signal.SIGKILL)
        wait_until(lambda: not any(host.alive(p) for p in pids), 1.0)
    host.run(["ip", "netns", "del", ns], check=False)
    shutil.rmtree(FRR_RUN / ns, ignore_errors=True)
    shutil.rmtree(state / ns, ignore_errors=True)
    bird_ctl(ns).unlink(missing_ok=True)


def lab_namespaces(host: Host, prefix: str) -> list[str]:
    return [ns for ns in host.namespaces() if ns.startswith(prefix + "-")]


def down(host: Host, prefix: str, state: Path) -> list[str]:
    """Remove the lab; returns the namespaces it removed."""
    found = lab_namespaces(host, prefix)
    # Every namespace's processes at once. SIGKILL: the namespaces go with all they hold,
    # so no daemon has anything to tidy up (a clean BGP shutdown would only be waited for),
    # and it cannot be refused: the kernel finishes them (freeing a large lab's memory
    # takes it a second or two) while the namespaces are deleted, with no wait here.
    pids = host.pids_in_many(found)
    for pid in (p for ns_pids in pids.values() for p in ns_pids):
        host.kill(pid, signal.SIGKILL)
    # Every process is gone: the namespaces go in one `ip -batch` (one `ip` each would
    # add up to seconds for a large lab), then what is left of each by name.
    if found:
        batch = state / ".down.ip"
        state.mkdir(parents=True, exist_ok=True)
        batch.write_text("".join(f"netns del {ns}\n" for ns in found))
        host.run(["ip", "-force", "-batch", str(batch)], check=False, timeout=60)
        batch.unlink(missing_ok=True)
    left = set(host.namespaces())
    for ns in found:
        if ns in left:
            remove_namespace(host, ns, state)
        shutil.rmtree(FRR_RUN / ns, ignore_errors=True)
        shutil.rmtree(state / ns, ignore_errors=True)
        bird_ctl(ns).unlink(missing_ok=True)
    for leftover in FRR_RUN.glob(prefix + "-*") if FRR_RUN.exists() else []:
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in state.glob(prefix + "-*") if state.exists() else []:
        shutil.rmtree(leftover, ignore_errors=True)
    for sock in bird_ctl(prefix + "-*").parent.glob(prefix + "-*.ctl"):
        sock.unlink(missing_ok=True)
    return found
