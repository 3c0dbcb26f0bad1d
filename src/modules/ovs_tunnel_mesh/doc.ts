import type { ModuleDoc } from '../contract.ts';

export const ovsTunnelMeshDoc: ModuleDoc = {
  summary: 'A GRE or VXLAN tunnel from this host to every other host of a group, with broadcast/multicast drop flows.',
  description: [
    'Peers are resolved when the plan is compiled: the hosts of the group named by `peers` (or the listed hosts), minus',
    'this host. A peer\'s remote IP is its `tunnel_ip` variable (see remote_ip_var), else its `address`/`ansible_host`;',
    'it must be an IP address. Adding a host to the group and re-running gives every peer its tunnel in the same run.',
    'Port names are `t<key>-<from>-<to>` (≤ 15 characters): from/to are the numbers the host names end with when every',
    'member\'s does and they are distinct (kvm01 → 1), else short base-36 hashes of the host names.',
    'The mesh owns ports tagged external_ids:zonectl-mesh=<type>-<key> on its bridge (and tags zonectl-peer=<host>):',
    'owned ports whose peer left the group are deleted; an existing untagged port with a mesh port name is adopted.',
    'Per tunnel two drop flows (priority 1000: dl_dst=ff:ff:ff:ff:ff:ff and ip,nw_dst=224.0.0.0/24, matched by',
    'port name) live under the mesh cookie (default 0x7a6d<type><key>); flows under other cookies are never touched.',
    'Changing key or type makes a new mesh: run the old one with `peers: []` first to remove its tunnels.',
  ].join('\n'),
  params: {
    bridge: 'the bridge the tunnel ports go on',
    type: 'gre (default) or vxlan',
    key: 'tunnel key (GRE key 0-4294967295, VXLAN VNI 0-16777215); also part of the port names',
    peers: 'a group name, or a list of inventory hosts; this host is left out; [] removes every tunnel of the mesh',
    local_ip: 'source IP of the tunnels (optional)',
    dst_port: 'VXLAN UDP port (optional, vxlan only)',
    remote_ip_var: 'variable holding a peer\'s tunnel IP (default tunnel_ip), before address/ansible_host',
    drop_flows: 'true (default): broadcast/multicast drop flows per tunnel; false removes them',
    cookie: 'cookie of the drop flows (default derived from type and key)',
  },
  examples: [
    '- name: GRE mesh between hypervisors',
    '  ovs_tunnel_mesh:',
    '    bridge: cloudbr1',
    '    type: gre',
    '    key: 103',
    '    peers: hypervisors',
  ].join('\n'),
};
