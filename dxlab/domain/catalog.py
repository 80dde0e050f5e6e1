"""The catalog of Direct Connect locations: codes, names, speeds, providers, MACsec,
billing modes, sub-locations (floors with meet-me rooms) and the AWS devices in each.

Device names are fixed strings so that a connection lands on the same device name on
every run and every machine; each device has a port budget per speed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Device:
    aws_device: str  # awsDevice, e.g. EqDC2-2z3ygwh8b8ahc
    aws_device_v2: str  # awsDeviceV2
    logical_device_id: str  # awsLogicalDeviceId
    sub_location: str
    ports: int = 48


@dataclass(frozen=True)
class SubLocation:
    name: str
    floor: str
    meet_me_room: str


@dataclass(frozen=True)
class Location:
    code: str
    name: str
    region: str
    port_speeds: tuple[str, ...]
    providers: tuple[str, ...]
    macsec_port_speeds: tuple[str, ...]
    billing_modes: tuple[str, ...]
    sub_locations: tuple[SubLocation, ...]
    devices: tuple[Device, ...] = field(default=())


_BILLING = ("PayAsYouGo", "FlatRateTier1", "FlatRateTier2")


def _devices(code: str, subs: tuple[SubLocation, ...], names: list[tuple[str, str, str]]) -> tuple[Device, ...]:
    return tuple(
        Device(f"{code}-{a}", f"{code}-{b}", f"{code}-{c}", subs[i % len(subs)].name)
        for i, (a, b, c) in enumerate(names)
    )


def _location(
    code: str,
    name: str,
    region: str,
    speeds: tuple[str, ...],
    providers: tuple[str, ...],
    macsec: tuple[str, ...],
    subs: tuple[SubLocation, ...],
    devices: list[tuple[str, str, str]],
) -> Location:
    return Location(code, name, region, speeds, providers, macsec, _BILLING, subs, _devices(code, subs, devices))


LOCATIONS: dict[str, Location] = {
    loc.code: loc
    for loc in [
        _location(
            "EqDC2", "Equinix DC1-DC6, DC10-DC12, Ashburn, VA", "us-east-1",
            ("1G", "10G", "100G", "400G"), ("Equinix, Inc.", "Zayo", "Megaport", "Lumen"),
            ("10G", "100G", "400G"),
            (SubLocation("DC2 Floor 1", "1", "MMR 1-A"), SubLocation("DC11 Floor 2", "2", "MMR 2-B")),
            [("2z3ygwh8b8", "4s5e9ttq0y", "1x8mkqtp2c"), ("1kw8dldsq7", "3b0bfcpz1v", "2fym4y5x0k"),
             ("3f9k2bkq5m", "2uyn2vzpjd", "3a8mq6e1zw"), ("1q5xk4tr8v", "4r7d2kqmby", "1cn6z9w3s4")],
        ),
        _location(
            "CSVA1", "CoreSite VA1/VA2, Reston, VA", "us-east-1",
            ("1G", "10G", "100G"), ("CoreSite", "Zayo", "Megaport"), ("10G", "100G"),
            (SubLocation("VA1 Floor 1", "1", "MMR 1"),),
            [("1h8vz0cy3c", "2lqy1s8pxe", "3jg0w0ax5b"), ("2aj0n8d6f1", "1zq4j0t3cv", "2xh4y8m1pn"),
             ("3mzv3s5w6k", "4h1zdq2hyt", "1ug7a3ge0r")],
        ),
    ]
}  # fmt: skip


def location(code: str) -> Location | None:
    return LOCATIONS.get(code)


def locations_in(region: str) -> list[Location]:
    return [loc for loc in LOCATIONS.values() if loc.region == region]


def device(name: str) -> tuple[Location, Device] | None:
    """The location and device that carry a given awsDevice name."""
    for loc in LOCATIONS.values():
        for dev in loc.devices:
            if dev.aws_device == name:
                return loc, dev
    return None
