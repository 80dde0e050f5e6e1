"""The Direct Connect locations dxlab serves: data only (`catalog` is the interface).

Codes, names, port speeds, MACsec speeds and partner names are the real ones AWS lists for
each site (DescribeLocations and the partner pages, as collected by the public
dx-location-details directory, 2026; Colocation.md names the same sites). Floors, meet-me
rooms and device names are dxlab's: AWS publishes neither, so they are fixed strings in
AWS's formats (`<code>-<12 or 13 of [a-z0-9]>`, like `EqDC2-123h49s71dabc` and `CSVA1-23u8tlpaz8iks` in the CLI's
examples) so that a connection lands on the same device name on every run and machine.

A site is (code, region, locationName, port speeds, MACsec speeds, providers, offers flat
rate, sub-locations, devices); a sub-location is (name, floor, meet-me room) and a device
is (index of its sub-location, awsDevice suffix, awsDeviceV2 suffix, awsLogicalDeviceId
suffix)."""

from __future__ import annotations

SubLocationRow = tuple[str, str, str]
DeviceRow = tuple[int, str, str, str]
SiteRow = tuple[
    str,
    str,
    str,
    str,
    str,
    tuple[str, ...],
    bool,
    tuple[SubLocationRow, ...],
    tuple[DeviceRow, ...],
]

# The guide copy predates flat-rate billing: the model's BillingMode enum has the tiers,
# the guide does not say which sites, speeds or regions they cover. dxlab's model: the
# large sites offer FlatRateTier1 (the home region) and FlatRateTier2 (the home region's
# geography, below) on 10G and faster ports; every site offers PayAsYouGo on every speed.
FLAT_RATE_MODES: tuple[str, ...] = ("FlatRateTier1", "FlatRateTier2")
FLAT_RATE_SPEEDS: tuple[str, ...] = ("10G", "100G", "400G")
GEOGRAPHY: dict[str, tuple[str, ...]] = {
    "us-east-1": ("us-east-1", "us-east-2", "us-west-1", "us-west-2"),
    "us-west-2": ("us-west-2", "us-west-1", "us-east-1", "us-east-2"),
    "eu-west-1": ("eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"),
    "ap-southeast-2": ("ap-southeast-2", "ap-southeast-4"),
    "eu-central-1": ("eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3"),
    "ap-northeast-1": ("ap-northeast-1", "ap-northeast-3"),
    "sa-east-1": ("sa-east-1",),
}

