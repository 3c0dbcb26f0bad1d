import type { ModuleDoc } from '../contract.ts';

export const frrDoc: ModuleDoc = {
  summary: 'FRR (BGP for routed zones): the daemons that run and the whole frr.conf, checked by FRR before it is installed and reloaded without a restart.',
  description:
    'The configuration is given as full frr.conf text (config, or src: a template), or structured (bgp, prefix_lists, route_maps, static_routes) and rendered at compile time ' +
    'into FRR\'s integrated-config shape, in the order `show running-config` prints it. The probe checks the desired file with `vtysh -C -f` (a file FRR rejects fails the dry run; ' +
    'nothing is touched) and asks `frr-reload.py --test` which running lines a reload would delete and add. Apply installs /etc/frr/frr.conf atomically (frr:frr, 0640), ' +
    'then runs `frr-reload.py --reload` (sessions the change does not touch stay up); a change to /etc/frr/daemons restarts FRR instead. ' +
    'Lines FRR prints whether or not they are configured are left alone unless the configuration names them: `frr version`, the hostname, and IP forwarding (zebra reports the kernel\'s; ' +
    'the sysctl module owns it, and zonectl puts the kernel values back after a reload). Passwords are secret by nature and masked in every diff, including old ones on the router.',
  params: {
    daemons: 'the daemons that run: a list (exactly these; every other daemon off) or a mapping {bgpd: true, ospfd: false} (only those named); other settings in /etc/frr/daemons are kept',
    config: 'the whole frr.conf text (instead of src or the structured params)',
    src: 'a handlebars template from the role\'s templates/ rendered into the whole frr.conf',
    frr_version: 'structured only: write `frr version X` at the top (default: no line; FRR accepts either)',
    hostname: 'structured only: FRR\'s hostname (default: none, FRR uses the system\'s)',
    log_syslog: 'structured only: `log syslog LEVEL` (default informational; false for no line)',
    bgp: 'structured BGP: asn (1-4294967295), router_id (IPv4), ebgp_requires_policy (default true, FRR\'s), neighbors (address, remote_as: ASN|internal|external, password (secret), description, ebgp_multihop (hops or true), update_source, route_map_in, route_map_out, soft_reconfiguration, shutdown), address_families {ipv4_unicast, ipv6_unicast: {networks, neighbors (active ones; default those of the family), redistribute}}',
    prefix_lists: 'name → list of {action: permit|deny, prefix: CIDR|any, seq?, ge?, le?} (or {family: ipv4|ipv6, entries: [...]}); seq defaults to 5, 10, 15, ...',
    route_maps: 'name → list of {action, seq? (10, 20, ...), description?, match: {prefix_list, as_path, community}, set: {local_preference, metric, weight, community, as_path_prepend}}',
    static_routes: 'list of {to: CIDR, via?: address, dev?: interface, blackhole?: true, distance?}',
    wait_for: '{bgp_established: true, timeout: 60}: after an apply, wait until every configured BGP neighbour (not shut down) is Established; fail naming each one\'s state',
  },
  examples: `- name: BGP toward the upstream router
  frr:
    daemons: [bgpd]
    bgp:
      asn: 65053
      router_id: 10.200.0.101
      neighbors:
        - address: 10.200.0.1
          remote_as: 64999
          password: !secret bgp_upstream
          route_map_in: UPSTREAM-IN
          route_map_out: UPSTREAM-OUT
      address_families:
        ipv4_unicast:
          networks: [202.38.80.16/28]
    prefix_lists:
      DEFAULT-ONLY: [{action: permit, prefix: 0.0.0.0/0}]
      TENANTS: [{action: permit, prefix: 202.38.80.16/28}]
    route_maps:
      UPSTREAM-IN: [{action: permit, match: {prefix_list: DEFAULT-ONLY}}]
      UPSTREAM-OUT: [{action: permit, match: {prefix_list: TENANTS}}]
    wait_for: {bgp_established: true, timeout: 60}`,
};
