"""Small networks for the routing model's tests, built as the guide's figures draw them."""

from __future__ import annotations

from dxlab.domain.topology import Advertisement, CustomerRouter, Topology, Vpc
from dxlab.routing.network import Association, AwsGateway, Link, Network, Session, Vif

DXGW = "5f2b8c1e-0000-4000-8000-000000000001"
VGW = "vgw-0123456789abcdef0"


def build(
    layout: list[tuple[str, str, str, str]],
    adverts: dict[str, list[Advertisement]] | None = None,
    wan: bool = True,
    bfd: bool = True,
    link_state: str = "available",
    router_adverts: dict[str, list[Advertisement]] | None = None,
) -> Network:
    """layout: (connection id, location, device, site) per connection; one customer
    router and one private VIF to the Direct Connect gateway per connection. By default
    every router advertises every site's prefix (the data centers share a WAN);
    `adverts` gives a site's routers their own list instead."""
    links, vifs, routers, router_of_link = {}, {}, [], {}
    for i, (conn, location, device, site) in enumerate(layout, start=1):
        links[conn] = Link(conn, f"c{i}", device, location, link_state)
        vif_id = f"dxvif-{i:08d}"
        vifs[vif_id] = Vif(
            vif_id,
            f"vif{i}",
            "private",
            "available",
            100 + i,
            conn,
            device,
            location,
            "us-east-1",
            DXGW,
            64512,
            65000,
            (Session(vif_id, "ipv4", f"dxpeer-{i:08d}", f"169.254.{i}.1/30", f"169.254.{i}.2/30"),),
        )
        router = f"r{i}"
        default = [Advertisement(_site_prefix(s)) for s in dict.fromkeys(x[3] for x in layout)]
        mine = (router_adverts or {}).get(router, (adverts or {}).get(site, default))
        routers.append(CustomerRouter(router, site, (conn,), tuple(mine), bfd))
        router_of_link[conn] = router
    sites = tuple(dict.fromkeys(site for *_, site in layout))
    topology = Topology(
        65000, sites, tuple(routers), (Vpc("prod", "10.100.0.0/16", "10.100.1.10", True, VGW),), wan
    )
    return Network(
        "us-east-1",
        links,
        vifs,
        {VGW: AwsGateway(VGW, 64512, "us-east-1", ("10.100.0.0/16",))},
        (Association(DXGW, VGW, ("10.100.0.0/16",)),),
        topology,
        router_of_link,
        {"prod": VGW},
    )


def _site_prefix(site: str) -> str:
    return {"dc1": "10.1.0.0/16", "dc2": "10.2.0.0/16"}.get(site, "10.9.0.0/16")


MAXIMUM = [
    ("dxcon-aaaaaaa1", "EqDC2", "EqDC2-dev1", "dc1"),
    ("dxcon-aaaaaaa2", "EqDC2", "EqDC2-dev2", "dc1"),
    ("dxcon-bbbbbbb1", "CSVA1", "CSVA1-dev1", "dc2"),
    ("dxcon-bbbbbbb2", "CSVA1", "CSVA1-dev2", "dc2"),
]
HIGH = [MAXIMUM[0], MAXIMUM[2]]
DEV_TEST = MAXIMUM[:2]
# Two connections, one location: the weakness the maximum model exists to avoid.
ONE_LOCATION = [MAXIMUM[0], MAXIMUM[1]]
# Two connections on one device.
ONE_DEVICE = [
    ("dxcon-aaaaaaa1", "EqDC2", "EqDC2-dev1", "dc1"),
    ("dxcon-aaaaaaa2", "EqDC2", "EqDC2-dev1", "dc1"),
]
