import type { ModuleDoc } from '../contract.ts';

export const routeDoc: ModuleDoc = {
  summary: 'One static route (IPv4 or IPv6, any table), present or absent, live and persisted.',
  description:
    'A route is identified as the kernel does: family, table, destination and metric (the metric defaults to the kernel\'s: 0 for IPv4, 1024 for IPv6). ' +
    'A present route whose gateway or device differs is replaced in place (`ip route replace`). ' +
    'The route the controller\'s connection leaves by may not be deleted or get another gateway unless --allow-management-change; moving it to another device with the same gateway is allowed (the kernel refuses it when the gateway is not reachable there). ' +
    'With persist (default; needs dev) an `up ip route replace …` line in an `iface DEV inet|inet6 manual` stanza of /etc/network/interfaces.d/zonectl-DEV brings it back at boot.',
  params: {
    to: 'default, a network (10.20.0.0/16, 2001:db8:20::/48) or an address (a host route)',
    via: 'gateway address',
    dev: 'outgoing interface (required when persisted)',
    metric: 'route metric (default: 0 for IPv4, 1024 for IPv6)',
    table: 'main (default), a number, or a name from /etc/iproute2/rt_tables',
    state: 'present (default) or absent',
    persist: 'also write the route to the network configuration (default true)',
  },
  examples: `- name: tenant subnet behind the router
  route:
    to: 10.20.0.0/16
    via: 192.168.100.2
    dev: eth1.1234`,
};
