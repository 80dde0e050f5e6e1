"""The topology drawn as maximum_resiliency.md's figure draws it, as hand-written SVG:
customer data centers and their routers on the left, the Direct Connect locations with
their AWS devices and the connections to them in the middle, then the virtual
interfaces, the gateways (Direct Connect gateway, VGW/TGW) and the VPCs on the right.
What is failed or down right now (injected failures, failover tests, sessions down,
connections not available) is drawn in red, with the reason in a tooltip."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from dxlab.domain import catalog
from dxlab.domain.regions import region_name
from dxlab.domain.states import ConnectionState, VirtualInterfaceState
from dxlab.routing.network import Failure, Link, Network, Vif

WIDTH = 1490
SLOT = 46  # vertical room per VIF (a connection without VIFs takes one slot)
TOP = 92
SITE_X, SITE_W, ROUTER_H = 20, 190, 40
LOC_X, LOC_W = 420, 180
VIF_X, VIF_W, VIF_H = 660, 172, 38
DXGW_X, DXGW_W = 872, 232
BAND_X = LOC_X - 5  # a Region's box: from its locations to the VPCs
GW_X, GW_W = 1140, 160
VPC_X, VPC_W = 1340, 130
PUBLIC = "public"
# Not up yet, and nothing is wrong: ordered, awaiting the partner's or AWS's approval.
WAITING: frozenset[str] = frozenset(
    {
        ConnectionState.ORDERING,
        ConnectionState.REQUESTED,
        ConnectionState.PENDING,
        VirtualInterfaceState.CONFIRMING,
        VirtualInterfaceState.VERIFYING,
    }
)
INK = {"failed": "bad", "waiting": "warn"}  # text class per tone
NOWHERE = math.inf  # a wanted position for what connects to nothing: after the rest

STYLE = """
text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;font-size:11px;fill:#1f2933}
.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:10px}
.small{font-size:9.5px;fill:#52606d}.head{font-size:12px;font-weight:bold}
.title{font-size:16px;font-weight:bold}.col{font-size:11px;font-weight:bold;fill:#7b8794}
.site{fill:#eef2f7;stroke:#7b8794}.router{fill:#fff;stroke:#3e4c59}
.loc{fill:#fff7eb;stroke:#d9822b}.device{fill:#fff;stroke:#d9822b}
.vif{fill:#fff;stroke:#3e4c59}.dxgw{fill:#f0f4ff;stroke:#4c6fff}
.region{fill:#f7fbf4;stroke:#5c9e31;stroke-dasharray:6 4}.region-text{fill:#3f7a1d}.gw{fill:#fff;stroke:#5c9e31}
.vpc{fill:#e9f5e1;stroke:#5c9e31}
.edge{fill:none;stroke:#3e4c59;stroke-width:1.6}.aws{fill:none;stroke:#7b8794;stroke-width:1.2}
.failed{stroke:#d64545 !important;stroke-width:2.4}
rect.failed{fill:#fdecec !important}.edge.failed{stroke-dasharray:7 4}
.bad{fill:#d64545 !important}
.sitelink{fill:none;stroke:#2f6fbf;stroke-width:2;stroke-dasharray:2 3}.sitelink-text{fill:#2f6fbf}
.waiting{stroke:#d9822b !important;stroke-width:2;stroke-dasharray:4 3}rect.waiting{fill:#fff8e1 !important}
.warn{fill:#b26a00 !important}
"""


@dataclass(frozen=True)
class Marks:
    """What is down right now, to paint red."""

    failed: frozenset[Failure] = frozenset()
    testing: frozenset[str] = frozenset()  # VIFs under a BGP failover test
    down: dict[tuple[str, str], str] = field(default_factory=dict)  # (vif, family) -> why
    vif_states: dict[str, str] = field(
        default_factory=dict
    )  # as Describe* shows them now, when known


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def mid(self) -> float:
        return self.y + self.h / 2


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(self, box: _Box, cls: str, title: str = "", rx: int = 6) -> None:
        tip = f"<title>{escape(title)}</title>" if title else ""
        self.parts.append(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" '
            f'rx="{rx}" class="{cls}">{tip}</rect>'
        )

    def text(self, x: float, y: float, s: str, cls: str = "", anchor: str = "start") -> None:
        c = f' class="{cls}"' if cls else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{c}>{escape(s)}</text>'
        )

    def loop(self, a: _Box, b: _Box, cls: str, title: str, reach: float = 60.0) -> None:
        """A path out of the right side of one box and back into the right side of another."""
        x1, y1, x2, y2 = a.x + a.w, a.mid, b.x + b.w, b.mid
        tip = f"<title>{escape(title)}</title>"
        self.parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{x1 + reach:.1f},{y1:.1f} {x2 + reach:.1f},{y2:.1f} '
            f'{x2:.1f},{y2:.1f}" class="{cls}">{tip}</path>'
        )

    def curve(self, x1: float, y1: float, x2: float, y2: float, cls: str, title: str = "") -> None:
        dx = (x2 - x1) / 2
        tip = f"<title>{escape(title)}</title>" if title else ""
        self.parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{x1 + dx:.1f},{y1:.1f} {x2 - dx:.1f},{y2:.1f} '
            f'{x2:.1f},{y2:.1f}" class="{cls}">{tip}</path>'
        )


def _place(items: Iterable[tuple[str, float, float]], top: float, gap: float) -> dict[str, float]:
    """Top y for each (key, wanted centre, height): near the centre, in order, no overlap."""
    out: dict[str, float] = {}
    cursor = top
    for key, centre, height in sorted(items, key=lambda i: (i[1], i[0])):
        y = cursor if centre == NOWHERE else max(centre - height / 2, cursor)
        out[key] = y
        cursor = y + height + gap
    return out


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _fit(text: str, width: float, char: float = 6.0) -> str:
    room = max(4, int(width / char))
    return text if len(text) <= room else text[: room - 1] + "…"


class _Diagram:
    def __init__(self, net: Network, marks: Marks, lag_of: dict[str, str]) -> None:
        self.net, self.marks = net, marks
        self.lag_of = {m: lag for m, lag in lag_of.items() if m in net.links and lag in net.links}
        self.c = _Canvas()
        self.failed = marks.failed
        self.vifs_of: dict[str, list[Vif]] = defaultdict(list)
        for vif in sorted(net.vifs.values(), key=lambda v: (v.vlan, v.id)):
            self.vifs_of[vif.connection_id].append(vif)
        self.link_y: dict[str, float] = {}
        self.vif_box: dict[str, _Box] = {}
        self.gw_tops: dict[str, float] = {}  # VGW/TGW id or "public:<region>" -> top
        self.dx_tops: dict[str, float] = {}  # Direct Connect gateway id -> top
        self.vpc_tops: dict[str, float] = {}
        self.home = net.region
        self.bottom: float = TOP

    # -- what is down ---------------------------------------------------------------
    def is_failed(self, kind: str, id_: str) -> bool:
        return Failure(kind, id_) in self.failed

    def link_problem(self, link: Link) -> tuple[str, str]:
        """(why, tone): tone "failed", "waiting" (not up yet, nothing wrong) or "" (up)."""
        for kind, id_ in (
            ("connection", link.id),
            ("device", link.device),
            ("location", link.location),
        ):
            if self.is_failed(kind, id_):
                return f"{link.state}: {kind} {id_ if kind != 'connection' else ''} failed".replace(
                    "  ", " "
                ), "failed"
        if link.state == ConnectionState.AVAILABLE:
            return "", ""
        return link.state, "waiting" if link.state in WAITING else "failed"

    def vif_problem(self, vif: Vif) -> tuple[str, str]:
        if vif.id in self.marks.testing:
            return "BGP failover test in progress", "failed"
        state = self.marks.vif_states.get(vif.id, vif.state)
        if state in WAITING:
            return f"virtual interface is {state}", "waiting"
        reasons = [
            self.marks.down[(vif.id, s.family)]
            for s in vif.sessions
            if (vif.id, s.family) in self.marks.down
        ]
        if reasons:
            return "; ".join(dict.fromkeys(reasons)), "failed"
        return (
            ("", "")
            if state == VirtualInterfaceState.AVAILABLE
            else (f"virtual interface is {state}", "failed")
        )

    # -- the middle: one box per AWS Region, with its locations, devices and VIFs ------
    def region_of(self, location: str) -> str:
        return catalog.region_of(location, self.net.region)

    def regions(self) -> list[str]:
        """The Regions drawn, the one asked about first (Colocation.md: each location is
        associated with a Region; EC2's VGWs and TGWs are regional)."""
        found = {self.region_of(lk.location) for lk in self.net.links.values()}
        found |= {v.location_region for v in self.net.vifs.values()}
        found |= {g.region for g in self.net.gateways.values()}
        return sorted(found or {self.net.region}, key=lambda r: (r != self.net.region, r))

    def draw_regions(self) -> None:
        """Each Region a box across the AWS side; the Direct Connect gateways are global
        (direct-connect-gateways-intro.md), so they sit between the boxes, outside every
        one, halfway down: VIFs of the Regions above reach down to them, those below up."""
        regions = self.regions()
        self.home = regions[0]  # VPCs behind no known gateway are drawn in its box
        dx_gateways = self._dx_gateways()
        middle = (len(regions) - 1) // 2
        y: float = TOP
        for i, region in enumerate(regions):
            y = self._region(region, y)
            if i == middle and dx_gateways:
                y = self._global(dx_gateways, y)
        self.bottom = max(self.bottom, y)
        for link in self.net.links.values():
            self._vifs(link)

    def _region(self, region: str, start: float) -> float:
        """One Region's box: its locations in the middle, its gateways and VPCs on the
        right. Returns where the next box may start."""
        at = len(self.c.parts)
        top = start + 30
        by_loc: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))

        def order(lk: Link) -> tuple[str, str, str, bool, str, str]:
            lag = self.net.links.get(
                self.lag_of.get(lk.id, lk.id), lk
            )  # members right under their LAG
            return (lk.location, lk.device, lag.name + lag.id, lk.id != lag.id, lk.name, lk.id)

        for link in sorted(self.net.links.values(), key=order):
            if self.region_of(link.location) == region:
                by_loc[link.location][link.device].append(link)
        y = top
        for code, devices in by_loc.items():
            y = self._location(code, devices, y)
        bottom = max(y, self._place_right(region, top), top + 40)
        band = _Box(BAND_X, start, WIDTH - 10 - BAND_X, bottom - start + 6)
        self.c.parts.insert(at, self._rect_svg(band, "region", f"AWS Region {region}"))
        self.c.text(band.x + 10, start + 19, f"AWS Region {region}", "head region-text")
        self.c.text(band.x + band.w - 10, start + 19, region_name(region), "small", "end")
        return band.y + band.h + 22

    def _location(self, code: str, devices: dict[str, list[Link]], y: float) -> float:
        loc = catalog.location(code)
        start, at = y, len(self.c.parts)
        y += 30
        for device, links in devices.items():
            dev_top = y
            for link in links:
                slots = max(1, len(self.vifs_of.get(link.id, [])))
                self.link_y[link.id] = y + slots * SLOT / 2
                for i, vif in enumerate(self.vifs_of.get(link.id, [])):
                    self.vif_box[vif.id] = _Box(
                        VIF_X, y + i * SLOT + (SLOT - VIF_H) / 2, VIF_W, VIF_H
                    )
                y += slots * SLOT
            self._device(device, code, _Box(LOC_X + 12, dev_top + 3, LOC_W - 24, y - dev_top - 6))
            y += 6
        box = _Box(LOC_X, start, LOC_W, y - start + 4)
        failed = self.is_failed("location", code)
        # Drawn now that its height is known, but under its devices.
        self.c.parts.insert(
            at,
            self._rect_svg(box, "loc" + (" failed" if failed else ""), loc.name if loc else code),
        )
        self.c.text(LOC_X + 10, start + 18, code, "head" + (" bad" if failed else ""))
        if failed:
            self.c.text(LOC_X + LOC_W - 10, start + 18, "FAILED", "small bad", "end")
        return box.y + box.h + 18

    def _place_right(self, region: str, top: float) -> float:
        """Where the Region's VGWs and TGWs (near the VIFs attached to them), the AWS public
        services its public VIFs reach, and the VPCs behind them go; their bottom."""
        net = self.net
        want: dict[str, list[float]] = defaultdict(list)
        for gid, gw in net.gateways.items():
            if gw.region == region:
                want[gid] = []
        for vif in net.vifs.values():
            if vif.id not in self.vif_box:
                continue
            if vif.gateway_id in net.gateways and net.gateways[vif.gateway_id].region == region:
                want[vif.gateway_id].append(self.vif_box[vif.id].mid)
            elif not vif.gateway_id and vif.location_region == region:
                want[f"{PUBLIC}:{region}"].append(self.vif_box[vif.id].mid)
        tops = _place(((g, _mean(ys, NOWHERE), 52.0) for g, ys in want.items()), top, 16)
        self.gw_tops.update(tops)
        home = self.home
        vpc_want = {}
        for vpc in net.topology.vpcs:
            gid = net.vpc_gateways.get(vpc.name, vpc.gateway or "")
            if gid in tops:
                vpc_want[vpc.name] = tops[gid] + 26
            elif gid not in net.gateways and region == home:  # no known gateway: the first box
                vpc_want[vpc.name] = NOWHERE
        vpcs = _place(((v, y, 52.0) for v, y in vpc_want.items()), top, 16)
        self.vpc_tops.update(vpcs)
        return max([t + 52 for t in (*tops.values(), *vpcs.values())], default=top)

    def _dx_gateways(self) -> list[str]:
        """The Direct Connect gateways drawn, those of the lowest VIFs first."""
        rank: dict[str, int] = {}
        ordered = sorted(self.net.vifs.values(), key=lambda v: (v.location_region, v.vlan, v.id))
        for i, vif in enumerate(ordered):
            if vif.gateway_id and vif.gateway_id not in self.net.gateways:
                rank.setdefault(vif.gateway_id, i)
        for assoc in self.net.associations:
            rank.setdefault(assoc.dx_gateway_id, len(rank) + len(ordered))
        return sorted(rank, key=lambda g: (rank[g], g))

    def _global(self, dx_gateways: list[str], y: float) -> float:
        """The Direct Connect gateways, outside every Region box: they are global."""
        self.c.text(DXGW_X, y + 4, "GLOBAL", "col")
        y += 14
        sitelink: dict[str, int] = defaultdict(int)  # room for the SiteLink line under it
        for vif in self.net.vifs.values():
            if vif.sitelink:
                sitelink[vif.gateway_id] += 1
        for gid in dx_gateways:
            self.dx_tops[gid] = y
            y += 52 + 16 + (14 if sitelink[gid] >= 2 else 0)
        return y + 10

    def _rect_svg(self, box: _Box, cls: str, title: str) -> str:
        canvas = _Canvas()
        canvas.rect(box, cls, title)
        return canvas.parts[0]

    def _device(self, device: str, location: str, box: _Box) -> None:
        failed = self.is_failed("device", device) or self.is_failed("location", location)
        self.c.rect(box, "device" + (" failed" if failed else ""), f"AWS device {device}", rx=4)
        self.c.text(box.x + box.w / 2, box.y + 13, "AWS device", "small", "middle")
        self.c.text(
            box.x + box.w / 2,
            box.y + 25,
            _fit(device, box.w, 6.1),
            "mono" + (" bad" if failed else ""),
            "middle",
        )

    def _vifs(self, link: Link) -> None:
        for vif in self.vifs_of.get(link.id, []):
            box = self.vif_box[vif.id]
            problem, tone = self.vif_problem(vif)
            cls, ink = (f" {tone}", f" {INK[tone]}") if tone else ("", "")
            self.c.curve(
                LOC_X + LOC_W - 12,
                self.link_y[link.id],
                box.x,
                box.mid,
                "aws" + cls,
                f"{vif.id} on {link.id}",
            )
            self.c.rect(box, "vif" + cls, f"{vif.id} {vif.name}: {problem or 'BGP up'}", rx=12)
            self.c.text(box.x + 10, box.y + 15, vif.id, "mono" + ink)
            status = (
                "testing"
                if vif.id in self.marks.testing
                else problem.removeprefix("virtual interface is ")
                if tone == "waiting"
                else "BGP down"
                if tone
                else "BGP up"
            )
            self.c.text(
                box.x + 10, box.y + 29, f"VLAN {vif.vlan} · {vif.type} · {status}", "small" + ink
            )

    # -- the left: data centers, routers, connections -------------------------------
    def draw_customer(self) -> None:
        topo = self.net.topology
        links_of: dict[str, list[str]] = defaultdict(list)
        for link_id, name in self.net.router_of_link.items():
            if link_id in self.link_y:
                links_of[name].append(link_id)
        want = {
            r.name: _mean([self.link_y[lk] for lk in links_of[r.name]], NOWHERE)
            for r in topo.routers
        }
        sites = []
        for site in topo.sites:
            names = [r.name for r in topo.routers if r.site == site]
            sites.append(
                (
                    site,
                    _mean([want[r] for r in names if want[r] < NOWHERE], NOWHERE),
                    34.0 + len(names) * (ROUTER_H + 10),
                )
            )
        tops = _place(sites, TOP, 20)
        router_y: dict[str, float] = {}
        for site, _, height in sites:
            failed = self.is_failed("site", site)
            box = _Box(SITE_X, tops[site], SITE_W, height)
            self.c.rect(box, "site" + (" failed" if failed else ""), f"customer data center {site}")
            self.c.text(SITE_X + 10, box.y + 19, site, "head" + (" bad" if failed else ""))
            self.c.text(
                SITE_X + SITE_W - 10,
                box.y + 19,
                "FAILED" if failed else "data center",
                "small" + (" bad" if failed else ""),
                "end",
            )
            y = box.y + 30
            for router in sorted(
                (r for r in topo.routers if r.site == site), key=lambda r: (want[r.name], r.name)
            ):
                down = failed or self.is_failed("router", router.name)
                rbox = _Box(SITE_X + 14, y, SITE_W - 28, ROUTER_H)
                self.c.rect(
                    rbox,
                    "router" + (" failed" if down else ""),
                    f"customer router {router.name}",
                    rx=4,
                )
                self.c.text(rbox.x + 8, y + 16, router.name, "head" + (" bad" if down else ""))
                detail = f"AS {topo.customer_asn} · {len(router.advertise)} prefix(es)" + (
                    "" if router.bfd else " · no BFD"
                )
                self.c.text(rbox.x + 8, y + 31, detail, "small")
                router_y[router.name] = rbox.mid
                y += ROUTER_H + 10
            self.bottom = max(self.bottom, box.y + box.h + 20)
        for link in self.net.links.values():
            self._connection(link, router_y)

    def _connection(self, link: Link, router_y: dict[str, float]) -> None:
        y = self.link_y[link.id]
        router = self.net.router_of_link.get(link.id)
        problem, tone = self.link_problem(link)
        cls = "edge" + (f" {tone}" if tone else "")
        tip = f"{link.id} ({link.name}) {link.state}" + (f": {problem}" if problem else "")
        lag = self.lag_of.get(link.id)
        if lag:  # a LAG's member port: a branch of the LAG's cross connect
            self.c.curve(LOC_X + 2, self.link_y[lag], LOC_X + 12, y, cls, f"{tip}, member of {lag}")
            problem = problem or f"member of {lag}"
        elif router in router_y:
            self.c.curve(SITE_X + SITE_W - 14, router_y[router], LOC_X + 12, y, cls, tip)
        else:
            self.c.curve(LOC_X - 120, y, LOC_X + 12, y, cls + " unpatched", tip)
            self.c.text(LOC_X - 124, y + 3, "no cross-connect", "small", "end")
        ink = f" {INK[tone]}" if tone else ""
        self.c.text(LOC_X - 12, y - 5, link.id, "mono" + ink, "end")
        self.c.text(LOC_X - 12, y + 13, _fit(problem or link.name, 166, 5.6), "small" + ink, "end")

    # -- the edges, the gateways and the VPCs --------------------------------------
    def draw_gateways(self) -> None:
        net = self.net
        gw_tops, dx_tops, vpc_tops = self.gw_tops, self.dx_tops, self.vpc_tops
        for vif in net.vifs.values():
            if vif.id not in self.vif_box:
                continue
            box = self.vif_box[vif.id]
            target = (
                vif.gateway_id
                if vif.gateway_id in net.gateways
                else (vif.gateway_id or f"{PUBLIC}:{vif.location_region}")
            )
            if target in gw_tops:
                x2, y2 = GW_X, gw_tops[target] + 26
            elif target in dx_tops:
                x2, y2 = DXGW_X, dx_tops[target] + 26
            else:
                continue
            tone = self.vif_problem(vif)[1]
            self.c.curve(
                box.x + box.w,
                box.mid,
                x2,
                y2,
                "aws" + (f" {tone}" if tone else ""),
                f"{vif.id} ({vif.location_region}) to {net.label(target)}",
            )
        for assoc in net.associations:
            if assoc.gateway_id in gw_tops and assoc.dx_gateway_id in dx_tops:
                gw = net.gateways[assoc.gateway_id]
                tip = f"{assoc.gateway_id} ({gw.region}), allowed prefixes: " + (
                    ", ".join(assoc.allowed_prefixes) or "the VPC CIDRs"
                )
                self.c.curve(
                    DXGW_X + DXGW_W,
                    dx_tops[assoc.dx_gateway_id] + 26,
                    GW_X,
                    gw_tops[assoc.gateway_id] + 26,
                    "aws",
                    tip,
                )
        # SiteLink: the data centers' path over the AWS network, between SiteLink VIFs of one
        # Direct Connect gateway (drawn as a dotted loop through the gateway).
        for gid, top in dx_tops.items():
            ends = [
                v
                for v in net.vifs.values()
                if v.sitelink and v.gateway_id == gid and v.id in self.vif_box
            ]
            if len(ends) < 2:
                continue
            for a, b in zip(ends, ends[1:], strict=False):
                self.c.loop(
                    self.vif_box[a.id],
                    self.vif_box[b.id],
                    "sitelink",
                    f"SiteLink between {a.id} and {b.id} over the AWS network",
                )
            self.c.text(
                DXGW_X + 10, top + 64, "SiteLink: data center to data center", "small sitelink-text"
            )
        for gid, top in dx_tops.items():
            box = _Box(DXGW_X, top, DXGW_W, 52)
            self.c.rect(box, "dxgw", f"Direct Connect gateway {gid} (global)")
            self.c.text(box.x + 10, top + 18, "Direct Connect gateway", "head")
            name = net.gateway_names.get(gid, "")
            self.c.text(box.x + DXGW_W - 8, top + 18, _fit(name, 70), "small", "end")
            self.c.text(box.x + 10, top + 36, gid, "mono small")
        for gid, top in gw_tops.items():
            box = _Box(GW_X, top, GW_W, 52)
            if gid.startswith(f"{PUBLIC}:"):
                region = gid.partition(":")[2]
                self.c.rect(box, "dxgw", f"AWS public services of {region}")
                self.c.text(box.x + 8, top + 18, "AWS public services", "small")
                self.c.text(box.x + 8, top + 33, "Amazon's public prefixes", "small")
                continue
            gw = net.gateways[gid]
            self.c.rect(box, "gw", f"{gid} ASN {gw.amazon_asn} {gw.region}")
            self.c.text(
                box.x + 8,
                top + 18,
                "Transit gateway" if gid.startswith("tgw-") else "Virtual private gateway",
                "small",
            )
            self.c.text(box.x + 8, top + 33, _fit(gid, GW_W - 10, 6.1), "mono")
            self.c.text(box.x + 8, top + 46, f"ASN {gw.amazon_asn}", "small")
        for vpc in net.topology.vpcs:
            if vpc.name not in vpc_tops:
                continue
            top = vpc_tops[vpc.name]
            gid = net.vpc_gateways.get(vpc.name, vpc.gateway or "")
            if gid in gw_tops:
                self.c.curve(GW_X + GW_W, gw_tops[gid] + 26, VPC_X, top + 26, "aws")
            box = _Box(VPC_X, top, VPC_W, 52)
            self.c.rect(box, "vpc", f"VPC {vpc.name} {vpc.cidr}, instance {vpc.instance}")
            self.c.text(box.x + 8, top + 16, f"VPC {vpc.name}", "head")
            self.c.text(box.x + 8, top + 30, vpc.cidr, "mono")
            icmp = "ICMP ok" if vpc.icmp else "no ICMP"
            self.c.text(
                box.x + 8,
                top + 44,
                f"{vpc.instance} · {icmp}",
                "small" + ("" if vpc.icmp else " bad"),
            )

    def svg(self, title: str) -> str:
        self.draw_regions()
        self.draw_customer()
        self.draw_gateways()
        c = self.c
        c.text(20, 28, "dxlab topology" + (f" — {title}" if title else ""), "title")
        down = sorted(str(f) for f in self.failed) + [
            f"testing:{v}" for v in sorted(self.marks.testing)
        ]
        c.text(
            20,
            48,
            f"{len(self.net.links)} connection(s) · {len(self.net.vifs)} virtual interface(s) · "
            + (f"failed now: {', '.join(down)}" if down else "nothing failed now"),
            "small" + (" bad" if down else ""),
        )
        for x, label in (
            (SITE_X, "CUSTOMER DATA CENTERS"),
            (LOC_X - 150, "CONNECTIONS"),
            (LOC_X, "DIRECT CONNECT LOCATIONS"),
            (VIF_X, "VIRTUAL INTERFACES"),
            (DXGW_X, "GATEWAYS"),
            (VPC_X, "VPCS"),
        ):
            c.text(x, TOP - 14, label, "col")
        y = self.bottom + 10
        c.parts.append('<g class="legend">')
        c.curve(20, y, 60, y, "edge")
        c.text(66, y + 4, "up")
        c.curve(110, y, 150, y, "edge failed")
        c.text(156, y + 4, "failed or down (hover for the reason)", "bad")
        c.curve(420, y, 460, y, "edge waiting")
        c.text(466, y + 4, "not up yet (ordered, pending, verifying)", "warn")
        c.parts.append("</g>")
        height = y + 24
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="dxlab topology">'
            f'<style>{STYLE}</style><rect width="100%" height="100%" fill="#ffffff"/>'
            + "".join(c.parts)
            + "</svg>\n"
        )


def render_svg(
    net: Network, marks: Marks | None = None, title: str = "", lag_of: dict[str, str] | None = None
) -> str:
    """`lag_of`: member connection id -> its LAG id (drawn as branches of the LAG's line)."""
    return _Diagram(net, marks or Marks(), lag_of or {}).svg(title)


def svg_to_png(svg: bytes) -> bytes:
    """PNG from SVG with librsvg's rsvg-convert (Debian's librsvg2-bin), else CairoSVG."""
    tool = shutil.which("rsvg-convert")
    found = re.search(rb'height="(\d+)"', svg[:400])
    # librsvg renders at most 32767 pixels a side: a very tall inventory is scaled down to fit.
    zoom = min(1.5, 32000 / max(int(found.group(1)) if found else 1, 1))
    if tool:
        done = subprocess.run(
            [tool, "--format=png", f"--zoom={zoom:.4f}"],
            input=svg,
            capture_output=True,
            timeout=120,
            check=False,
        )
        if done.returncode == 0:
            return done.stdout
        raise RuntimeError(f"rsvg-convert failed: {done.stderr.decode(errors='replace').strip()}")
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        raise RuntimeError(
            "PNG needs rsvg-convert (apt-get install librsvg2-bin) or cairosvg (pip install cairosvg)"
        ) from None
    return bytes(cairosvg.svg2png(bytestring=svg, scale=zoom))
