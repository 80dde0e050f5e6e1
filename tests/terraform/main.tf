# Every aws_dx_* resource and data source of the AWS provider 5.100, against a dxlab
# server, modelled on the provider's acceptance tests
# (internal/service/directconnect/*_test.go). tests/test_terraform.py applies it, plans
# it (no changes), imports, applies generation 2 (the updates), plans again and destroys.
# Generation 2 changes what the provider updates in place: names of LAGs and gateways,
# tags, VIF MTUs, allowed prefixes, the MACsec encryption mode (connection and VIF names
# and everything of a hosted VIF force a new resource).
#
# Two accounts: `customer` owns the connections, LAG, Direct Connect gateways and VIFs;
# `partner` is a Direct Connect Partner (interconnect, hosted connection) and the owner of
# the hosted VIFs, and proposes its VGW to the customer's gateway. (A TGW association
# would make the provider read EC2's transit gateway attachments, which dxlab does not serve.)

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" { type = string }
variable "customer" { type = string }
variable "partner" { type = string }
variable "vgw_id" { type = string }           # the customer's VGW (POST /_dxlab/virtual-gateways)
variable "partner_vgw_id" { type = string }   # the partner's VGW, for a hosted private VIF
variable "partner_proposed_vgw_id" { type = string }  # the partner's VGW, proposed to the customer's gateway
variable "interconnect_id" { type = string }  # the partner's interconnect (CreateInterconnect)
variable "generation" {
  type    = number
  default = 1
}

locals {
  g       = var.generation
  updated = var.generation > 1
  # 64 hex digits each (macsec.md: CKN and CAK of a 256-bit key).
  ckn = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  cak = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
}

provider "aws" {
  region     = "us-east-1"
  access_key = var.customer
  secret_key = "dxlab"
  endpoints {
    directconnect = var.endpoint
    ec2           = var.endpoint # nothing here should need EC2; if it does, it fails here
    sts           = var.endpoint
  }
}

provider "aws" {
  alias      = "partner"
  region     = "us-east-1"
  access_key = var.partner
  secret_key = "dxlab"
  endpoints {
    directconnect = var.endpoint
    ec2           = var.endpoint # nothing here should need EC2; if it does, it fails here
    sts           = var.endpoint
  }
}

# --- Locations -------------------------------------------------------------------------

data "aws_dx_locations" "all" {}

data "aws_dx_location" "here" {
  location_code = "EqDC2"
}

# --- Connections, LAG, association, MACsec -----------------------------------------------

resource "aws_dx_connection" "main" {
  name      = "tf-main"
  bandwidth = "10Gbps"
  location  = data.aws_dx_location.here.location_code
  tags      = { generation = tostring(local.g) }
}

resource "aws_dx_lag" "lag" {
  name                  = "tf-lag-${local.g}"
  connections_bandwidth = "1Gbps"
  location              = "CSVA1"
  force_destroy         = true
  tags                  = { generation = tostring(local.g) }
}

resource "aws_dx_connection" "member" {
  name      = "tf-member"
  bandwidth = "1Gbps"
  location  = "CSVA1"
  tags      = { generation = tostring(local.g) }
}

resource "aws_dx_connection_association" "member" {
  connection_id = aws_dx_connection.member.id
  lag_id        = aws_dx_lag.lag.id
}

resource "aws_dx_connection" "macsec" {
  name            = "tf-macsec"
  bandwidth       = "10Gbps"
  location        = "EqDC2"
  request_macsec  = true
  encryption_mode = local.updated ? "should_encrypt" : "no_encrypt"
}

resource "aws_dx_macsec_key_association" "key" {
  connection_id = aws_dx_connection.macsec.id
  ckn           = local.ckn
  cak           = local.cak
}

data "aws_dx_connection" "main" {
  name = aws_dx_connection.main.name
}

# --- Hosted connection: the partner allocates it, the customer confirms it ----------------

resource "aws_dx_hosted_connection" "hosted" {
  provider         = aws.partner
  connection_id    = var.interconnect_id
  owner_account_id = var.customer
  name             = "tf-hosted"
  bandwidth        = "100Mbps"
  vlan             = 901
}

resource "aws_dx_connection_confirmation" "hosted" {
  connection_id = aws_dx_hosted_connection.hosted.id
}

# --- Direct Connect gateways and associations -------------------------------------------

resource "aws_dx_gateway" "vgw" {
  name            = "tf-gw-vgw-${local.g}"
  amazon_side_asn = "64512"
}

resource "aws_dx_gateway" "transit" {
  name            = "tf-gw-transit-${local.g}"
  amazon_side_asn = "64513"
}

resource "aws_dx_gateway" "partner" {
  provider        = aws.partner
  name            = "tf-gw-partner-${local.g}"
  amazon_side_asn = "64514"
}

data "aws_dx_gateway" "vgw" {
  name = aws_dx_gateway.vgw.name
}

resource "aws_dx_gateway_association" "vgw" {
  dx_gateway_id         = aws_dx_gateway.vgw.id
  associated_gateway_id = var.vgw_id
  allowed_prefixes      = local.updated ? ["10.0.0.0/16", "10.1.0.0/16"] : ["10.0.0.0/16"]
}

