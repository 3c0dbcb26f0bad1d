import type { ModuleDoc } from '../contract.ts';

export const bridgeDoc: ModuleDoc = {
  summary: 'A Linux bridge: created if missing, its ports, STP, forward delay and MTU, live and persisted.',
  description:
    'Ports not listed are left alone unless exclusive: true (do not use exclusive on bridges that libvirt adds VM ports to, such as cloudbr0/cloudbr1). ' +
    'A port that carries addresses stops answering on them once enslaved: with move_addresses: true its addresses and the routes through it move onto the bridge, ' +
    'in one detached sequence on the host that finishes even if the SSH session stalls meanwhile (the usual cloudbr0 step: enslave eth0, move its address and default route). ' +
    'Enslaving the port of the management address without move_addresses, or removing ports from the bridge that carries it, is refused unless --allow-management-change. ' +
    'With persist (default) an `iface NAME inet manual` stanza with bridge-ports, bridge-stp, bridge-fd and mtu is written to /etc/network/interfaces.d/zonectl-NAME ' +
    '(addresses and routes on the bridge belong to address and route tasks, which write their own stanzas in the same file; see src/netconfig/README.md).',
  params: {
    name: 'bridge name (1-15 characters)',
    ports: 'interfaces to enslave (default none)',
    mtu: 'MTU of the bridge, 68-65535; raise the ports\' MTU first (link module)',
    stp: 'spanning tree on or off (default false)',
    forward_delay: 'seconds, 0-30 (default 0; 2-30 when stp is on)',
    exclusive: 'remove ports that are not listed (default false)',
    move_addresses: "move each newly enslaved port's addresses and routes onto the bridge (default false)",
    persist: 'also write the bridge to the network configuration (default true)',
  },
  examples: `- name: management bridge on the first NIC
  bridge:
    name: cloudbr0
    ports: [eth0]
    move_addresses: true
    mtu: 1500`,
};
