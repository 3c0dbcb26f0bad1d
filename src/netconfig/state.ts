/**
 * The live network state of a Linux host as the network modules see it,
 * parsed from `ip -j -d link show`, `ip -j addr show`, `ip -j route show
 * table all` and `bridge -j link show`.
 */
import type { Family } from './ip-address.ts';

export interface VlanInfo {
  id: number;
  /** As iproute2 prints it: `802.1Q` or `802.1ad`. */
  protocol: string;
}

export interface BridgeInfo {
  stp: boolean;
  /** Seconds (the kernel reports centiseconds). */
  forwardDelay: number;
}

export interface LinkState {
  name: string;
  index: number;
  /** `linkinfo.info_kind` (bridge, vlan, veth, vxlan, …); null for plain hardware NICs and lo. */
  kind: string | null;
  mtu: number;
  /** Administratively up (the UP flag), whatever the carrier. */
  up: boolean;
  operstate: string;
  /** The bridge (or bond) this link is enslaved to. */
  master: string | null;
  /** The lower device of a stacked link (a VLAN's parent); null when not reported or in another namespace. */
  parent: string | null;
  vlan: VlanInfo | null;
  bridge: BridgeInfo | null;
}

export interface AddressState {
  dev: string;
  family: Family;
  /** Canonical `address/prefix`. */
  cidr: string;
  address: string;
  prefix: number;
  scope: string;
  /** Has a finite lifetime (DHCP, SLAAC): the kernel or a daemon manages it. */
  dynamic: boolean;
}

export interface RouteState {
  family: Family;
  /** Numeric table id as text (`254` for main): names from rt_tables are mapped back where known. */
  table: string;
  /** `default` or canonical `address/prefix` (a host route gets /32 or /128). */
  to: string;
  via: string | null;
  dev: string | null;
  metric: number;
  /** unicast, local, broadcast, multicast, blackhole, … */
  type: string;
  protocol: string;
  /** A multipath route: via/dev are not a single next hop. */
  multipath: boolean;
}

export interface BridgePortState {
  name: string;
  master: string;
  /** STP port state (forwarding, disabled, …). */
  state: string;
}

export interface NetState {
  links: LinkState[];
  addresses: AddressState[];
  routes: RouteState[];
  bridgePorts: BridgePortState[];
}