# Cross-account: the partner proposes its VGW, the customer accepts and overrides the prefixes.
resource "aws_dx_gateway_association_proposal" "partner" {
  provider                    = aws.partner
  dx_gateway_id               = aws_dx_gateway.vgw.id
  dx_gateway_owner_account_id = aws_dx_gateway.vgw.owner_account_id
  associated_gateway_id       = var.partner_proposed_vgw_id
  allowed_prefixes            = ["10.20.0.0/16"]
}

resource "aws_dx_gateway_association" "partner" {
  dx_gateway_id                       = aws_dx_gateway.vgw.id
  proposal_id                         = aws_dx_gateway_association_proposal.partner.id
  associated_gateway_owner_account_id = var.partner
  allowed_prefixes                    = local.updated ? ["10.20.0.0/16", "10.22.0.0/16"] : ["10.20.0.0/16", "10.21.0.0/16"]
}

# --- Virtual interfaces on the customer's connection ------------------------------------

resource "aws_dx_private_virtual_interface" "private" {
  connection_id  = aws_dx_connection.main.id
  name           = "tf-private"
  vlan           = 101
  address_family = "ipv4"
  bgp_asn        = 65351
  dx_gateway_id  = aws_dx_gateway.vgw.id
  mtu            = local.updated ? 9001 : 1500
  tags           = { generation = tostring(local.g) }
}

resource "aws_dx_bgp_peer" "private_v6" {
  virtual_interface_id = aws_dx_private_virtual_interface.private.id
  address_family       = "ipv6"
  bgp_asn              = 65351
}

data "aws_dx_router_configuration" "private" {
  virtual_interface_id   = aws_dx_private_virtual_interface.private.id
  router_type_identifier = "CiscoSystemsInc-2900SeriesRouters-IOS124"
  depends_on             = [aws_dx_bgp_peer.private_v6] # its IPv6 peer is in the configuration
}

resource "aws_dx_public_virtual_interface" "public" {
  connection_id         = aws_dx_connection.main.id
  name                  = "tf-public"
  vlan                  = 102
  address_family        = "ipv4"
  bgp_asn               = 65352
  customer_address      = "45.60.1.1/30"
  amazon_address        = "45.60.1.2/30"
  route_filter_prefixes = ["45.60.2.0/24"]
  tags                  = { generation = tostring(local.g) }
}

resource "aws_dx_transit_virtual_interface" "transit" {
  connection_id  = aws_dx_connection.main.id
  name           = "tf-transit"
  vlan           = 103
  address_family = "ipv4"
  bgp_asn        = 65353
  dx_gateway_id  = aws_dx_gateway.transit.id
  mtu            = local.updated ? 8500 : 1500
  tags           = { generation = tostring(local.g) }
}

# --- Hosted VIFs: the connection's owner allocates them to the partner, who accepts ------

resource "aws_dx_hosted_private_virtual_interface" "hosted" {
  connection_id    = aws_dx_connection.main.id
  owner_account_id = var.partner
  name             = "tf-hosted-private"
  vlan             = 201
  address_family   = "ipv4"
  bgp_asn          = 65361
  mtu              = 9001
}

resource "aws_dx_hosted_private_virtual_interface_accepter" "hosted" {
  provider             = aws.partner
  virtual_interface_id = aws_dx_hosted_private_virtual_interface.hosted.id
  vpn_gateway_id       = var.partner_vgw_id
  tags                 = { generation = tostring(local.g) }
}

resource "aws_dx_hosted_public_virtual_interface" "hosted" {
  connection_id         = aws_dx_connection.main.id
  owner_account_id      = var.partner
  name                  = "tf-hosted-public"
  vlan                  = 202
  address_family        = "ipv4"
  bgp_asn               = 65362
  customer_address      = "45.60.3.1/30"
  amazon_address        = "45.60.3.2/30"
  route_filter_prefixes = ["45.60.4.0/24"]
}

resource "aws_dx_hosted_public_virtual_interface_accepter" "hosted" {
  provider             = aws.partner
  virtual_interface_id = aws_dx_hosted_public_virtual_interface.hosted.id
  tags                 = { generation = tostring(local.g) }
}

resource "aws_dx_hosted_transit_virtual_interface" "hosted" {
  connection_id    = aws_dx_connection.main.id
  owner_account_id = var.partner
  name             = "tf-hosted-transit"
  vlan             = 203
  address_family   = "ipv4"
  bgp_asn          = 65363
  mtu              = 8500
  # The accepter's destroy is a no-op, so without this the partner's gateway and this VIF
  # are deleted at once, and a gateway with a VIF attached cannot be deleted.
  depends_on = [aws_dx_gateway.partner]
}

resource "aws_dx_hosted_transit_virtual_interface_accepter" "hosted" {
  provider             = aws.partner
  virtual_interface_id = aws_dx_hosted_transit_virtual_interface.hosted.id
  dx_gateway_id        = aws_dx_gateway.partner.id
  tags                 = { generation = tostring(local.g) }
}

# --- What the test reads back ------------------------------------------------------------

output "location_codes" { value = data.aws_dx_locations.all.location_codes }
output "location_speeds" { value = data.aws_dx_location.here.available_port_speeds }
output "connection_by_name" { value = data.aws_dx_connection.main.id }
output "gateway_by_name" { value = data.aws_dx_gateway.vgw.id }
output "router_config" { value = data.aws_dx_router_configuration.private.customer_router_config }
output "lag_id" { value = aws_dx_lag.lag.id }
output "member_device" { value = aws_dx_connection.member.aws_device }
