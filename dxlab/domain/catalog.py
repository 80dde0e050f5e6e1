"""The catalog of Direct Connect locations: codes, names, speeds, providers, MACsec,
billing modes, sub-locations (floors with meet-me rooms) and the AWS devices in each.

The data is in `catalog_data`; this module is the interface everything else imports.
Device names are fixed strings so that a connection lands on the same device name on
every run and every machine; each device has a port budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from dxlab.domain import catalog_data as data


@dataclass(frozen=True)
class Device:
    aws_device: str  # awsDevice, e.g. EqDC2-2z3ygwh8b8zxd
    aws_device_v2: str  # awsDeviceV2
    logical_device_id: str  # awsLogicalDeviceId
    sub_location: str  # SubLocation.name
    ports: int = 48


@dataclass(frozen=True)
class SubLocation:
    name: str
    floor: str
    meet_me_room: str


@dataclass(frozen=True)
class BillingOption:
    """One entry of DescribeLocations' availableBillingModes."""

    mode: str
    port_speeds: tuple[str, ...]
    included_regions: tuple[str, ...]


@dataclass(frozen=True)
class Location:
    code: str
    name: str
    region: str
    port_speeds: tuple[str, ...]
    providers: tuple[str, ...]
    macsec_port_speeds: tuple[str, ...]
    billing: tuple[BillingOption, ...]
    sub_locations: tuple[SubLocation, ...]
    devices: tuple[Device, ...] = field(default=())

    @property
    def billing_modes(self) -> tuple[str, ...]:
        return tuple(b.mode for b in self.billing)

    def billing_option(self, mode: str) -> BillingOption | None:
        return next((b for b in self.billing if b.mode == mode), None)

    def sub_location(self, name: str) -> SubLocation | None:
        return next((s for s in self.sub_locations if s.name == name), None)


def _billing(region: str, speeds: tuple[str, ...], flat_rate: bool) -> tuple[BillingOption, ...]:
    options = [BillingOption("PayAsYouGo", speeds, (region,))]
    flat_speeds = tuple(s for s in speeds if s in data.FLAT_RATE_SPEEDS)
    if flat_rate and flat_speeds:
        tier1, tier2 = data.FLAT_RATE_MODES
        options.append(BillingOption(tier1, flat_speeds, (region,)))
        options.append(BillingOption(tier2, flat_speeds, data.GEOGRAPHY.get(region, (region,))))
    return tuple(options)


def _location(row: data.SiteRow) -> Location:
    code, region, name, speeds, macsec, providers, flat_rate, sub_rows, device_rows = row
    subs = tuple(SubLocation(*s) for s in sub_rows)
    devices = tuple(
        Device(f"{code}-{a}", f"{code}-{b}", f"{code}-{c}", subs[sub].name)
        for sub, a, b, c in device_rows
    )
    port_speeds = tuple(speeds.split())
    return Location(
        code=code,
        name=name,
        region=region,
        port_speeds=port_speeds,
        providers=providers,
        macsec_port_speeds=tuple(macsec.split()),
        billing=_billing(region, port_speeds, flat_rate),
        sub_locations=subs,
        devices=devices,
    )


LOCATIONS: dict[str, Location] = {loc.code: loc for loc in map(_location, data.SITES)}

_DEVICES: dict[str, tuple[Location, Device]] = {
    dev.aws_device: (loc, dev) for loc in LOCATIONS.values() for dev in loc.devices
}


def location(code: str) -> Location | None:
    return LOCATIONS.get(code)


def region_of(code: str, default: str) -> str:
    """The Region a location is associated with (Colocation.md); `default` (the design's
    or the request's Region) for a code the catalog does not know, as an imported estate's.
    The one answer for the snapshot's VIFs, the analyzer's and the diagram's Regions."""
    loc = LOCATIONS.get(code)
    return loc.region if loc else default


def locations_in(region: str) -> list[Location]:
    return [loc for loc in LOCATIONS.values() if loc.region == region]


def regions() -> list[str]:
    """The regions that have Direct Connect locations in the catalog."""
    return sorted({loc.region for loc in LOCATIONS.values()})


def device(name: str) -> tuple[Location, Device] | None:
    """The location and device that carry a given awsDevice name."""
    return _DEVICES.get(name)
