import type { ModuleDoc } from '../contract.ts';

export const ovsPortDoc: ModuleDoc = {
  summary: 'A port on an Open vSwitch bridge: device, internal, patch or tunnel; access tag, trunks, VLAN mode, MTU.',
  description: [
    'A missing port is added with `--may-exist add-port` and its columns set in the same transaction; an existing port is',
    'corrected column by column (set/remove/clear), because add-port never updates a port that exists. A port found on',
    'another bridge is moved: deleted, then re-added (two transactions: ovs-vswitchd fails to add a port deleted in the same transaction).',
    'Columns that are omitted are left alone; null clears tag, trunks, vlan_mode and mtu_request and removes an option key.',
    'Only the listed options and external_ids keys are managed; other keys stay untouched. Without `type` a new port is',
    'a system port (a plain network device) and an existing port keeps its type. Bonds (ports with several interfaces) are refused.',
  ].join('\n'),
  params: {
    bridge: 'bridge the port belongs to',
    name: 'port and interface name (≤ 15 characters: letters, digits, _ . -)',
    state: 'present (default) or absent',
    type: 'system, internal, patch, gre, vxlan or geneve; omitted: system for a new port, left alone on an existing one',
    options: 'key, remote_ip, local_ip, dst_port, peer (a value sets, null removes); gre/vxlan/geneve need remote_ip, patch needs peer',
    tag: 'access VLAN id (0-4095); null clears it',
    trunks: 'VLANs carried on a trunk: a list [100, 200] or "100,200,300-305"; [] or null clears (all VLANs)',
    vlan_mode: 'trunk, access, native-tagged, native-untagged or dot1q-tunnel; null clears',
    mtu_request: 'MTU to request for the interface (68-65535); null clears',
    external_ids: 'map of keys to manage (value sets, null removes)',
  },
  examples: [
    '- name: uplink trunk',
    '  ovs_port: { bridge: cloudbr1, name: eth1, trunks: [100, 200], vlan_mode: trunk }',
    '- name: access port',
    '  ovs_port: { bridge: cloudbr1, name: vnet0, type: internal, tag: 100 }',
    '- name: GRE tunnel',
    '  ovs_port: { bridge: cloudbr1, name: gre0, type: gre, options: { key: 103, remote_ip: 192.0.2.2 } }',
  ].join('\n'),
};
