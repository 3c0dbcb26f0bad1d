/**
 * The structured FRR configuration an operator writes (after schema
 * validation and normalisation): what render.ts turns into frr.conf text.
 * Addresses and prefixes are in canonical spelling (src/netconfig/ip-address.ts).
 */

export type Family = 4 | 6;

export interface BgpNeighbor {
  /** Canonical IPv4/IPv6 address. */
  address: string;
  /** An AS number, or `internal` / `external`. */
  remote_as: number | 'internal' | 'external';
  /** The TCP MD5 password (a secret placeholder in plans; revealed only in text sent to the host). */
  password?: string | undefined;
  description?: string | undefined;
  /** Number of hops allowed to an eBGP peer (FRR: `ebgp-multihop N`). */
  ebgp_multihop?: number | undefined;
  /** Interface name or local address the session is sourced from. */
  update_source?: string | undefined;
  route_map_in?: string | undefined;
  route_map_out?: string | undefined;
  /** `soft-reconfiguration inbound` in every address family the neighbour is active in. */
  soft_reconfiguration?: boolean | undefined;
  /** Administratively down (`neighbor X shutdown`). */
  shutdown?: boolean | undefined;
}

export interface AddressFamily {
  /** Prefixes announced with `network` (canonical, host bits zero). */
  networks: string[];
  /** Neighbours active in this family; undefined = those of the family's own addresses. */
  neighbors?: string[] | undefined;
  redistribute: ('connected' | 'static' | 'kernel')[];
}

export interface BgpConfig {
  asn: number;
  router_id?: string | undefined;
  /** FRR's default (true) drops eBGP routes without a policy; false writes `no bgp ebgp-requires-policy`. */
  ebgp_requires_policy: boolean;
  neighbors: BgpNeighbor[];
  address_families: {
    ipv4_unicast?: AddressFamily | undefined;
    ipv6_unicast?: AddressFamily | undefined;
  };
}

export interface PrefixListEntry {
  seq: number;
  action: 'permit' | 'deny';
  /** Canonical prefix, or `any`. */
  prefix: string;
  ge?: number | undefined;
  le?: number | undefined;
}

export interface PrefixList {
  name: string;
  family: Family;
  entries: PrefixListEntry[];
}

export interface RouteMapEntry {
  seq: number;
  action: 'permit' | 'deny';
  description?: string | undefined;
  match: {
    prefix_list?: string | undefined;
    as_path?: string | undefined;
    community?: string | undefined;
  };
  set: {
    local_preference?: number | undefined;
    metric?: number | undefined;
    weight?: number | undefined;
    community?: string | undefined;
    as_path_prepend?: number[] | undefined;
  };
}

export interface RouteMap {
  name: string;
  entries: RouteMapEntry[];
}

export interface StaticRoute {
  /** Canonical prefix. */
  to: string;
  family: Family;
  via?: string | undefined;
  dev?: string | undefined;
  blackhole: boolean;
  distance?: number | undefined;
}

export interface StructuredConfig {
  frr_version?: string | undefined;
  hostname?: string | undefined;
  /** `log syslog LEVEL`; false = no log line. */
  log_syslog: string | false;
  bgp?: BgpConfig | undefined;
  prefix_lists: PrefixList[];
  route_maps: RouteMap[];
  static_routes: StaticRoute[];
}
