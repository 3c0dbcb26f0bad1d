import type { ModuleDoc } from '../contract.ts';

export const vlanDoc: ModuleDoc = {
  summary: 'VLAN interfaces on a parent (the host side of a trunk): created, MTU, bridge membership, live and persisted.',
  description:
    'One VLAN (id) or many (ids: 100-110,200); each is named PARENT.ID unless name is given (single id only); names longer than 15 characters are a compile error. ' +
    'An existing interface with the name but another id, parent or protocol is an error: it is not renumbered in place. ' +
    'A kernel without 802.1Q support (module 8021q) is reported as such before anything is changed. ' +
    'With persist (default) each interface gets an `iface NAME inet manual` stanza with vlan-raw-device, vlan-id (and vlan-protocol, mtu, a post-up that enslaves it to bridge) ' +
    'in /etc/network/interfaces.d/zonectl-NAME (dots in file names are written _2e, since ifupdown skips names with dots).',
  params: {
    parent: 'the trunk interface (eth1, bond0)',
    id: 'VLAN id, 1-4094',
    ids: 'many VLAN ids: a list or a string of ids and ranges, 100-110,200',
    name: 'interface name for a single id (default PARENT.ID)',
    mtu: 'MTU of the VLAN interfaces (at most the parent\'s)',
    protocol: '802.1Q (default) or 802.1ad (QinQ outer tag)',
    bridge: 'bridge to enslave each VLAN interface to',
    persist: 'also write them to the network configuration (default true)',
  },
  examples: `- name: tenant VLAN on the router's inside interface
  vlan:
    parent: eth1
    id: 1234
- name: guest VLANs bridged for the hypervisor
  vlan:
    parent: bond0
    ids: 100-110,200
    mtu: 9000`,
};
