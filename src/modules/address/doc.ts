import type { ModuleDoc } from '../contract.ts';

export const addressDoc: ModuleDoc = {
  summary: 'The IPv4 and IPv6 addresses of one interface, live and persisted.',
  description:
    'Listed addresses are added (an address the device has with another prefix length is replaced); others on the device are removed only with exclusive: true, ' +
    'and never IPv6 link-local or addresses with a lifetime (DHCP, SLAAC). Removing the management address is refused unless --allow-management-change. ' +
    'With persist (default) one `iface DEV inet|inet6 static` stanza per address is written to /etc/network/interfaces.d/zonectl-DEV, ' +
    'next to the stanza of the task that made the device (see src/netconfig/README.md). Notify an arping handler so neighbours learn a moved address at once.',
  params: {
    dev: 'interface name',
    addresses: 'list of addresses with prefix length, IPv4 and IPv6 (10.0.0.5/24, 2001:db8::5/64)',
    exclusive: 'remove addresses that are not listed (default false)',
    persist: 'also write the addresses to the network configuration (default true)',
  },
  examples: `- name: management address on cloudbr0
  address:
    dev: cloudbr0
    addresses: [10.0.0.5/24, "2001:db8::5/64"]
  notify: announce management address`,
};