SITES: tuple[SiteRow, ...] = (
    # --- US East (N. Virginia) -----------------------------------------------------
    (
        "EqDC2", "us-east-1", "Equinix DC2/DC11, Ashburn, VA",
        "1G 10G 100G 400G", "10G 100G 400G",
        ("AT&T", "Arelion", "BT", "Colt", "Console Connect", "Crown Castle", "Equinix",
         "GTT", "Lumen", "Megaport", "PacketFabric", "Verizon", "Zayo"),
        True,
        (("Equinix DC2, Floor 1", "1", "MMR 1-A"), ("Equinix DC11, Floor 2", "2", "MMR 2-B")),
        ((0, "2z3ygwh8b8zxd", "4s5e9ttq0y", "1x8mkqtp2c"), (1, "1kw8dldsq7qnm", "3b0bfcpz1v", "2fym4y5x0k"),
         (0, "3f9k2bkq5mvua", "2uyn2vzpjd", "3a8mq6e1zw"), (1, "1q5xk4tr8vhzh", "4r7d2kqmby", "1cn6z9w3s4")),
    ),
    (
        "CSVA1", "us-east-1", "CoreSite VA1, Reston, VA",
        "1G 10G 100G 400G", "10G 100G 400G",
        ("AT&T", "Arelion", "BT", "CoreSite", "Crown Castle", "GTT", "IX Reach", "Lumen",
         "Megaport", "NTT Communications", "PacketFabric", "Verizon", "Zayo"),
        True,
        (("CoreSite VA1, Floor 1", "1", "VA1 MMR"), ("CoreSite VA2, Floor 1", "1", "VA2 MMR")),
        ((0, "1h8vz0cy3cmko", "2lqy1s8pxe", "3jg0w0ax5b"), (1, "2aj0n8d6f1xae", "1zq4j0t3cv", "2xh4y8m1pn"),
         (0, "3mzv3s5w6kbjb", "4h1zdq2hyt", "1ug7a3ge0r")),
    ),
    (
        "165HS", "us-east-1", "165 Halsey Street, Newark, NJ",
        "1G 10G 100G 400G", "10G 100G 400G",
        ("AT&T", "Arelion", "BT", "Colt", "Crown Castle", "DE-CIX", "Equinix", "GTT", "Lumen",
         "PacketFabric", "Verizon", "Zayo"),
        False,
        (("165 Halsey, Meet-Me Room 1A", "7", "MMR-1A"), ("165 Halsey, Meet-Me Room 1B", "7", "MMR-1B")),
        ((0, "1qxct02goidh", "4z1d294sj3a", "35ces0k0cjie8"), (1, "13cyvw9au5bef", "1i552v1cyv06q", "2n7ymc968b")),
    ),
    (
        "CS32A-24FL", "us-east-1", "CoreSite NY1, New York, NY",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "Cologix", "Colt", "CoreSite", "Crown Castle", "GTT", "Lightpath", "Lumen",
         "Megaport", "PacketFabric", "Verizon", "Zayo"),
        False,
        (("CoreSite NY1, Floor 24", "24", "24th Floor MMR"),),
        ((0, "1trv2i4z8iif4", "1s84r1iuyllt", "4bkjo2g3w2gg7"), (0, "23fokc9c2zjp", "15jbiqmx5utg", "1ty5p6wi78el")),
    ),
    (
        "EqDA2", "us-east-1", "Equinix DA2, Dallas, TX",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "Arelion", "Cologix", "Cox", "CyrusOne", "Equinix", "GTT", "Lumen", "Megaport",
         "PacketFabric", "Verizon", "Zayo"),
        False,
        (("Equinix DA2, Floor 2", "2", "Meet-Me Room 2"),),
        ((0, "4lls5ibakfnv4", "30owigw4ja0", "1ae3kodcn6a"), (0, "2c4a3b9wcs8c", "4j5tera4p6", "21zb5u6nuy8u9")),
    ),
    (
        "TLLPJ", "us-east-1", "Digital Realty IAD38, Ashburn, VA",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "China Telecom", "Cogent Communications", "Colt", "Comcast", "GTT", "Lumen",
         "PacketFabric", "Tata Communications", "Verizon", "Zayo"),
        False,
        (("Digital Realty IAD38, Floor 1", "1", "MMR A"),),
        ((0, "20jk9ysuamdn9", "3slgoaa5gn", "1szbem72g1"), (0, "3zkxirbk7y8st", "35ywdd394lv3", "1auy6wuwa2de4")),
    ),
    # --- US West (Oregon) ----------------------------------------------------------
    (
        "EqSe2-EQ", "us-west-2", "Equinix SE2, Seattle, WA",
        "1G 10G 100G 400G", "10G 100G 400G",
        ("AT&T", "Arelion", "Colt", "Comcast", "Equinix", "GTT", "Lumen", "Megaport",
         "PacketFabric", "Telus", "Verizon", "Zayo"),
        True,
        (("Equinix SE2, Floor 3", "3", "MMR 3-A"), ("Equinix SE3, Floor 1", "1", "MMR 1")),
        ((0, "1mzsa5tf5dxx", "2kswnrqnwcg3r", "1k2mlwffp5r"), (1, "1x7t5f905sx6g", "4p3d6kgierea", "3sb0lrg6x6ff"),
         (0, "2hdnj1ydg7nt", "2lchgvelbqr", "2sk3y7fcaf0y")),
    ),
    (
        "CSDE1", "us-west-2", "CoreSite DE1, Denver, CO",
        "1G 10G", "10G",
        ("Arelion", "CoreSite", "GTT", "IX Reach", "Lumen", "Megaport", "Verizon", "Zayo"),
        False,
        (("CoreSite DE1, Floor 1", "1", "DE1 MMR"),),
        ((0, "3fyh724k7gx7t", "1xrq240roe", "3w2bn0yt18rcn"), (0, "3cprqa60ttjwi", "32usbkdstgd", "40n828kepf959")),
    ),
    (
        "ECPO1", "us-west-2", "EdgeConneX Portland, Hillsboro, OR",
        "1G 10G 100G", "10G 100G",
        ("Arelion", "Comcast", "Cox", "EdgeConneX", "Lumen", "Megaport", "Zayo"),
        False,
        (("EdgeConneX EDCPOR01, Floor 1", "1", "MMR 1"),),
        ((0, "1hrs9qtc5v9w7", "43jxlnwhhzw8", "2247kr6lwjwd8"), (0, "426tsz6n8j5g3", "49htwiaf0p", "4x4e39yzul2l")),
    ),
    (
        "PEH51", "us-west-2", "Pittock Block, Portland, OR",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "Allstream", "Arelion", "Verizon", "Zayo"),
        False,
        (("Pittock Block, Floor 2", "2", "Pittock MMR"),),
        ((0, "4x8i7b94efy5", "13oehh9q52", "1db98dagopu"), (0, "4tt5ila3tm5s", "2td6prispghga", "1i76iqhsn3w")),
    ),
    (
        "SNAP", "us-west-2", "Switch SUPERNAP 8, Las Vegas, NV",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "Cox", "Crown Castle", "IX Reach", "Lumen", "Megaport", "Verizon", "Zayo"),
        False,
        (("Switch LAS 8, MDF", "1", "MDF-A"),),
        ((0, "37juooflvqzb", "2cdpq5rv5un", "2h417bqr7zl"), (0, "3q0mdfel2i99b", "3x4wrdlu187p", "4eik0cvb6fno")),
    ),
    # --- Europe (Ireland) ----------------------------------------------------------
    (
        "EqLD5", "eu-west-1", "Equinix LD5, London (Slough), United Kingdom",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "Arelion", "BT", "Colt", "Equinix", "GTT", "Lumen", "Megaport", "NTT Communications",
         "Orange Business", "Telefonica", "Verizon", "Vodafone", "Zayo"),
        True,
        (("Equinix LD5, Floor 1", "1", "MMR 1"), ("Equinix LD5, Floor 2", "2", "MMR 2")),
        ((0, "2i5i2cln361qn", "42hg9a329m5", "3vlkzms0ts"), (1, "49kdfztr576w", "34lkfl9ofdph5", "2gymcghas3zj"),
         (0, "30err07r0ja38", "3trvcxz8drm", "1achhl97ni7vn")),
    ),
    (
        "TCSH", "eu-west-1", "Digital Realty LHR20, London, United Kingdom",
        "1G 10G", "10G",
        ("AT&T", "BT", "Colt", "Console Connect", "Digital Realty", "Equinix", "GTT", "Lumen",
         "Megaport", "Verizon", "Vodafone", "Zayo"),
        False,
        (("Digital Realty LHR20, Floor 3", "3", "MMR 3"),),
        ((0, "335v8eihp4ov", "3nnkpus1zad0", "31x2798f5r5u"), (0, "1fwzhlvcf3lzq", "2pmvcjolzbbie", "2qew227gioxp2")),
    ),
    (
        "ITXD2", "eu-west-1", "Digital Realty DUB2, Dublin, Ireland",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "BT", "Colt", "GTT", "IX Reach", "Interxion", "Lumen", "Megaport", "Telefonica",
         "Verizon", "Zayo"),
        False,
        (("Digital Realty DUB2, Floor 1", "1", "MMR 1"),),
        ((0, "2bh673pa4spaz", "26j34hxs64", "1qsjyx5alc9x"), (0, "392q83pjvj8le", "47yiadwuiz", "3rxvnd9lr0f")),
    ),
    (
        "SCDB9", "eu-west-1", "Servecentric Unit 9, Dublin, Ireland",
        "1G 10G 100G", "10G 100G",
        ("BT", "Cogent Communications", "Colt", "Lumen", "Servecentric", "Verizon", "Virgin Media",
         "Vodafone", "Zayo"),
        False,
        (("Servecentric Unit 9, Ground Floor", "0", "MMR A"),),
        ((0, "1uy6gzhlteh3", "3615xkjf0jw", "28n7rox26e3c2"), (0, "4jg8qnhs3d18", "2s1lq7w6xtqak", "1m3g7cn4hip9")),
    ),
    # --- Asia Pacific (Sydney) -----------------------------------------------------
    (
        "EqSY3", "ap-southeast-2", "Equinix SY3, Sydney, Australia",
        "1G 10G 100G", "10G 100G",
        ("AARNet", "AT&T", "Equinix", "Megaport", "NEXTDC", "NTT Communications", "Optus",
         "TPG Telecom/AAPT", "Telstra", "Verizon", "Vocus"),
        True,
        (("Equinix SY3, Level 2", "2", "MMR 2"), ("Equinix SY4, Level 1", "1", "MMR 1")),
        ((0, "4oyfpjzydv52d", "3sj34c7bo0qnw", "418e0vfzsq0pr"), (1, "3wet40dk3woa", "3z9o5q4bsjiku", "1ui4jq5bguh"),
         (0, "43l6uq27h7guk", "3xj4nidl58g", "1x6y3ta8uf")),
    ),
    (
        "NDCS2", "ap-southeast-2", "NEXTDC S2, Sydney, Australia",
        "1G 10G 100G", "10G 100G",
        ("AARNet", "Megaport", "NEXTDC", "Telstra", "Vocus"),
        False,
        (("NEXTDC S2, Level 1", "1", "MMR 1"),),
        ((0, "1hnc6ma8c8eav", "15yzji0s0318c", "2b79mp4mg9chx"), (0, "382dd1nkwuqz", "1uz9ndqihpi", "25cxd7nk5di3")),
    ),
    (
        "GBSY6", "ap-southeast-2", "Global Switch SY6, Sydney, Australia",
        "1G 10G", "",
        ("AARNet", "AT&T", "BT", "Global Switch", "Megaport", "Optus", "Telstra", "Vocus"),
        False,
        (("Global Switch SY6, Level 3", "3", "MMR 3"),),
        ((0, "3jzez6vcydwlr", "4ea6cxaa2ql", "2js8667h8tb3"), (0, "3585r93axt9y", "10tqb1uyr3", "3stb5gf0mt")),
    ),
    (
        "NDCM1", "ap-southeast-2", "NEXTDC M1, Melbourne, Australia",
        "1G 10G 100G", "10G 100G",
        ("Equinix", "Megaport", "NEXTDC", "NTT Communications", "Optus", "Telstra", "Vocus"),
        False,
        (("NEXTDC M1, Level 2", "2", "MMR 2"),),
        ((0, "3hxo0lm1f6fn9", "4p64rcfkzdds", "4uuct6i8q2fz5"), (0, "1hiqzsdn1y72", "1gho1psvm1c38", "2vuizkeitkcl")),
    ),
    # --- Europe (Frankfurt) ---------------------------------------------------
    (
        "EqFA5", "eu-central-1", "Equinix FR5, Frankfurt, Germany",
        "1G 10G 100G 400G", "10G 100G 400G",
        ("AT&T", "Arelion", "BT", "Colt", "DE-CIX", "Equinix", "GTT", "Lumen", "Megaport", "NTT Communications", "Orange Business", "Verizon", "Vodafone", "Zayo"),
        True,
        (("Equinix FR5, Floor 2", "2", "MMR 2"), ("Equinix FR4, Floor 1", "1", "MMR 1")),
        ((0, "dh2ku4df77cxp", "ai6e3mvko3qm", "zooyjjetseb"), (1, "70ygtqkn7d5z", "bwahbt3jl1y3", "85lerjjq9v8"), (0, "ok1b3ho47k4rr", "tko6mhqbjz7v", "e4d701l3kvr")),
    ),
    (
        "INX6", "eu-central-1", "Interxion FRA6, Frankfurt, Germany",
        "1G 10G 100G", "10G 100G",
        ("Colt", "DE-CIX", "GTT", "Interxion", "IX Reach", "Lumen", "Megaport", "Verizon", "Zayo"),
        False,
        (("Interxion FRA6, Floor 1", "1", "MMR A"),),
        ((0, "djq8ds0qchmux", "4czewhclvb6h", "qomnsnlo1yn"), (0, "udu1fifox08i", "yge2mzafdvr5", "qqynxrn1l09")),
    ),
    # --- Asia Pacific (Tokyo) -------------------------------------------------
    (
        "EqTY2", "ap-northeast-1", "Equinix TY2, Tokyo, Japan",
        "1G 10G 100G", "10G 100G",
        ("AT&T", "Colt", "Equinix", "KDDI", "Megaport", "NTT Communications", "SoftBank", "Verizon"),
        True,
        (("Equinix TY2, Floor 3", "3", "MMR 3"), ("Equinix TY2, Floor 4", "4", "MMR 4")),
        ((0, "df7g35a3pa82h", "i6ot2iorlxme", "9na955b17l4"), (1, "8dawqm7hokrn", "s2ci6s316dzz", "23kkf4y70yg"), (0, "dzmc5wk3cqmqj", "7v2v8eo58zs0", "54ubsjhhthc")),
    ),
    (
        "EqOS1", "ap-northeast-1", "Equinix OS1, Osaka, Japan",
        "1G 10G", "10G",
        ("Equinix", "KDDI", "Megaport", "NTT Communications", "SoftBank"),
        False,
        (("Equinix OS1, Floor 2", "2", "MMR 2"),),
        ((0, "huvdudo23w5p7", "z6zf8sbtn62v", "e8dell6tcuk"), (0, "z6fk2z90n92m", "teodtx9s6adr", "0yq3p4xsixp")),
    ),
    # --- South America (Sao Paulo) --------------------------------------------
    (
        "TNDB", "sa-east-1", "NAP do Brasil, Barueri, Sao Paulo",
        "1G 10G 100G", "10G 100G",
        ("Algar Telecom", "Embratel", "Equinix", "Megaport", "TIVIT", "Vivo"),
        True,
        (("NAP do Brasil, Floor 1", "1", "MMR 1"), ("NAP do Brasil, Floor 2", "2", "MMR 2")),
        ((0, "208gp8z9sv4ae", "lg91avdbdbhh", "8na5yykk9je"), (1, "lks5enmvmg1c", "p68vmeu4enue", "8mc2xxm7h55"), (0, "a9ygjkc4iqhyp", "ar80jpajcfi5", "bxliwpp0iy2")),
    ),
    (
        "TIVIT", "sa-east-1", "Tivit - Site Transamerica (Sao Paulo)",
        "1G 10G", "10G",
        ("Embratel", "TIVIT", "Vivo"),
        False,
        (("Tivit Transamerica, Floor 1", "1", "MMR 1"),),
        ((0, "qwfyqeqo0l0up", "2ijjzo944733", "0ew596q29kw"), (0, "le7cq6u2k203", "6ijiv9kdtyrb", "3ztuv536emk")),
    ),
)  # fmt: skip
