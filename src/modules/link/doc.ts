import type { ModuleDoc } from '../contract.ts';

export const linkDoc: ModuleDoc = {
  summary: "An existing interface's MTU and administrative state (up/down), live and persisted.",
  description:
    'Changes interfaces that exist (NICs, veths, bridges, VLAN interfaces made by other tasks); it never creates one. ' +
    'Taking down the interface that carries the management address, or a port of the bridge that carries it, is refused unless --allow-management-change. ' +
    'With persist (default) the settings are also written to the host\'s network configuration (see src/netconfig/README.md): ' +
    'an `iface NAME inet manual` stanza with `mtu` (and `auto NAME` when state is up) in /etc/network/interfaces.d/zonectl-NAME. ' +
    'Raise the MTU of a bridge port before the bridge: a bridge cannot carry more than its smallest port.',
  params: {
    name: 'interface name (1-15 characters, no / : or spaces)',
    mtu: 'MTU in bytes, 68-65535 (9000 for jumbo frames)',
    state: 'up or down',
    persist: 'also write the setting to the network configuration so it survives a reboot (default true)',
  },
  examples: `- name: jumbo frames on the uplink
  link:
    name: eth1
    mtu: 9000
    state: up`,
};
